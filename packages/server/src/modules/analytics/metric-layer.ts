import type { Dimension, Grain, MetricName } from '@flywheel/contracts';

/**
 * The metric layer: every metric of PRODUCT.md defined once, as a measure or as arithmetic over
 * measures. Measures are aggregates of one fact; the SQL for a fact is built in `fact-sql.ts`. Ratios
 * are always computed from their parts at the level asked for (day, breakdown key, total), never by
 * averaging ratios.
 */
export type Fact = 'placed' | 'paid' | 'refunds' | 'events' | 'sessions' | 'spend';

export const measureFacts = {
  gmv: 'placed',
  sales: 'paid',
  orders: 'paid',
  buyers: 'paid',
  new_buyers: 'paid',
  returning_buyers: 'paid',
  repeat_buyers: 'paid',
  cogs: 'paid',
  refunds: 'refunds',
  uv: 'events',
  pv: 'events',
  cart_visitors: 'events',
  sessions: 'sessions',
  bounces: 'sessions',
  session_seconds: 'sessions',
  spend: 'spend',
} as const satisfies Record<string, Fact>;
export type Measure = keyof typeof measureFacts;
export type MeasureValues = Partial<Record<Measure, number>>;

export type Unit = 'money' | 'count' | 'ratio' | 'seconds';

interface MetricDefinition {
  label: { en: string; zh: string };
  unit: Unit;
  measures: Measure[];
  /** From measure values to the metric; null when a denominator is 0. */
  value: (m: Required<MeasureValues>) => number | null;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
const money = (v: number | null) => (v === null ? null : Math.round(v));

function measure(name: Measure, en: string, zh: string, unit: Unit = 'count'): MetricDefinition {
  return { label: { en, zh }, unit, measures: [name], value: (m) => m[name] };
}

export const metricDefinitions: Record<MetricName, MetricDefinition> = {
  gmv: measure('gmv', 'GMV (placed)', '下单金额', 'money'),
  sales: measure('sales', 'Sales (paid)', '支付金额', 'money'),
  refunds: measure('refunds', 'Refunds', '退款金额', 'money'),
  net_sales: { label: { en: 'Net sales', zh: '净销售额' }, unit: 'money', measures: ['sales', 'refunds'], value: (m) => m.sales - m.refunds },
  orders: measure('orders', 'Paid orders', '支付订单数'),
  buyers: measure('buyers', 'Buyers', '支付买家数'),
  per_customer_spend: { label: { en: 'Spend per buyer', zh: '客单价' }, unit: 'money', measures: ['sales', 'buyers'], value: (m) => money(ratio(m.sales, m.buyers)) },
  aov: { label: { en: 'Average order value', zh: '笔单价' }, unit: 'money', measures: ['sales', 'orders'], value: (m) => money(ratio(m.sales, m.orders)) },
  uv: measure('uv', 'Visitors (UV)', '访客数'),
  pv: measure('pv', 'Page views (PV)', '浏览量'),
  conversion_rate: { label: { en: 'Conversion rate', zh: '支付转化率' }, unit: 'ratio', measures: ['buyers', 'uv'], value: (m) => ratio(m.buyers, m.uv) },
  add_to_cart_rate: { label: { en: 'Add-to-cart rate', zh: '加购率' }, unit: 'ratio', measures: ['cart_visitors', 'uv'], value: (m) => ratio(m.cart_visitors, m.uv) },
  sessions: measure('sessions', 'Sessions', '访问次数'),
  bounce_rate: { label: { en: 'Bounce rate', zh: '跳失率' }, unit: 'ratio', measures: ['bounces', 'sessions'], value: (m) => ratio(m.bounces, m.sessions) },
  avg_session_duration: { label: { en: 'Avg. session duration', zh: '平均停留时长' }, unit: 'seconds', measures: ['session_seconds', 'sessions'], value: (m) => ratio(m.session_seconds, m.sessions) },
  new_buyers: measure('new_buyers', 'New buyers', '新买家数'),
  returning_buyer_rate: { label: { en: 'Returning buyer rate', zh: '老买家占比' }, unit: 'ratio', measures: ['returning_buyers', 'buyers'], value: (m) => ratio(m.returning_buyers, m.buyers) },
  repurchase_rate: { label: { en: 'Repurchase rate', zh: '复购率' }, unit: 'ratio', measures: ['repeat_buyers', 'buyers'], value: (m) => ratio(m.repeat_buyers, m.buyers) },
  refund_rate: { label: { en: 'Refund rate', zh: '退款率' }, unit: 'ratio', measures: ['refunds', 'sales'], value: (m) => ratio(m.refunds, m.sales) },
  gross_margin: {
    label: { en: 'Gross margin', zh: '毛利率' }, unit: 'ratio', measures: ['sales', 'refunds', 'cogs'],
    value: (m) => ratio(m.sales - m.refunds - m.cogs, m.sales - m.refunds),
  },
  spend: measure('spend', 'Marketing spend', '推广花费', 'money'),
  cac: { label: { en: 'CAC', zh: '获客成本' }, unit: 'money', measures: ['spend', 'new_buyers'], value: (m) => money(ratio(m.spend, m.new_buyers)) },
  roas: { label: { en: 'ROAS', zh: '投入产出比' }, unit: 'ratio', measures: ['sales', 'spend'], value: (m) => ratio(m.sales, m.spend) },
};

/** Which dimensions each fact can be cut by (the others make no sense for it, e.g. spend by province). */
export const factDimensions: Record<Fact, readonly Dimension[]> = {
  placed: ['channel', 'category', 'platform', 'campaign', 'province', 'customer_type'],
  paid: ['channel', 'category', 'platform', 'campaign', 'province', 'customer_type'],
  refunds: ['channel', 'category', 'platform', 'campaign', 'province', 'customer_type'],
  events: ['channel', 'category', 'campaign', 'province'],
  sessions: ['channel', 'campaign'],
  spend: ['channel', 'campaign'],
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
