import { AnalyticsStore } from '../packages/server/src/platform/analytics-store';
import { factSql } from '../packages/server/src/modules/analytics/fact-sql';
const store = await AnalyticsStore.open(process.env.D ?? '/tmp/fwb100');
const params = { shop: 'big', tz: 'Asia/Shanghai', start: '2025-10-31T16:00:00.000Z', end: '2025-11-30T16:00:00.000Z', from: '2025-11-01', to: '2025-12-01' };
async function t(label: string, sql: string, p: Record<string, string> = params) {
  let best = Infinity; let r: unknown;
  for (let i = 0; i < 8; i++) { const t0 = performance.now(); r = await store.all(sql, p); best = Math.min(best, performance.now() - t0); }
  console.log(label.padEnd(40), best.toFixed(1), 'ms', JSON.stringify(r).slice(0, 100));
}
const level = { kind: 'total' as const };
for (const [f, m] of [['events', ['uv', 'pv']], ['paid', ['sales', 'orders', 'buyers']], ['placed', ['gmv']], ['refunds', ['refunds']]] as const) {
  await t(f, factSql({ fact: f, measures: [...m] as any, level, filters: {}, quarterHours: true }));
}
await t('all four union', ['events','paid','placed','refunds'].map((f) => `select * from (${factSql({ fact: f as 'paid', measures: ({events:['uv','pv'],paid:['sales','orders','buyers'],placed:['gmv'],refunds:['refunds']} as any)[f], level, filters: {}, quarterHours: true })})`).join('\nunion all by name\n'));
await t('select 1', 'select 1');
await t('identity_links', `select count(*) from identity_links where shop_id = $shop`);
await t('min links', `select count(*) from (select anonymous_id, min(user_id) from identities where shop_id = $shop group by 1)`);
await t('visits rows', `select count(*) from visits where shop_id = $shop and bucket >= $start and bucket < $end`);
await t('count distinct visits', `select count(distinct coalesce(user_id, anonymous_id)) from visits where shop_id = $shop and bucket >= $start and bucket < $end`);
await store.close();
