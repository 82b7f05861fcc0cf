import { AnalyticsStore } from '../packages/server/src/platform/analytics-store';
import { factSql } from '../packages/server/src/modules/analytics/fact-sql';
const store = await AnalyticsStore.open(process.env.D ?? '/tmp/fwb100');
const params = { shop: 'big', tz: 'Asia/Shanghai', start: '2025-10-31T16:00:00.000Z', end: '2025-11-30T16:00:00.000Z', from: '2025-11-01', to: '2025-12-01' };
async function t(label: string, sql: string, p: Record<string, string> = params) {
  let best = Infinity; let r: unknown;
  for (let i = 0; i < 4; i++) { const t0 = performance.now(); r = await store.all(sql, p); best = Math.min(best, performance.now() - t0); }
  console.log(label.padEnd(40), best.toFixed(0), 'ms', JSON.stringify(r).slice(0, 150));
}
const level = { kind: 'total' as const };
await t('events fact (rollup)', factSql({ fact: 'events', measures: ['uv', 'pv'], level, filters: {}, quarterHours: true }));
await t('events fact (raw)', factSql({ fact: 'events', measures: ['uv', 'pv'], level, filters: {}, quarterHours: false }));
await t('paid fact', factSql({ fact: 'paid', measures: ['sales', 'orders', 'buyers'], level, filters: {} }));
await t('placed fact', factSql({ fact: 'placed', measures: ['gmv'], level, filters: {} }));
await t('refunds fact', factSql({ fact: 'refunds', measures: ['refunds'], level, filters: {} }));
await t('tail only', `select count(*) from events where shop_id = $shop and ts >= $start and ts < $end and rowid >= (select event_rows from rollup_marks where name = 'visits')`);
await t('tail literal', `select count(*) from events where shop_id = $shop and ts >= $start and ts < $end and rowid >= 110000000`);
await t('visits rows', `select count(*) from visits where shop_id = $shop and bucket >= $start and bucket < $end`);
await t('direct join count', `select count(distinct coalesce(v.user_id, i.user_id, v.anonymous_id)) as uv, sum(pages) from visits v left join identity_links i on i.shop_id = $shop and i.anonymous_id = v.anonymous_id where v.shop_id = $shop and bucket >= $start and bucket < $end`);
await t('pairs only', `select count(*) from (select user_id, anonymous_id, sum(pages) from visits where shop_id = $shop and bucket >= $start and bucket < $end group by all)`);
await t('identity_links', `select count(*) from identity_links where shop_id = $shop`);
await store.close();
