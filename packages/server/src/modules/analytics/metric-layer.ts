import { factDimensions, type Dimension, type Fact, type Grain, type MetricName } from '@flywheel/contracts';

export { factDimensions, type Fact };

/**
 * The metric layer: every metric of PRODUCT.md defined once, as a measure or as arithmetic over
 * measures. Measures are aggregates of one fact; the SQL for a fact is built in `fact-sql.ts`. Ratios
 * are always computed from their parts at the level asked for (day, breakdown key, total), never by
 * averaging ratios. What a metric is called, its unit and its facts are the catalog's
 * (`metricCatalog` in contracts); `metric-layer.test.ts` checks the measures here read those facts.
 */

export const measureFacts = {
  gmv: 'placed',
  sales: 'paid',
  orders: 'paid',
  buyers: 'paid',
  new_buyers: 'paid',
  returning_buyers: 'paid',
  repeat_buyers: 'paid',
  cogs: 'paid',
  /** Units of the lines paid (product analytics). */
  units: 'paid',
  refunds: 'refunds',
  uv: 'events',
  pv: 'events',
  cart_visitors: 'events',
  /** `Product Viewed` events, and the people who sent one (product analytics). */
  product_views: 'events',
  product_viewers: 'events',
  sessions: 'sessions',
  bounces: 'sessions',
  session_seconds: 'sessions',
  spend: 'spend',
  /** Customers in each lifecycle stage at a date: answered by the customers module (`useLifecycle`), not by SQL here. */
  lifecycle_prospect: 'lifecycle',
  lifecycle_new: 'lifecycle',
  lifecycle_active: 'lifecycle',
  lifecycle_dormant: 'lifecycle',
  lifecycle_churned: 'lifecycle',
} as const satisfies Record<string, Fact>;
export type Measure = keyof typeof measureFacts;
export type MeasureValues = Partial<Record<Measure, number>>;

interface MetricDefinition {
  measures: Measure[];
  /** From measure values to the metric; null when a denominator is 0. */
  value: (m: Required<MeasureValues>) => number | null;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
const money = (v: number | null) => (v === null ? null : Math.round(v));

function measure(name: Measure): MetricDefinition {
  return { measures: [name], value: (m) => m[name] };
}

export const metricDefinitions: Record<MetricName, MetricDefinition> = {
  gmv: measure('gmv'),
  sales: measure('sales'),
  refunds: measure('refunds'),
  net_sales: { measures: ['sales', 'refunds'], value: (m) => m.sales - m.refunds },
  orders: measure('orders'),
  buyers: measure('buyers'),
  per_customer_spend: { measures: ['sales', 'buyers'], value: (m) => money(ratio(m.sales, m.buyers)) },
  aov: { measures: ['sales', 'orders'], value: (m) => money(ratio(m.sales, m.orders)) },
  uv: measure('uv'),
  pv: measure('pv'),
  conversion_rate: { measures: ['buyers', 'uv'], value: (m) => ratio(m.buyers, m.uv) },
  add_to_cart_rate: { measures: ['cart_visitors', 'uv'], value: (m) => ratio(m.cart_visitors, m.uv) },
  sessions: measure('sessions'),
  bounce_rate: { measures: ['bounces', 'sessions'], value: (m) => ratio(m.bounces, m.sessions) },
  avg_session_duration: { measures: ['session_seconds', 'sessions'], value: (m) => ratio(m.session_seconds, m.sessions) },
  new_buyers: measure('new_buyers'),
  returning_buyer_rate: { measures: ['returning_buyers', 'buyers'], value: (m) => ratio(m.returning_buyers, m.buyers) },
  repurchase_rate: { measures: ['repeat_buyers', 'buyers'], value: (m) => ratio(m.repeat_buyers, m.buyers) },
  refund_rate: { measures: ['refunds', 'sales'], value: (m) => ratio(m.refunds, m.sales) },
  gross_margin: {
    measures: ['sales', 'refunds', 'cogs'],
    value: (m) => ratio(m.sales - m.refunds - m.cogs, m.sales - m.refunds),
  },
  spend: measure('spend'),
  // No spend, no acquisition cost to speak of: null (shown —), as ROAS is, not ¥0.00.
  cac: { measures: ['spend', 'new_buyers'], value: (m) => (m.spend > 0 ? money(ratio(m.spend, m.new_buyers)) : null) },
  roas: { measures: ['sales', 'spend'], value: (m) => ratio(m.sales, m.spend) },
  lifecycle_prospect: measure('lifecycle_prospect'),
  lifecycle_new: measure('lifecycle_new'),
  lifecycle_active: measure('lifecycle_active'),
  lifecycle_dormant: measure('lifecycle_dormant'),
  lifecycle_churned: measure('lifecycle_churned'),
};

export function measuresOf(metrics: readonly MetricName[]): Measure[] {
  return [...new Set(metrics.flatMap((m) => metricDefinitions[m].measures))];
}

export function factsOf(measures: readonly Measure[]): Map<Fact, Measure[]> {
  const out = new Map<Fact, Measure[]>();
  for (const m of measures) {
    const fact = measureFacts[m];
    out.set(fact, [...(out.get(fact) ?? []), m]);
  }
  return out;
}

export function evaluate(metrics: readonly MetricName[], values: MeasureValues): Record<string, number | null> {
  const full = new Proxy(values, { get: (target, key: string) => target[key as Measure] ?? 0 }) as Required<MeasureValues>;
  return Object.fromEntries(metrics.map((m) => [m, metricDefinitions[m].value(full)]));
}

export interface Level {
  kind: 'total' | 'series' | 'breakdown';
  grain?: Grain;
  dimension?: Dimension;
}
