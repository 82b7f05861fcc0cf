import type { Dimension } from '@flywheel/contracts';
import { FlywheelError } from '../../platform/errors';
import { factDimensions, type Fact, type Level, type Measure } from './metric-layer';
import { eventsWithSessionChannelSql, sessionRowsSql } from './sessions';
import { visitSourceSql } from './visits';

export type AttributionModel = 'last_touch' | 'first_touch';
export type Filters = Partial<Record<Dimension, string>>;

export interface FactQuery {
  fact: Fact;
  measures: Measure[];
  level: Level;
  filters: Filters;
  /** The order facts credit an order's channel by this model (PRODUCT.md: 30-day lookback). */
  model?: AttributionModel;
  /** The period starts and ends on a quarter hour: visitors may be counted from the `visits` rollup. */
  quarterHours?: boolean;
  /** `filter.segment`: a statement selecting the customer_id of the segment's members (the customers module's SQL). */
  segment?: string;
}

function onlySegment(q: FactQuery, column: string): string {
  return q.segment ? ` and ${column} in (${q.segment})` : '';
}

function noSegment(q: FactQuery) {
  if (q.segment) throw new FlywheelError('invalid_field', `filter.segment: ${q.measures.join(', ')} cannot be cut by a customer segment (sessions and spend belong to no customer)`, 'filter.segment');
}

/** Parameters every fact query binds: $shop, $tz, $start/$end (instants), $from/$to (local dates). */
export interface FactParams {
  shop: string;
  tz: string;
  start: string;
  end: string;
  from: string;
  to: string;
}

const LOOKBACK_DAYS = 30;

/**
 * The sessions (sessions.ts: by event time, per person) that touched each order's buyer in the 30 days
 * before the order was paid (or placed), and the channel credited: last_touch = the last non-direct
 * session, first_touch = the first session; direct when only direct sessions exist; the order's own
 * `channel` field when nothing was tracked. `earliest` bounds the orders' touch times from below (a
 * constant when it can be: DuckDB then skips older sessions and events by their time); sessions are
 * read from the local midnight 30 days before its day.
 */
export function attributionCtes(ordersRelation: string, model: AttributionModel = 'last_touch', earliest = '(select min(touched_at) from attr_orders)'): string {
  // Sessions starting at one instant are ordered as the session rule walks them (by channel), so a tie is credited the same way every time.
  const pick = model === 'last_touch'
    ? `coalesce(arg_max(t.channel, {'started': t.started, 'channel': t.channel}) filter (where t.channel <> 'direct'), any_value(t.channel) filter (where t.channel = 'direct'), any_value(a.order_channel), 'direct')`
    : `coalesce(arg_min(t.channel, {'started': t.started, 'channel': t.channel}), any_value(a.order_channel), 'direct')`;
  return `
  attr_orders as (select distinct order_id, customer_id, touched_at, order_channel from ${ordersRelation}),
  attr_buyers as (select distinct customer_id as person_id from attr_orders),
  ${sessionRowsSql(`timezone($tz, (timezone($tz, ${earliest})::date - ${LOOKBACK_DAYS})::timestamp)`, '$end::timestamptz', 'attr_buyers', 'attr_s_')},
  touch as (select person_id, started_at as started, channel from attr_s_rows),
  attr as (
    select a.order_id, ${pick} as channel
    from attr_orders a left join touch t
      on t.person_id = a.customer_id and t.started <= a.touched_at and t.started > a.touched_at - interval ${LOOKBACK_DAYS} day
    group by a.order_id)`;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

function bucketExpr(level: Level, column: string, isDate = false): { g: string; gStart: string } {
  if (level.kind !== 'series') return { g: `''`, gStart: '$start::timestamptz' };
  const local = isDate ? column : `timezone($tz, ${column})`;
  const truncated = `date_trunc(${quote(level.grain!)}, ${local})`;
  const key = level.grain === 'hour' ? '%Y-%m-%dT%H:00' : '%Y-%m-%d';
  return { g: `strftime(${truncated}, '${key}')`, gStart: isDate ? truncated : `timezone($tz, ${truncated})` };
}

function checkDimension(fact: Fact, dimension: Dimension, what: 'breakdown' | 'filter', measures: Measure[]) {
  if (!factDimensions[fact].includes(dimension)) {
    throw new FlywheelError('invalid_field', `${what === 'breakdown' ? 'breakdown' : `filter.${dimension}`}: ${measures.join(', ')} cannot be cut by ${dimension}`, what === 'breakdown' ? 'breakdown' : `filter.${dimension}`);
  }
}

/** Dimensions used by this query (breakdown and filters), each checked against the fact. */
function dimensionsUsed(q: FactQuery): Set<Dimension> {
  const used = new Set<Dimension>();
  if (q.level.kind === 'breakdown') { checkDimension(q.fact, q.level.dimension!, 'breakdown', q.measures); used.add(q.level.dimension!); }
  for (const d of Object.keys(q.filters) as Dimension[]) { checkDimension(q.fact, d, 'filter', q.measures); used.add(d); }
  return used;
}

function filterSql(q: FactQuery, exprOf: (d: Dimension) => string): string {
  const parts = (Object.keys(q.filters) as Dimension[]).map((d) => (d === 'category' ? `${exprOf(d)} = split_part($f_${d}, '/', 1)` : `${exprOf(d)} = $f_${d}`));
  return parts.length ? ` and ${parts.join(' and ')}` : '';
}

export function filterParams(filters: Filters): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).map(([d, v]) => [`f_${d}`, v!]));
}

