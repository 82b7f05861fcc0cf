import { metricNames, type Dimension, type Grain, type MetricName } from './metrics';

/**
 * The metric catalog: what every metric of PRODUCT.md is called, in which unit it comes, how it is shown,
 * which way is good news, and what it can be cut by. The server (metric layer, planning, alerts, the
 * 复盘 report) and the console read it here; nothing else names a metric.
 */

/** The languages people read Flywheel in; zh-CN is the shop default. */
export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** What a value is: integer minor units, a whole count, a decimal ratio, or seconds. */
export type MetricUnit = 'money' | 'count' | 'ratio' | 'seconds';
/** How a value is shown: ¥1,234.56, 1,234, 3.45%, 2.14 (ROAS, read 1:2.14), 1分5秒. */
export type MetricDisplay = 'money' | 'count' | 'percent' | 'multiple' | 'duration';
/** Which way a change is good news: sales up, refunds down. */
export type GoodDirection = 'up' | 'down';

/** The facts of the metric layer: each a table of things that happened, cut by its own dimensions. */
export const facts = ['placed', 'paid', 'refunds', 'events', 'sessions', 'spend', 'lifecycle'] as const;
export type Fact = (typeof facts)[number];

/** Which dimensions each fact can be cut by (the others make no sense for it, e.g. spend by province). */
export const factDimensions: Record<Fact, readonly Dimension[]> = {
  placed: ['channel', 'category', 'platform', 'campaign', 'province', 'customer_type', 'sku', 'product', 'promotion'],
  paid: ['channel', 'category', 'platform', 'campaign', 'province', 'customer_type', 'sku', 'product', 'promotion'],
  refunds: ['channel', 'category', 'platform', 'campaign', 'province', 'customer_type', 'sku', 'product', 'promotion'],
  events: ['channel', 'category', 'campaign', 'province', 'sku', 'product'],
  sessions: ['channel', 'campaign'],
  spend: ['channel', 'campaign'],
  /** A count of customers at a date (the customers module's lifecycle), not of things that happened: no cuts. */
  lifecycle: [],
};

export interface MetricInfo {
  id: MetricName;
  label: Readonly<Record<Locale, string>>;
  unit: MetricUnit;
  display: MetricDisplay;
  good: GoodDirection;
  /**
   * Adds up over time and over breakdown keys, so a plan splits it into children that sum to the
   * parent (uv and buyers are distinct counts that plans add up nonetheless: planning/targets.ts).
   */
  additive: boolean;
  /** The facts its value is computed from. */
  facts: readonly Fact[];
  /** The dimensions every one of its facts can be cut by. */
  breakdowns: readonly Dimension[];
}

type Spec = [zh: string, en: string, unit: MetricUnit, display: MetricDisplay, good: GoodDirection, additive: boolean, facts: Fact[]];

