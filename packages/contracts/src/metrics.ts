import { z } from 'zod';
import { localDate } from './common';

/** The metrics of PRODUCT.md, by their contract names. */
export const metricNames = [
  'gmv', 'sales', 'refunds', 'net_sales', 'orders', 'buyers', 'per_customer_spend', 'aov',
  'uv', 'pv', 'conversion_rate', 'add_to_cart_rate', 'sessions', 'bounce_rate', 'avg_session_duration',
  'new_buyers', 'returning_buyer_rate', 'repurchase_rate', 'refund_rate', 'gross_margin', 'spend', 'cac', 'roas',
  // Customers in each lifecycle stage at the end of the period (of each bucket), as the customers module classifies them.
  'lifecycle_prospect', 'lifecycle_new', 'lifecycle_active', 'lifecycle_dormant', 'lifecycle_churned',
] as const;
export type MetricName = (typeof metricNames)[number];

/**
 * `hour` buckets are hours of the shop's day (`start` 2026-12-03T14:00, local time): today so far
 * against yesterday at the same hour. The others start on a local date.
 */
export const grains = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type Grain = (typeof grains)[number];
export const comparisons = ['previous_period', 'previous_year'] as const;
/**
 * `sku` and `product` (SPU) cut orders by their lines (amounts allocated by line value) and events by
 * the product they name. `promotion` cuts orders by the promotions their checkout was priced with
 * (keys are promotion ids, named in `label`): an order with two counts under both, one with none
 * under `(none)`, so the keys add up to more than the total.
 */
export const dimensions = ['channel', 'category', 'platform', 'campaign', 'province', 'customer_type', 'sku', 'product', 'promotion'] as const;
export type Dimension = (typeof dimensions)[number];

const metricList = z
  .string()
  .min(1, { error: 'name at least one metric, e.g. metrics=sales,orders' })
  .transform((s) => s.split(',').map((m) => m.trim()).filter(Boolean))
  .pipe(z.array(z.enum(metricNames, { error: `must be metric names among ${metricNames.join(', ')}` })).min(1).max(30));

/** The most points a series may have: four years by day, decades by week. */
export const MAX_SERIES_POINTS = 1500;

const DAY_MS = 86_400_000;
/** How many points [from, to) has at `grain` (an upper bound for weeks, which align to Mondays). */
export function seriesPoints(from: string, to: string, grain: Grain): number {
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
  const months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
  switch (grain) {
    case 'hour': return days * 24;
    case 'day': return days;
    case 'week': return Math.ceil(days / 7) + 1;
    case 'month': return months;
    case 'quarter': return Math.ceil(months / 3) + 1;
    case 'year': return Number(to.slice(0, 4)) - Number(from.slice(0, 4)) + 1;
  }
}

const FILTER_PREFIX = 'filter.';

const metricsQueryFields = z.object({
  metrics: metricList,
  from: localDate,
  to: localDate,
  grain: z.enum(grains).optional(),
  compare: z.enum(comparisons).optional(),
  breakdown: z.enum(dimensions).optional(),
  /** The most breakdown keys answered, by the first metric descending (`breakdownKeys` says how many there are). */
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  'filter.channel': z.string().optional(),
  'filter.category': z.string().optional(),
  'filter.platform': z.string().optional(),
  'filter.campaign': z.string().optional(),
  'filter.province': z.string().optional(),
  'filter.customer_type': z.enum(['new', 'returning']).optional(),
  'filter.sku': z.string().optional(),
  'filter.product': z.string().optional(),
  'filter.promotion': z.string().optional(),
  /** Only the people who are in a saved customer segment now (not a dimension: it cuts, it does not break down). */
  'filter.segment': z.string().regex(/^seg_[a-z0-9]{1,40}$/, { error: 'must be a segment id (seg_...)' }).optional(),
});
/**
 * `GET /v1/metrics` query. Filters come as `filter.channel=paid_search` (one value per dimension); a
 * filter on an unknown dimension is refused, never ignored (it would answer unfiltered totals).
 */