/** Dimensions of an order's lines rather than of the order. */
const LINE_DIMENSIONS: readonly Dimension[] = ['category', 'sku', 'product'];

/** Orders, refunds: one row per order (or per order line when cut by category, SKU or product, or counting units; amounts allocated by line value). */
function orderFactSql(q: FactQuery): string {
  const used = dimensionsUsed(q);
  const byLine = LINE_DIMENSIONS.some((d) => used.has(d)) || q.measures.includes('units');
  const timeCol = q.fact === 'placed' ? 'placed_at' : q.fact === 'paid' ? 'paid_at' : 'created_at';
  const needsCost = q.measures.includes('cogs');
  const needsFirsts = q.measures.some((m) => m === 'new_buyers' || m === 'returning_buyers') || used.has('customer_type');
  const ctes: string[] = [];

  // The fact rows: orders placed/paid in the period, or refunds created in it joined to their order.
  if (q.fact === 'refunds' && used.size === 0 && !q.segment) {
    // Not cut by anything: a refund needs nothing from its order (the join would be most of the work).
    ctes.push(`src as (
      select r.order_id, null::varchar as customer_id, r.created_at as t, r.amount as amount
      from refunds r where r.shop_id = $shop and r.created_at >= $start and r.created_at < $end)`);
  } else if (q.fact === 'refunds') {
    ctes.push(`src as (
      select r.order_id, o.customer_id, r.created_at as t, r.amount as amount, o.paid_amount, o.paid_at, o.placed_at, o.platform, o.campaign, o.channel as order_channel
      from refunds r left join orders o on o.shop_id = r.shop_id and o.order_id = r.order_id
      where r.shop_id = $shop and r.created_at >= $start and r.created_at < $end${onlySegment(q, 'o.customer_id')})`);
  } else {
    ctes.push(`src as (
      select o.order_id, o.customer_id, o.${timeCol} as t, o.payable_amount, o.paid_amount, o.paid_at, o.placed_at, o.platform, o.campaign, o.channel as order_channel
      from orders o where o.shop_id = $shop and o.${timeCol} >= $start and o.${timeCol} < $end${onlySegment(q, 'o.customer_id')})`);
  }
  const amount = q.fact === 'refunds' ? 'amount' : q.fact === 'placed' ? 'payable_amount' : 'paid_amount';
  if (needsCost) {
    ctes.push(`refunded as (select order_id, sum(amount) as refunded from refunds where shop_id = $shop and order_id in (select order_id from src) group by order_id)`);
  }
  if (byLine) {
    ctes.push(`lines as (
      select i.order_id, coalesce(p.category_l1, 'unknown') as category, i.sku, coalesce(i.product_id, 'unknown') as product, i.quantity, i.amount as line_amount,
             sum(i.amount) over (partition by i.order_id) as order_amount, count(*) over (partition by i.order_id) as order_lines,
             coalesce(i.unit_cost, 0) * i.quantity as line_cost
      from order_items i left join products p on p.shop_id = i.shop_id and p.product_id = i.product_id
      where i.shop_id = $shop and i.order_id in (select order_id from src))`);
    const share = `(case when l.order_amount > 0 then l.line_amount / l.order_amount else 1.0 / l.order_lines end)`;
    ctes.push(`base as (select s.*, l.category, l.sku, l.product, l.quantity, s.${amount} * ${share} as value${needsCost ? ', l.line_cost as cost' : ''} from src s join lines l on l.order_id = s.order_id)`);
  } else {
    if (needsCost) ctes.push(`cost as (select order_id, sum(coalesce(unit_cost, 0) * quantity) as cost from order_items where shop_id = $shop and order_id in (select order_id from src) group by order_id)`);
    ctes.push(`base as (select s.*, s.${amount} as value${needsCost ? ', c.cost' : ''} from src s${needsCost ? ' left join cost c on c.order_id = s.order_id' : ''})`);
  }
  if (used.has('channel')) {
    // Orders paid in the period were touched in it; a refund's order may have been paid long before.
    const earliest = q.fact === 'paid' ? '$start::timestamptz' : undefined;
    ctes.push(attributionCtes(`(select order_id, customer_id, coalesce(paid_at, placed_at) as touched_at, order_channel from src)`, q.model, earliest).trim());
  }
  if (needsFirsts) ctes.push(`firsts as (select customer_id, min(paid_at) as first_paid from orders where shop_id = $shop and paid_at is not null and customer_id in (select customer_id from src) group by customer_id)`);
  if (used.has('province')) ctes.push(`cust as (select customer_id, province from customers where shop_id = $shop and customer_id in (select customer_id from src))`);
  // An order priced with several promotions is a row under each (the promotions module's order_promotions).
  if (used.has('promotion')) ctes.push(`promos as (select order_id, promotion_id from order_promotions where shop_id = $shop and order_id in (select order_id from src))`);

  const dimExpr = (d: Dimension): string => ({
    channel: `coalesce(attr.channel, 'direct')`,
    category: `b.category`,
    platform: `coalesce(b.platform, 'unknown')`,
    campaign: `coalesce(b.campaign, '(none)')`,
    province: `coalesce(cust.province, 'unknown')`,
    customer_type: `(case when f.first_paid < $start::timestamptz then 'returning' else 'new' end)`,
    sku: `b.sku`,
    product: `b.product`,
    promotion: `coalesce(pm.promotion_id, '(none)')`,
  })[d];
  const { g, gStart } = q.level.kind === 'breakdown' ? { g: dimExpr(q.level.dimension!), gStart: '$start::timestamptz' } : bucketExpr(q.level, 'b.t');
  const joins = [
    used.has('channel') ? 'left join attr on attr.order_id = b.order_id' : '',
    needsFirsts ? 'left join firsts f on f.customer_id = b.customer_id' : '',
    used.has('province') ? 'left join cust on cust.customer_id = b.customer_id' : '',
    used.has('promotion') ? 'left join promos pm on pm.order_id = b.order_id' : '',
    needsCost ? 'left join refunded rf on rf.order_id = b.order_id' : '',
  ].filter(Boolean).join(' ');
  const costExpr = needsCost ? `, coalesce(b.cost, 0) * (1 - least(1, coalesce(rf.refunded, 0) / nullif(b.paid_amount, 0))) as cost` : '';
  ctes.push(`fact_rows as (
    select ${g} as g, ${gStart} as g_start, b.order_id, b.customer_id, b.value${byLine ? ', b.quantity' : ''}${needsFirsts ? ', f.first_paid' : ''}${costExpr}
    from base b ${joins}
    where true${filterSql(q, dimExpr)})`);

  let select: string;
  // A fact row is an order (orders are unique by id), or one of its lines.
  const orderCount = byLine ? 'count(distinct order_id)' : 'count(*)';
  const units = q.measures.includes('units');
  const perCustomer = q.measures.some((m) => m === 'repeat_buyers' || m === 'new_buyers' || m === 'returning_buyers');
  if (q.fact === 'paid' && perCustomer) {
    // Repurchase and new/returning need each buyer's orders in the group first.
    select = `select g, sum(sales_c) as sales, sum(n) as orders, count(*) as buyers, count_if(n >= 2) as repeat_buyers,
      ${needsFirsts ? 'count_if(first_paid >= g_start) as new_buyers, count_if(first_paid < g_start) as returning_buyers,' : ''}
      ${needsCost ? 'sum(cost_c) as cogs,' : ''}${units ? 'sum(units_c) as units,' : ''} 0 as _
      from (select g, customer_id, any_value(g_start) as g_start, ${orderCount} as n, sum(value) as sales_c
            ${needsFirsts ? ', any_value(first_paid) as first_paid' : ''}${needsCost ? ', sum(cost) as cost_c' : ''}${units ? ', sum(quantity) as units_c' : ''}
            from fact_rows group by g, customer_id)
      group by g`;
  } else if (q.fact === 'paid') {
    select = `select g, sum(value) as sales, ${orderCount} as orders, count(distinct customer_id) as buyers${needsCost ? ', sum(cost) as cogs' : ''}${units ? ', sum(quantity) as units' : ''}
      from fact_rows group by g`;
  } else {
    select = `select g, sum(value) as ${q.fact === 'placed' ? 'gmv' : 'refunds'} from fact_rows group by g`;
  }
  return `with ${ctes.join(',\n')}\n${select}`;
}

