// Texts of the global search, recent records and favourites; spread into messages.ts.

export const searchEn = {
  'search.open': 'Search',
  'search.placeholder': 'Search every record by name, email or phone',
  'search.results': 'Search results',
  'search.none': 'Nothing found for “{q}”',
  'search.hint': 'Type a name, an email or a phone number. Records you open and star appear here.',
  'search.more': 'More records match: type more to narrow.',
  'search.recent': 'Recent',
  'search.favourites': 'Favourites',
  'search.untitled': '(no name)',
  'search.favourite': 'Add to favourites',
  'search.unfavourite': 'Remove from favourites',
};

export const searchZhCN: Record<keyof typeof searchEn, string> = {
  'search.open': '搜索',
  'search.placeholder': '按名称、邮箱或电话搜索所有记录',
  'search.results': '搜索结果',
  'search.none': '没有找到与“{q}”相关的记录',
  'search.hint': '输入名称、邮箱或电话号码。打开过和收藏的记录会显示在这里。',
  'search.more': '还有更多匹配的记录，请输入更多内容缩小范围。',
  'search.recent': '最近访问',
  'search.favourites': '收藏',
  'search.untitled': '（无名称）',
  'search.favourite': '加入收藏',
  'search.unfavourite': '取消收藏',
};