const specs: Record<MetricName, Spec> = {
  gmv: ['下单金额 (GMV)', 'GMV (placed)', 'money', 'money', 'up', true, ['placed']],
  sales: ['支付金额', 'Sales (paid)', 'money', 'money', 'up', true, ['paid']],
  refunds: ['退款金额', 'Refunds', 'money', 'money', 'down', true, ['refunds']],
  net_sales: ['净销售额', 'Net sales', 'money', 'money', 'up', true, ['paid', 'refunds']],
  orders: ['支付订单数', 'Paid orders', 'count', 'count', 'up', true, ['paid']],
  buyers: ['支付买家数', 'Buyers', 'count', 'count', 'up', true, ['paid']],
  per_customer_spend: ['客单价', 'Spend per buyer', 'money', 'money', 'up', false, ['paid']],
  aov: ['笔单价', 'Average order value', 'money', 'money', 'up', false, ['paid']],
  uv: ['访客数 (UV)', 'Visitors (UV)', 'count', 'count', 'up', true, ['events']],
  pv: ['浏览量 (PV)', 'Page views (PV)', 'count', 'count', 'up', true, ['events']],
  conversion_rate: ['支付转化率', 'Conversion rate', 'ratio', 'percent', 'up', false, ['paid', 'events']],
  add_to_cart_rate: ['加购率', 'Add-to-cart rate', 'ratio', 'percent', 'up', false, ['events']],
  sessions: ['访问次数', 'Sessions', 'count', 'count', 'up', true, ['sessions']],
  bounce_rate: ['跳失率', 'Bounce rate', 'ratio', 'percent', 'down', false, ['sessions']],
  avg_session_duration: ['平均停留时长', 'Avg. session duration', 'seconds', 'duration', 'up', false, ['sessions']],
  new_buyers: ['新买家数', 'New buyers', 'count', 'count', 'up', true, ['paid']],
  returning_buyer_rate: ['老买家占比', 'Returning buyer rate', 'ratio', 'percent', 'up', false, ['paid']],
  repurchase_rate: ['复购率', 'Repurchase rate', 'ratio', 'percent', 'up', false, ['paid']],
  refund_rate: ['退款率', 'Refund rate', 'ratio', 'percent', 'down', false, ['refunds', 'paid']],
  gross_margin: ['毛利率', 'Gross margin', 'ratio', 'percent', 'up', false, ['paid', 'refunds']],
  spend: ['推广花费', 'Marketing spend', 'money', 'money', 'down', true, ['spend']],
  cac: ['获客成本 (CAC)', 'CAC', 'money', 'money', 'down', false, ['spend', 'paid']],
  roas: ['投入产出比 (ROAS)', 'ROAS', 'ratio', 'multiple', 'up', false, ['paid', 'spend']],
  // At the end of the period: they do not add up over time.
  lifecycle_prospect: ['潜客数', 'Prospects', 'count', 'count', 'up', false, ['lifecycle']],
  lifecycle_new: ['新客数', 'New customers', 'count', 'count', 'up', false, ['lifecycle']],
  lifecycle_active: ['活跃客户数', 'Active customers', 'count', 'count', 'up', false, ['lifecycle']],
  lifecycle_dormant: ['沉睡客户数', 'Dormant customers', 'count', 'count', 'down', false, ['lifecycle']],
  lifecycle_churned: ['流失客户数', 'Churned customers', 'count', 'count', 'down', false, ['lifecycle']],
};

const breakdownsOf = (of: readonly Fact[]) => factDimensions[of[0]].filter((d) => of.every((f) => factDimensions[f].includes(d)));

function info(id: MetricName): MetricInfo {
  const [zh, en, unit, display, good, additive, of] = specs[id];
  return { id, label: { 'zh-CN': zh, en }, unit, display, good, additive, facts: of, breakdowns: breakdownsOf(of) };
}

export const metricCatalog = Object.fromEntries(metricNames.map((id) => [id, info(id)])) as Readonly<Record<MetricName, MetricInfo>>;

export const isMetricName = (name: string): name is MetricName => Object.prototype.hasOwnProperty.call(metricCatalog, name);

/** A metric's label in a language; a name the catalog does not know (a metric a newer server added) is shown as it is. */
export function metricLabel(metric: string, locale: Locale): string {
  return isMetricName(metric) ? metricCatalog[metric].label[locale] : metric;
}

/**
 * The finest grain at which a metric's trend means something. 复购率 (buyers with 2+ orders in the
 * period / buyers) is 0 on almost every single day, whatever the month's is: its trend is drawn by week.
 */
export const trendGrains: Partial<Record<MetricName, Grain>> = { repurchase_rate: 'week' };
export const trendGrainOf = (metric: MetricName): Grain => trendGrains[metric] ?? 'day';

/** The colours of a rise and a fall. */
export const changeColours = { red: '#cf1322', green: '#389e0d' } as const;

/**
 * How a shop colours changes: red_up is the Chinese convention (涨红跌绿: red is up, green is down,
 * whatever the metric), every shop's default whatever the reader's language; good_green (good news
 * green, bad news red, as Western dashboards do) only when the shop's settings say so.
 */
export const changeConventions = ['red_up', 'good_green'] as const;
export type ChangeConvention = (typeof changeConventions)[number];
export const DEFAULT_CHANGE_CONVENTION: ChangeConvention = 'red_up';

/**
 * The colour a change of a metric is drawn in (a KPI card's arrow, a product's change, a waterfall's
 * bar), the one place that decides it. No change, no colour.
 */
export function changeColour(metric: MetricName, change: number, convention: ChangeConvention = DEFAULT_CHANGE_CONVENTION): string | undefined {
  if (!change) return undefined;
  if (convention === 'red_up') return change > 0 ? changeColours.red : changeColours.green;
  return (change > 0) === (metricCatalog[metric].good === 'up') ? changeColours.green : changeColours.red;
}