export const metricsQuery = metricsQueryFields
  .loose()
  .superRefine((q, ctx) => {
    for (const key of Object.keys(q)) {
      if (key.startsWith(FILTER_PREFIX) && key !== 'filter.segment' && !(dimensions as readonly string[]).includes(key.slice(FILTER_PREFIX.length))) {
        ctx.addIssue({ code: 'custom', path: [key], message: `unknown filter: filters are filter.<dimension> with a dimension among ${dimensions.join(', ')}, or filter.segment` });
      }
    }
    if (q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from (periods are [from, to))' });
    else if (q.grain && seriesPoints(q.from, q.to, q.grain) > MAX_SERIES_POINTS) {
      ctx.addIssue({ code: 'custom', path: ['grain'], message: `a ${q.grain} series over this period has more than ${MAX_SERIES_POINTS} points: choose a coarser grain or a shorter period` });
    }
  });
/** As validated; the server's own callers may leave `limit` out (every breakdown key). */
export type MetricsQuery = Omit<z.infer<typeof metricsQueryFields>, 'limit'> & { limit?: number };

const values = z.record(z.string(), z.number().nullable());
export const metricsResult = z.object({
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  currency: z.string(),
  totals: values,
  comparison: z.record(z.string(), z.object({ previous: z.number().nullable(), change: z.number().nullable(), changePct: z.number().nullable() })).optional(),
  previous: z.object({ from: z.string(), to: z.string() }).optional(),
  series: z.array(z.object({ start: z.string(), values })).optional(),
  /** `label`: what people call a key that is an id (a promotion's name). */
  breakdown: z.array(z.object({ key: z.string(), label: z.string().optional(), values })).optional(),
  /** How many keys the breakdown has in all; `breakdown` holds the first `limit` of them. */
  breakdownKeys: z.number().int().optional(),
});
export type MetricsResult = z.infer<typeof metricsResult>;

/** A funnel's conversion window (`30m`, `12h`, `7d`) in milliseconds. */
export const funnelWindowMs = (w: string) => Number(w.slice(0, -1)) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[w.slice(-1) as 'm' | 'h' | 'd'];

export const funnelRequest = z
  .object({
    /** `event` is a track event name, or `$pageview` for any page view; `where` matches event properties. */
    steps: z.array(z.object({
      event: z.string().min(1),
      where: z.record(z.string().regex(/^[A-Za-z0-9_]+$/, { error: 'property names are letters, digits and _' }), z.union([z.string(), z.number(), z.boolean()])).optional(),
      name: z.string().optional(),
    })).min(2, { error: 'a funnel needs at least 2 steps' }).max(10),
    /** The conversion window, up to a year (a funnel over longer journeys is a cohort question). */
    window: z.string().regex(/^\d+(m|h|d)$/, { error: 'must look like 30m, 12h or 7d' })
      .refine((w) => funnelWindowMs(w) <= 366 * 86_400_000, { error: 'must be at most 366d' })
      .default('7d'),
    from: localDate,
    to: localDate,
    breakdown: z.enum(['channel']).optional(),
  })
  .refine((q) => q.from < q.to, { error: 'to must be after from', path: ['to'] });
export type FunnelRequest = z.infer<typeof funnelRequest>;

const funnelStep = z.object({ name: z.string(), people: z.number(), conversionFromPrevious: z.number().nullable(), conversionFromFirst: z.number().nullable(), medianSecondsFromPrevious: z.number().nullable() });
/** `POST /v1/funnels/people`: who reached step `step - 1` but not `step` (1-based) — for a segment or a journey. */
export const funnelPeopleRequest = z.intersection(funnelRequest, z.object({ step: z.number().int().min(2), limit: z.number().int().min(1).max(10000).default(1000) }));

export const funnelResult = z.object({
  steps: z.array(funnelStep),
  breakdown: z.array(z.object({ key: z.string(), steps: z.array(funnelStep) })).optional(),
});
export type FunnelResult = z.infer<typeof funnelResult>;

export const cohortsQuery = z
  .object({
    by: z.enum(['first_order', 'signup', 'first_visit']).default('first_order'),
    grain: z.enum(['week', 'month']).default('month'),
    /** retention: share with a paid order in the period; activity: share with any tracked event; ltv: cumulative net sales per customer. */
    measure: z.enum(['retention', 'activity', 'ltv']).default('retention'),
    from: localDate,
    to: localDate,
    periods: z.coerce.number().int().min(1).max(60).default(12),
  })
  .refine((q) => q.from < q.to, { error: 'to must be after from', path: ['to'] });
export const cohortsResult = z.object({ cohorts: z.array(z.object({ cohort: z.string(), size: z.number(), values: z.array(z.number().nullable()) })) });
export type CohortsResult = z.infer<typeof cohortsResult>;

export const attributionQuery = z
  .object({ model: z.enum(['last_touch', 'first_touch']).default('last_touch'), from: localDate, to: localDate })
  .refine((q) => q.from < q.to, { error: 'to must be after from', path: ['to'] });
export const attributionResult = z.object({
  model: z.string(),
  channels: z.array(z.object({
    channel: z.string(), visitors: z.number(), buyers: z.number(), sales: z.number(), newBuyers: z.number(), spend: z.number(),
    cac: z.number().nullable(), roas: z.number().nullable(),
  })),
});
export type AttributionResult = z.infer<typeof attributionResult>;

/** `POST /v1/funnels/people`: who reached step - 1 and not `step` (person ids: the customer once known, else the device). */
export const funnelPeopleResult = z.object({ step: z.number().int(), people: z.array(z.string()) });
export type FunnelPeopleResult = z.infer<typeof funnelPeopleResult>;

export const productLevels = ['sku', 'spu', 'category'] as const;
export type ProductLevel = (typeof productLevels)[number];

export const productAnalyticsQuery = z
  .object({ from: localDate, to: localDate, level: z.enum(productLevels).default('spu'), limit: z.coerce.number().int().min(1).max(1000).default(100) })
  .refine((q) => q.from < q.to, { error: 'to must be after from', path: ['to'] });
export type ProductAnalyticsQuery = z.infer<typeof productAnalyticsQuery>;

export const productRow = z.object({
  key: z.string(),
  title: z.string().nullable(),
  views: z.number(),
  visitors: z.number(),
  addToCart: z.number(),
  buyers: z.number(),
  units: z.number(),
  /** Minor units: each paid order's amount allocated to its lines by line value. */
  sales: z.number(),
  conversionRate: z.number().nullable(),
  refundRate: z.number().nullable(),
  grossMargin: z.number().nullable(),
  previousSales: z.number(),
  salesChange: z.number(),
});
export type ProductRow = z.infer<typeof productRow>;

export const productAnalyticsResult = z.object({
  level: z.enum(productLevels),
  previous: z.object({ from: z.string(), to: z.string() }),
  items: z.array(productRow),
  topMovers: z.array(productRow),
});
export type ProductAnalyticsResult = z.infer<typeof productAnalyticsResult>;
