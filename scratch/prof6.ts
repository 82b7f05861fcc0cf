import { AnalyticsStore } from '../packages/server/src/platform/analytics-store';
const store = await AnalyticsStore.open(process.env.D ?? '/tmp/fwb100');
const params = { shop: 'big', tz: 'Asia/Shanghai', start: '2025-10-31T16:00:00.000Z', end: '2025-11-30T16:00:00.000Z', from: '2025-11-01', to: '2025-12-01' };
async function t(label: string, sql: string, p: Record<string, string> = params) {
  let best = Infinity; let r: unknown;
  for (let i = 0; i < 8; i++) { const t0 = performance.now(); r = await store.all(sql, p); best = Math.min(best, performance.now() - t0); }
  console.log(label.padEnd(40), best.toFixed(1), 'ms', JSON.stringify(r).slice(0, 100));
}
await t('paid distinct', `select sum(paid_amount), count(distinct order_id), count(distinct customer_id) from orders where shop_id = $shop and paid_at >= $start and paid_at < $end`);
await t('paid count', `select sum(paid_amount), count(*), count(distinct customer_id) from orders where shop_id = $shop and paid_at >= $start and paid_at < $end`);
await store.close();