/**
 * Visitors and page views in two stages: the rows of the period with their userId, device, page views
 * and whether they added to cart; then each row resolved to its person as `tracked_events` does and
 * counted. The rows are those of the `visits` rollup (plus the events not rolled up yet) when the
 * period allows it and no cut needs an event's category or campaign. Otherwise they are the period's
 * events grouped by (dimensions, userId, device) first: resolving a few hundred thousand pairs instead
 * of every event makes a month of 100M-a-year events about a fifth faster. Province is the person's, so
 * it is taken in the second stage.
 *
 * By channel, an event counts for the channel of its session (PRODUCT.md's visitors per channel): the
 * rows are then the period's sessions (sessions.ts), one per session with its person, page views and
 * whether it added to cart; or, for cuts by what an event names as well, the period's events with
 * their session's channel, sessionized at query time.
 */
function eventFactSql(q: FactQuery): string {
  const used = dimensionsUsed(q);
  const byProduct = q.measures.some((m) => m === 'product_views' || m === 'product_viewers');
  const byEventNames = byProduct || ['category', 'campaign', 'sku', 'product'].some((d) => used.has(d as Dimension));
  if (used.has('channel') && !byEventNames) return sessionVisitorsSql(q);
  // The rollup keeps pages and carts per person and quarter hour: cuts by what an event names, or its session's channel, need the events.
  const rolledUp = q.quarterHours === true && !byEventNames && !used.has('channel');
  const events = used.has('channel')
    ? `${eventsWithSessionChannelSql()} where true`
    : 'events where shop_id = $shop and ts >= $start and ts < $end';
  const source = rolledUp ? visitSourceSql() : `select ts, ${used.has('channel') ? 'session_channel as channel' : 'channel'}, split_part(category, '/', 1) as category,
      coalesce(utm_campaign, '(none)') as campaign, sku, product_id as product,
      user_id, anonymous_id, (type = 'page')::bigint as pages, event = 'Product Added' as carted, (event = 'Product Viewed')::bigint as views
    from ${events}`;
  const dimExpr = (d: Dimension): string => ({
    channel: 'channel', category: 'category', campaign: 'campaign', province: `coalesce(c.province, 'unknown')`, platform: `''`, customer_type: `''`, sku: 'sku', product: 'product', promotion: `''`,
  })[d];
  const byProvince = q.level.kind === 'breakdown' && q.level.dimension === 'province';
  const { g } = q.level.kind === 'breakdown' ? { g: dimExpr(q.level.dimension!) } : bucketExpr(q.level, 'ts');
  // Cut by what an event names, events that name none (a home page view) are left out, not counted as 'unknown'.
  const namedOnly = q.level.kind === 'breakdown' && LINE_DIMENSIONS.includes(q.level.dimension!) ? ` and ${dimExpr(q.level.dimension!)} is not null` : '';
  const { province, ...eventOnly } = q.filters;
  const eventFilters = filterSql({ ...q, filters: eventOnly }, dimExpr);
  const personFilters = filterSql({ ...q, filters: province === undefined ? {} : { province } }, dimExpr);
  const join = used.has('province') ? 'left join customers c on c.shop_id = $shop and c.customer_id = p.person_id' : '';
  const columns: Partial<Record<Measure, string>> = {
    uv: 'count(distinct p.person_id)',
    pv: 'sum(p.pages)',
    cart_visitors: 'count(distinct case when p.carted then p.person_id end)',
    product_views: 'sum(p.views)',
    product_viewers: 'count(distinct case when p.views > 0 then p.person_id end)',
  };
  // Only what was asked for: each distinct count is its own hash aggregate.
  const select = q.measures.filter((m) => columns[m]).map((m) => `${columns[m]} as ${m}`).join(', ');
  // The rollup holds about one row per quarter hour and person already: grouping it again costs more than it saves.
  const pairG = byProvince ? `''` : g;
  const pairs = rolledUp
    ? `select ${pairG} as g, user_id, anonymous_id, pages, carted from src where true${eventFilters}`
    : `select ${pairG} as g, user_id, anonymous_id, sum(pages) as pages, bool_or(carted) as carted, sum(views) as views
      from src where true${namedOnly}${eventFilters}
      group by all`;
  return `with src as (${source}),
    pairs as (${pairs}),
    p as (
      select pairs.*, coalesce(pairs.user_id, i.user_id, pairs.anonymous_id) as person_id
      from pairs left join identity_links i on i.shop_id = $shop and i.anonymous_id = pairs.anonymous_id)
    select ${byProvince ? g : 'p.g'} as g, ${select}
    from p ${join}
    where true${personFilters}${onlySegment(q, 'p.person_id')}
    group by all`;
}

