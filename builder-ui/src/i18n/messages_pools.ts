// Texts of claiming a record from its pool and giving it back; spread into messages.ts.

export const poolsEn = {
  'app.pool.claim': 'Claim',
  'app.pool.claimed': 'The record is yours now',
  'app.pool.inPool': 'In the pool {pool}: claim it to work on it',
  'app.pool.giveBack': 'Return to pool',
  'app.pool.giveBackTitle': 'Return this record to a pool',
  'app.pool.pool': 'Pool',
  'app.pool.reason': 'Reason',
  'app.pool.reasonRequired': 'Say why the record goes back',
  'app.pool.reasonPlaceholder': 'e.g. not reachable for two weeks',
  'app.pool.returned': 'Returned to {pool}',
};

export const poolsZhCN: Record<keyof typeof poolsEn, string> = {
  'app.pool.claim': '领取',
  'app.pool.claimed': '已领取，记录现在归你负责',
  'app.pool.inPool': '在{pool}中：领取后才能跟进',
  'app.pool.giveBack': '退回公海',
  'app.pool.giveBackTitle': '将此记录退回公海',
  'app.pool.pool': '池',
  'app.pool.reason': '原因',
  'app.pool.reasonRequired': '请填写退回原因',
  'app.pool.reasonPlaceholder': '例如：连续两周联系不上',
  'app.pool.returned': '已退回{pool}',
};
