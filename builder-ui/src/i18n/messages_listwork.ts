// Texts of the list's inline edit, OR filter groups, shareable list addresses and the smaller
// fixes of issue 23 point 7; spread into messages.ts.

export const listworkEn = {
  'listwork.filter.title': 'Show records that match any group (all conditions of a group must hold)',
  'listwork.filter.and': 'and',
  'listwork.filter.or': 'or',
  'listwork.filter.not': 'not',
  'listwork.filter.empty': 'empty',
  'listwork.filter.group': 'Condition group {n}',
  'listwork.filter.addGroup': 'Add an "or" group',
  'listwork.filter.fromLink': 'This filter came with the link. Remove its tag to build another here.',
  'listwork.edit.cell': 'Edit {field}',
  'listwork.edit.save': 'Save',
  'listwork.edit.cancel': 'Cancel',
  'listwork.edit.hint': 'Enter saves, Escape cancels',
  'listwork.edit.saved': '{field} saved',
  'listwork.edit.conflict':
    'Someone else changed this record since the list was loaded. Reload it to see their change, then edit again.',
  'listwork.edit.reload': 'Reload the record',
  'listwork.password.default':
    'Your password is still the default one that everyone who has read the README knows. Change it now.',
  'listwork.password.change': 'Change password',
  'listwork.objects.nameHint': 'Suggested from the label; letters, digits and underscores.',
};

export const listworkZhCN: Record<keyof typeof listworkEn, string> = {
  'listwork.filter.title': '显示满足任一条件组的记录（组内条件须全部满足）',
  'listwork.filter.and': '且',
  'listwork.filter.or': '或',
  'listwork.filter.not': '非',
  'listwork.filter.empty': '空',
  'listwork.filter.group': '条件组 {n}',
  'listwork.filter.addGroup': '添加“或”条件组',
  'listwork.filter.fromLink': '此筛选来自链接。移除其标签后即可在此重新设置筛选。',
  'listwork.edit.cell': '编辑{field}',
  'listwork.edit.save': '保存',
  'listwork.edit.cancel': '取消',
  'listwork.edit.hint': '回车保存，Esc 取消',
  'listwork.edit.saved': '已保存{field}',
  'listwork.edit.conflict': '列表加载后，其他人修改了这条记录。请重新加载以查看其修改，然后再编辑。',
  'listwork.edit.reload': '重新加载记录',
  'listwork.password.default': '您的密码仍是默认密码，读过 README 的人都知道它。请立即修改。',
  'listwork.password.change': '修改密码',
  'listwork.objects.nameHint': '根据标签生成；只能包含字母、数字和下划线。',
};