/** Sessions of the period (sessions.ts: the rollup plus the (person, day) pairs touched since), by their channel and campaign. */
/**
 * Visitors, page views and cart visitors cut by channel (and province), from the period's sessions:
 * a visitor counts for each channel a session of theirs entered by.
 */
function sessionVisitorsSql(q: FactQuery): string {
  const dimExpr = (d: Dimension): string => (d === 'province' ? `coalesce(c.province, 'unknown')` : 's.channel');
  const { g } = q.level.kind === 'breakdown' ? { g: dimExpr(q.level.dimension!) } : bucketExpr(q.level, 's.started_at');
  const join = dimensionsUsed(q).has('province') ? 'left join customers c on c.shop_id = $shop and c.customer_id = s.person_id' : '';
  const columns: Partial<Record<Measure, string>> = {
    uv: 'count(distinct s.person_id)',
    pv: 'sum(s.pages)',
    cart_visitors: 'count(distinct case when s.carted then s.person_id end)',
  };
  const select = q.measures.filter((m) => columns[m]).map((m) => `${columns[m]} as ${m}`).join(', ');
  return `with ${sessionRowsSql('$start::timestamptz', '$end::timestamptz')}
    select ${g} as g, ${select} from s_rows s ${join}
    where true${filterSql(q, dimExpr)}${onlySegment(q, 's.person_id')} group by all`;
}

