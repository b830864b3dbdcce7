// Texts of work on many records at once (the list's selection); spread into messages.ts.

export const bulkEn = {
  'app.bulk.select': 'Select',
  'app.bulk.selected': '{count, plural, =0 {No rows ticked} one {# row ticked} other {# rows ticked}}',
  'app.bulk.actions': 'With the ticked rows',
  'app.bulk.setField': 'Set a field…',
  'app.bulk.owner': 'Change the owner…',
  'app.bulk.export': 'Export (Excel)',
  'app.bulk.delete': 'Delete',
  'app.bulk.deleteConfirm': '{count, plural, one {Delete # record?} other {Delete # records?}}',
  'app.bulk.tooMany': 'At most {count} records at once',
  'app.bulk.apply': '{count, plural, one {Apply to # record} other {Apply to # records}}',
  'app.bulk.field': 'Field',
  'app.bulk.value': 'New value',
  'app.bulk.done': '{count, plural, one {# record changed} other {# records changed}}',
  'app.bulk.partial': '{ok} changed, {failed} refused',
  'app.bulk.close': 'Close',
};

export const bulkZhCN: Record<keyof typeof bulkEn, string> = {
  'app.bulk.select': '选择',
  'app.bulk.selected': '{count, plural, =0 {未勾选} other {已勾选 # 行}}',
  'app.bulk.actions': '批量操作',
  'app.bulk.setField': '批量修改字段…',
  'app.bulk.owner': '更换负责人…',
  'app.bulk.export': '导出（Excel）',
  'app.bulk.delete': '删除',
  'app.bulk.deleteConfirm': '删除 {count} 条记录？',
  'app.bulk.tooMany': '一次最多 {count} 条记录',
  'app.bulk.apply': '应用到 {count} 条记录',
  'app.bulk.field': '字段',
  'app.bulk.value': '新值',
  'app.bulk.done': '已修改 {count} 条记录',
  'app.bulk.partial': '{ok} 条已修改，{failed} 条被拒绝',
  'app.bulk.close': '关闭',
};
