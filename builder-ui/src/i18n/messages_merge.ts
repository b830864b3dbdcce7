// Texts of the merge screen and of a merged record's page; spread into messages.ts.

export const mergeEn = {
  'app.merge.button': 'Merge',
  'app.merge.selected': 'Merge {count} selected',
  'app.merge.pick': 'Tick 2 to {count} records to merge',
  'app.merge.title': 'Merge records',
  'app.merge.hint':
    'Choose the record to keep and, per field, the value it keeps. The others are deleted; their related records, tasks, history and approvals move to the kept record.',
  'app.merge.add': 'Add a duplicate',
  'app.merge.addHint': 'Find a record to merge into this one',
  'app.merge.max': 'At most {count} records can be merged into one at a time.',
  'app.merge.field': 'Field',
  'app.merge.keep': 'Record to keep',
  'app.merge.kept': 'Kept',
  'app.merge.valueOf': '{field} of {record}',
  'app.merge.remove': 'Remove {record} from the merge',
  'app.merge.confirm': 'Merge',
  'app.merge.confirmTitle': 'Merge {count, plural, one {# record} other {# records}} into {record}?',
  'app.merge.confirmText':
    'The other records are deleted and their addresses lead to the kept one. This cannot be undone.',
  'app.merge.done': 'Merged into {record}',
  'app.merge.needTwo': 'Add at least one more record to merge.',
  'app.merge.cancel': 'Cancel',
  'app.merged.title': 'This record was merged',
  'app.merged.text': 'It was merged into another record, which now holds its values and related records.',
  'app.merged.open': 'Open the record it was merged into',
};

export const mergeZhCN: Record<keyof typeof mergeEn, string> = {
  'app.merge.button': '合并',
  'app.merge.selected': '合并所选 {count} 条',
  'app.merge.pick': '勾选 2 到 {count} 条要合并的记录',
  'app.merge.title': '合并记录',
  'app.merge.hint':
    '选择要保留的记录，并逐个字段选择保留哪条记录的值。其他记录将被删除，它们的相关记录、任务、历史和审批将转移到保留的记录。',
  'app.merge.add': '添加重复记录',
  'app.merge.addHint': '查找要合并到此记录的记录',
  'app.merge.max': '一次最多只能将 {count} 条记录合并到一条记录。',
  'app.merge.field': '字段',
  'app.merge.keep': '保留的记录',
  'app.merge.kept': '保留',
  'app.merge.valueOf': '{record} 的{field}',
  'app.merge.remove': '从合并中移除 {record}',
  'app.merge.confirm': '合并',
  'app.merge.confirmTitle': '将 {count} 条记录合并到 {record}？',
  'app.merge.confirmText': '其他记录将被删除，访问它们的链接会指向保留的记录。此操作无法撤销。',
  'app.merge.done': '已合并到 {record}',
  'app.merge.needTwo': '请至少再添加一条要合并的记录。',
  'app.merge.cancel': '取消',
  'app.merged.title': '该记录已被合并',
  'app.merged.text': '它已被合并到另一条记录，该记录现在保存了它的值和相关记录。',
  'app.merged.open': '打开合并后的记录',
};
