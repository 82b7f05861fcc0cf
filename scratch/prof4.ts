import { AnalyticsStore } from '../packages/server/src/platform/analytics-store';
import { factSql } from '../packages/server/src/modules/analytics/fact-sql';
const store = await AnalyticsStore.open(process.env.D ?? '/tmp/fwb100');
const params = { shop: 'big', tz: 'Asia/Shanghai', start: '2025-10-31T16:00:00.000Z', end: '2025-11-30T16:00:00.000Z', from: '2025-11-01', to: '2025-12-01' };
async function t(label: string, sql: string, p: Record<string, string> = params) {
  let best = Infinity; let r: unknown;
  for (let i = 0; i < 6; i++) { const t0 = performance.now(); r = await store.all(sql, p); best = Math.min(best, performance.now() - t0); }
  console.log(label.padEnd(40), best.toFixed(0), 'ms', JSON.stringify(r).slice(0, 150));
}
const level = { kind: 'total' as const };
await t('refunds fact', factSql({ fact: 'refunds', measures: ['refunds'], level, filters: {} }));
await t('refunds plain', `select '' as g, sum(amount) as refunds from refunds where shop_id = $shop and created_at >= $start and created_at < $end`);
await t('paid fact', factSql({ fact: 'paid', measures: ['sales', 'orders', 'buyers'], level, filters: {} }));
console.log(factSql({ fact: 'paid', measures: ['sales', 'orders', 'buyers'], level, filters: {} }));
await t('all four union', ['events','paid','placed','refunds'].map((f) => `select * from (${factSql({ fact: f as 'paid', measures: ({events:['uv','pv'],paid:['sales','orders','buyers'],placed:['gmv'],refunds:['refunds']} as any)[f], level, filters: {}, quarterHours: true })})`).join('\nunion all by name\n'));
await store.close();
