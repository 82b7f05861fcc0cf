import { AnalyticsStore } from '../packages/server/src/platform/analytics-store';
const store = await AnalyticsStore.open(process.env.D ?? '/tmp/fwb100');
const params = { shop: 'big', tz: 'Asia/Shanghai', start: '2025-10-31T16:00:00.000Z', end: '2025-11-30T16:00:00.000Z', from: '2025-11-01', to: '2025-12-01' };
async function t(label: string, sql: string, p: Record<string, string> = params) {
  let best = Infinity; let r: unknown;
  for (let i = 0; i < 4; i++) { const t0 = performance.now(); r = await store.all(sql, p); best = Math.min(best, performance.now() - t0); }
  console.log(label.padEnd(40), best.toFixed(0), 'ms', JSON.stringify(r).slice(0, 150));
}
const start = params.start, end = params.end;
await t('hand visits', `
  with o as (select customer_id, paid_amount from orders where shop_id = 'big' and paid_at >= '${start}' and paid_at < '${end}'),
  ev as (select e.pages as pages, coalesce(e.user_id, i.user_id, e.anonymous_id) as person from visits e
         left join (select anonymous_id, min(user_id) as user_id from identities where shop_id = 'big' group by 1) i on i.anonymous_id = e.anonymous_id
         where e.shop_id = 'big' and e.bucket >= '${start}' and e.bucket < '${end}')
  select (select sum(paid_amount) from o) as sales, (select count(*) from o) as orders, (select count(distinct customer_id) from o) as buyers,
    (select sum(payable_amount) from orders where shop_id = 'big' and placed_at >= '${start}' and placed_at < '${end}') as gmv,
    (select sum(amount) from refunds where shop_id = 'big' and created_at >= '${start}' and created_at < '${end}') as refunds,
    (select count(distinct person) from ev) as uv, (select sum(pages) from ev) as pv`);
await t('hand visits uv only', `
  with ev as (select e.pages as pages, coalesce(e.user_id, i.user_id, e.anonymous_id) as person from visits e
         left join (select anonymous_id, min(user_id) as user_id from identities where shop_id = 'big' group by 1) i on i.anonymous_id = e.anonymous_id
         where e.shop_id = 'big' and e.bucket >= '${start}' and e.bucket < '${end}')
  select (select count(distinct person) from ev) as uv, (select sum(pages) from ev) as pv`);
await t('hand visits uv, params', `
  with ev as (select e.pages as pages, coalesce(e.user_id, i.user_id, e.anonymous_id) as person from visits e
         left join (select anonymous_id, min(user_id) as user_id from identities where shop_id = $shop group by 1) i on i.anonymous_id = e.anonymous_id
         where e.shop_id = $shop and e.bucket >= $start and e.bucket < $end)
  select (select count(distinct person) from ev) as uv, (select sum(pages) from ev) as pv`);
await t('direct join w/ identity_links', `select count(distinct coalesce(v.user_id, i.user_id, v.anonymous_id)) as uv, sum(pages) from visits v left join identity_links i on i.shop_id = $shop and i.anonymous_id = v.anonymous_id where v.shop_id = $shop and bucket >= $start and bucket < $end`);
await t('direct join literal', `select count(distinct coalesce(v.user_id, i.user_id, v.anonymous_id)) as uv, sum(pages) from visits v left join identity_links i on i.shop_id = 'big' and i.anonymous_id = v.anonymous_id where v.shop_id = 'big' and bucket >= '${start}' and bucket < '${end}'`);
await t('paid literal', `select sum(paid_amount), count(distinct order_id), count(distinct customer_id) from orders where shop_id = 'big' and paid_at >= '${start}' and paid_at < '${end}'`);
await t('paid params', `select sum(paid_amount), count(distinct order_id), count(distinct customer_id) from orders where shop_id = $shop and paid_at >= $start and paid_at < $end`);
await store.close();
