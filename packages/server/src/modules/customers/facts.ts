import type { LifecycleSettings } from '@flywheel/contracts';
import { addDays, startOfLocalDay } from '../../platform/timezone';
import { lifecycleParams, lifecycleSql } from './lifecycle';
import { RFM_WINDOW_DAYS, rfmClassSql, rfmScoresSql, rfmSql } from './rfm';

/*
 * The per-customer facts in the analytics store, as SQL. Tables read: `orders`, `order_items`,
 * `products`, `refunds` and `customers` (owned by the commerce module, see commerce/projection.ts),
 * `tracked_events`, `events` and `identity_links` (owned by tracking, see tracking/schema.ts),
 * `loyalty_facts` (owned by loyalty, see loyalty/projection.ts), and `customer_tag_edits` and
 * `customer_people` (this module's, see projection.ts). None is written here.
 *
 * Tier and points are the member's now, whatever the as-of date (loyalty keeps their history in its
 * ledger, not here); someone loyalty has not met yet holds the program's first tier (`$base_tier`)
 * with no points, as `loyalty.tierOf` says.
 *
 * A purchase is a paid order (`paid_at is not null`) that is not fully refunded, as for `buyers` and
 * cohorts; refunds count as of the date they were created, so facts "as of" a past date are what the
 * shop knew at its end.
 */

export interface FactsOptions {
  /** Whether to classify RFM (segments on rfmClass, the list and profile: the population's means are needed). */
  rfm: 'none' | 'class';
  /** Limit the people to the ids of `$only` (a JSON list); RFM still ranks the whole population. */
  only?: boolean;
  /**
   * Only these parts (the others' columns are null): `buyers` (orders, net sales, lifecycle),
   * `attributes` (the customer record's fields), `tags`. A segment's size needs only what its rule
   * reads, and DuckDB can then push a rule's time window into the scan of orders. All when absent.
   */
  parts?: FactsParts;
}

export interface FactsParts { buyers: boolean; attributes: boolean; tags: boolean }

/** The parameters the facts bind: `$shop`, `$tz`, `$asof` (local date), `$asof_end` (the instant asOf ends), the lifecycle day counts and `$base_tier`. */
export function factsParams(shopId: string, timezone: string, asOf: string, settings: LifecycleSettings, baseTier: string) {
  return {
    shop: shopId, tz: timezone, asof: asOf, base_tier: baseTier, asof_end: startOfLocalDay(addDays(asOf, 1), timezone).toISOString(),
    // The RFM window as instants: its first local day starts here (comparing instants spares converting every order's time).
    window_start: startOfLocalDay(addDays(asOf, -RFM_WINDOW_DAYS), timezone).toISOString(),
    ...lifecycleParams(settings),
  };
}

const onlyIds = `(select unnest(from_json($only::json, '["VARCHAR"]')))`;

/** The columns of each part, from `buyers b`, `rfm`, `customers c` and `tag_edits t` (or nulls of the same names). */
const columns = {
  buyers: (on: boolean) => (on
    ? `coalesce(b.orders, 0) as orders, coalesce(b.net_sales, 0) as net_sales, b.first_order_at, b.last_order_at, b.first_days, b.last_days,
      ${lifecycleSql('b.first_days', 'b.last_days')} as lifecycle`
    : `null::bigint as orders, null::bigint as net_sales, null::timestamptz as first_order_at, null::timestamptz as last_order_at,
      null::bigint as first_days, null::bigint as last_days, null::varchar as lifecycle`),
  rfm: (on: boolean, rel = 'rfm') => (on
    ? `${rel}.r, ${rel}.f, ${rel}.m, case when ${rel}.customer_id is not null then ${rfmClassSql(`${rel}.high_r`, `${rel}.high_f`, `${rel}.high_m`)} end as rfm_class`
    : 'null::bigint as r, null::bigint as f, null::bigint as m, null::varchar as rfm_class'),
  attributes: (on: boolean) => (on
    ? 'c.gender, c.birthday, c.province, c.city, c.registered_at, c.channel, coalesce(c.tags, []::varchar[]) as imported_tags'
    : 'null::varchar as gender, null::date as birthday, null::varchar as province, null::varchar as city, null::timestamptz as registered_at, null::varchar as channel, []::varchar[] as imported_tags'),
  tags: (on: boolean) => (on
    ? 'list_sort(list_distinct(list_filter(list_concat(coalesce(c.tags, []::varchar[]), coalesce(t.added, []::varchar[])), x -> not list_contains(coalesce(t.removed, []::varchar[]), x)))) as tags'
    : '[]::varchar[] as tags'),
  loyalty: 'coalesce(l.tier, $base_tier) as tier, coalesce(l.points, 0) as points',
};

