import { AnalyticsStore } from '../packages/server/src/platform/analytics-store';
const store = await AnalyticsStore.open(process.env.D ?? '/tmp/fwb100');
const params = { shop: 'big', tz: 'Asia/Shanghai', start: '2025-10-31T16:00:00.000Z', end: '2025-11-30T16:00:00.000Z', from: '2025-11-01', to: '2025-12-01' };
async function t(label: string, sql: string, p: Record<string, string> = params) {
  let best = Infinity; let r: unknown;
  for (let i = 0; i < 4; i++) { const t0 = performance.now(); r = await store.all(sql, p); best = Math.min(best, performance.now() - t0); }
  console.log(label.padEnd(40), best.toFixed(0), 'ms', JSON.stringify(r).slice(0, 150));
}
const src = `select bucket as ts, channel, user_id, anonymous_id, pages, carted from visits
      where shop_id = $shop and bucket >= $start and bucket < $end
    union all
    select ts, channel, user_id, anonymous_id, (type = 'page')::bigint, event = 'Product Added' from events
      where shop_id = $shop and ts >= $start and ts < $end and rowid >= (select event_rows from rollup_marks where name = 'visits')`;
await t('no pair stage', `with src as (${src}),
 p as (select src.*, coalesce(src.user_id, i.user_id, src.anonymous_id) as person_id from src left join identity_links i on i.shop_id = $shop and i.anonymous_id = src.anonymous_id)
 select '' as g, count(distinct p.person_id) as uv, sum(p.pages) as pv from p group by all`);
await t('no pair stage, min links', `with src as (${src}),
 p as (select src.*, coalesce(src.user_id, i.user_id, src.anonymous_id) as person_id from src left join (select anonymous_id, min(user_id) as user_id from identities where shop_id = $shop group by 1) i on i.anonymous_id = src.anonymous_id)
 select '' as g, count(distinct p.person_id) as uv, sum(p.pages) as pv from p group by all`);
await t('no pair stage, arg_min links by anon', `with src as (${src}),
 p as (select src.*, coalesce(src.user_id, i.user_id, src.anonymous_id) as person_id from src left join (select anonymous_id, arg_min(user_id, ts) as user_id from identities where shop_id = $shop group by 1) i on i.anonymous_id = src.anonymous_id)
 select '' as g, count(distinct p.person_id) as uv, sum(p.pages) as pv from p group by all`);
await t('no pair, no tail', `with src as (select bucket as ts, channel, user_id, anonymous_id, pages, carted from visits
      where shop_id = $shop and bucket >= $start and bucket < $end),
 p as (select src.*, coalesce(src.user_id, i.user_id, src.anonymous_id) as person_id from src left join identity_links i on i.shop_id = $shop and i.anonymous_id = src.anonymous_id)
 select '' as g, count(distinct p.person_id) as uv, sum(p.pages) as pv from p group by all`);
await store.close();