function sessionFactSql(q: FactQuery): string {
  dimensionsUsed(q);
  noSegment(q);
  const dimExpr = (d: Dimension): string => (d === 'channel' ? 's.channel' : `coalesce(s.campaign, '(none)')`);
  const { g } = q.level.kind === 'breakdown' ? { g: dimExpr(q.level.dimension!) } : bucketExpr(q.level, 's.started_at');
  return `with ${sessionRowsSql('$start::timestamptz', '$end::timestamptz')}
    select ${g} as g, count(*) as sessions, count_if(s.events = 1 and s.pages = 1) as bounces, sum(epoch(s.ended_at) - epoch(s.started_at)) as session_seconds
    from s_rows s where true${filterSql(q, dimExpr)} group by g`;
}

function spendFactSql(q: FactQuery): string {
  dimensionsUsed(q);
  noSegment(q);
  const dimExpr = (d: Dimension): string => (d === 'channel' ? 'channel' : `coalesce(nullif(campaign, ''), '(none)')`);
  const { g } = q.level.kind === 'breakdown' ? { g: dimExpr(q.level.dimension!) } : bucketExpr(q.level, 'date', true);
  return `select ${g} as g, sum(amount) as spend from spend
    where shop_id = $shop and date >= $from::date and date < $to::date${filterSql(q, dimExpr)} group by g`;
}

export function factSql(q: FactQuery): string {
  switch (q.fact) {
    case 'placed':
    case 'paid':
    case 'refunds':
      return orderFactSql(q);
    case 'events':
      return eventFactSql(q);
    case 'sessions':
      return sessionFactSql(q);
    case 'spend':
      return spendFactSql(q);
    case 'lifecycle':
      throw new Error('lifecycle counts are the customers module\'s (AnalyticsService.useLifecycle), not SQL of the metric layer');
  }
}