/**
 * CTEs ending in `facts`: one row per person known as of asOf (a customer record not registered
 * after it, or anyone with an order placed by then), with
 * customer_id, orders, net_sales, first_order_at, last_order_at, first_days, last_days, lifecycle,
 * r, f, m, rfm_class (nulls outside the RFM population),
 * gender, birthday, province, city, registered_at, channel, imported_tags, tags, tier, points (loyalty's, now).
 * The people are `customer_people` (projection.ts): commerce's customers and order customers.
 * Also defines `purchases` (customer_id, order_id, paid_at, paid_amount, net), which segment
 * conditions on orders reuse, and with RFM `rfm_pop` (customer_id, r, f, m) and `rfm`.
 */
export function factsCtes(options: FactsOptions): string {
  const only = options.only ? `and customer_id in ${onlyIds}` : '';
  // Without RFM, the purchases of the people asked for are enough.
  const purchasesOnly = options.only && options.rfm === 'none' ? `and o.customer_id in ${onlyIds}` : '';
  const rfm = options.rfm !== 'none';
  const buyers = rfm || (options.parts?.buyers ?? true);
  const attributes = options.parts?.attributes ?? true;
  const tags = options.parts?.tags ?? true;
  return `
  refunded as (
    select order_id, sum(amount) as refunded from refunds
    where shop_id = $shop and created_at < $asof_end::timestamptz group by order_id),
  purchases as (
    select o.customer_id, o.order_id, o.paid_at, o.paid_amount, o.paid_amount - coalesce(r.refunded, 0) as net
    from orders o left join refunded r on r.order_id = o.order_id
    where o.shop_id = $shop and o.paid_at is not null and o.paid_at < $asof_end::timestamptz
      and (r.refunded is null or r.refunded < o.paid_amount) ${purchasesOnly}),
  ${buyers ? `buyers as (
    select *, date_diff('day', timezone($tz, first_order_at)::date, $asof::date) as first_days, date_diff('day', timezone($tz, last_order_at)::date, $asof::date) as last_days
    from (select customer_id, count(*) as orders, sum(net) as net_sales, min(paid_at) as first_order_at, max(paid_at) as last_order_at,
        count(*) filter (where paid_at >= $window_start::timestamptz) as f, coalesce(sum(net) filter (where paid_at >= $window_start::timestamptz), 0) as m
      from purchases group by customer_id)),` : ''}
  people as (select customer_id from customer_people where shop_id = $shop and first_seen < $asof_end::timestamptz ${only}),
  ${rfm ? `rfm_pop as (select customer_id, last_days as r, f, m from buyers where f > 0),
  rfm as (${rfmSql('rfm_pop')}),` : ''}
  tag_edits as (select customer_id, added, removed from customer_tag_edits where shop_id = $shop),
  facts as (
    select p.customer_id, ${columns.buyers(buyers)}, ${columns.rfm(rfm)}, ${columns.attributes(attributes)}, ${columns.tags(tags)}, ${columns.loyalty}
    from people p
      ${buyers ? 'left join buyers b on b.customer_id = p.customer_id' : ''}
      ${rfm ? 'left join rfm on rfm.customer_id = p.customer_id' : ''}
      ${attributes || tags ? 'left join customers c on c.shop_id = $shop and c.customer_id = p.customer_id' : ''}
      ${tags ? 'left join tag_edits t on t.customer_id = p.customer_id' : ''}
      left join loyalty_facts l on l.shop_id = $shop and l.customer_id = p.customer_id)`;
}

/**
 * After `factsCtes` with RFM and a CTE `page` (customer_id, k) naming a few people: each of them with
 * every fact and the quintile scores r_score, f_score, m_score, which are counted for them alone
 * (rfm.ts `rfmScoresSql`), ordered by `order`. The list and the profile show people through this.
 */
export function pageSql(order: string): { ctes: string[]; select: string } {
  return {
    ctes: [
      `page_rfm as (select x.* from rfm x where x.customer_id in (select customer_id from page))`,
      `page_scores as (${rfmScoresSql('page_rfm', 'rfm_pop')})`,
    ],
    select: `select pg.customer_id, pg.k, ${columns.buyers(true)}, ${columns.rfm(true, 'pr')}, ps.r_score, ps.f_score, ps.m_score,
    ${columns.attributes(true)}, ${columns.tags(true)}, ${columns.loyalty}
  from page pg
    left join buyers b on b.customer_id = pg.customer_id
    left join page_rfm pr on pr.customer_id = pg.customer_id
    left join page_scores ps on ps.customer_id = pg.customer_id
    left join customers c on c.shop_id = $shop and c.customer_id = pg.customer_id
    left join tag_edits t on t.customer_id = pg.customer_id
    left join loyalty_facts l on l.shop_id = $shop and l.customer_id = pg.customer_id
  order by ${order}`,
  };
}
