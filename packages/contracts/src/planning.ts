import { z } from 'zod';
import { localDate, minorUnits } from './common';
import { changeConventions, locales } from './metric-catalog';
import { metricNames } from './metrics';
import { localizedText } from './texts';

/**
 * Plan and review (capabilities 6-8 of PRODUCT.md): plans with targets on any metric, their
 * decomposition, the sales driver tree, pacing, budgets, alerts and the 复盘 report.
 * Values follow the metric contract: money in integer minor units, counts as integers, ratios as decimals.
 */

/** A plan covers a year (`2026`) or a quarter (`2026-Q4`). */
export const planPeriodLabel = z.string().regex(/^\d{4}(-Q[1-4])?$/, { error: 'must be a year (2026) or a quarter (2026-Q4)' });
/** A target period: a year, a quarter, a month (`2026-10`), or explicit local dates [from, to) (weeks, custom). */
export const periodLabel = z.string().regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, { error: 'must be a year (2026), a quarter (2026-Q4) or a month (2026-10)' });
export const periodRange = z.object({ from: localDate, to: localDate }).refine((p) => p.from < p.to, { error: 'to must be after from (periods are [from, to))', path: ['to'] });
export const periodInput = z.union([periodLabel, periodRange]);

export const periodGrains = ['year', 'quarter', 'month', 'week', 'custom'] as const;
export const planPeriod = z.object({ label: z.string(), from: z.string(), to: z.string(), grain: z.enum(periodGrains) });
export type PlanPeriod = z.infer<typeof planPeriod>;

/** The dimensions a target can be split by besides time. */
export const planningDimensions = ['channel', 'category', 'platform'] as const;
export type PlanningDimension = (typeof planningDimensions)[number];
export const splitKinds = ['quarter', 'month', 'week', ...planningDimensions] as const;
export type SplitKind = (typeof splitKinds)[number];
/** even: by days (time) or equal shares; seasonal: the shop's own last-year curve or mix; manual: given values, validated. */
export const decompositionMethods = ['even', 'seasonal', 'manual'] as const;
export type DecompositionMethod = (typeof decompositionMethods)[number];

const name = z.string().trim().min(1).max(200);
const note = z.string().max(2000);

/** Editable assumptions of the driver tree (sales = UV x conversion x 客单价); null = use the default. */
export const driverAssumptions = z.object({
  conversionRate: z.number().gt(0).max(1).nullable().optional(),
  perCustomerSpend: minorUnits.refine((v) => v > 0, { error: 'must be greater than 0' }).nullable().optional(),
  returningBuyerRate: z.number().min(0).max(1).nullable().optional(),
});
export type DriverAssumptions = z.infer<typeof driverAssumptions>;

export const targetInput = z
  .object({
    metric: z.enum(metricNames, { error: `must be a metric among ${metricNames.join(', ')}` }),
    value: z.number().finite(),
    /** Defaults to the plan's own period. */
    period: periodInput.optional(),
    dimension: z.enum(planningDimensions).optional(),
    dimensionValue: z.string().trim().min(1).max(200).optional(),
    owner: name.optional(),
    note: note.optional(),
  })
  .refine((t) => (t.dimension === undefined) === (t.dimensionValue === undefined), { error: 'give dimension and dimensionValue together', path: ['dimensionValue'] });
export type TargetInput = z.infer<typeof targetInput>;

export const targetUpdate = z.object({ value: z.number().finite().optional(), owner: name.nullable().optional(), note: note.nullable().optional() });

export const target = z.object({
  id: z.string(),
  planId: z.string(),
  parentId: z.string().nullable(),
  metric: z.enum(metricNames),
  value: z.number(),
  period: planPeriod,
  dimension: z.enum(planningDimensions).nullable(),
  dimensionValue: z.string().nullable(),
  owner: z.string().nullable(),
  note: z.string().nullable(),
  /** How this target was made from its parent (null for a target set by hand). */
  splitBy: z.enum(splitKinds).nullable(),
  method: z.enum(decompositionMethods).nullable(),
  assumptions: driverAssumptions.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Target = z.infer<typeof target>;

export const planStatuses = ['draft', 'active', 'archived'] as const;
export const planCreate = z.object({
  name,
  period: planPeriodLabel,
  owner: name.optional(),
  note: note.optional(),
  status: z.enum(planStatuses).default('active'),
  targets: z.array(targetInput).max(200).default([]),
});
export const planUpdate = z.object({ name: name.optional(), owner: name.nullable().optional(), note: note.nullable().optional(), status: z.enum(planStatuses).optional() });

export const plan = z.object({
  id: z.string(),
  name: z.string(),
  period: planPeriod,
  owner: z.string().nullable(),
  note: z.string().nullable(),
  status: z.enum(planStatuses),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Plan = z.infer<typeof plan>;

/** A consistency finding: children that no longer sum to their parent, a ratio that disagrees with its parts, or the parts a ratio implies. */
export const planCheck = z.object({
  targetId: z.string(),
  kind: z.enum(['children_sum', 'ratio_parts', 'implied']),
  ok: z.boolean(),
  /** `text` in zh-CN; `text` renders in any language. */
  message: z.string(),
  text: localizedText,
  implied: z.record(z.string(), z.number()).optional(),
});
export const planDetail = plan.extend({ targets: z.array(target), checks: z.array(planCheck) });
export type PlanDetail = z.infer<typeof planDetail>;

export const decomposeRequest = z.object({
  by: z.enum(splitKinds),
  method: z.enum(decompositionMethods).default('seasonal'),
  /** For a split by dimension: the channels / categories / platforms (default: last year's, for seasonal). */
  keys: z.array(z.string().trim().min(1).max(200)).min(1).max(100).optional(),
  /** For manual: one value per child, keyed by child period label (2026-10, 2026-10-05/2026-10-12) or dimension value. */
  values: z.array(z.object({ key: z.string().min(1), value: z.number().finite() })).min(1).max(400).optional(),
});
export type DecomposeRequest = z.infer<typeof decomposeRequest>;

export const decomposeResult = z.object({
  parent: target,
  children: z.array(target),
  requestedMethod: z.enum(decompositionMethods),
  /** The method actually used: seasonal falls back to even when the shop has no history for the period. */
  method: z.enum(decompositionMethods),
  weights: z.array(z.object({ key: z.string(), weight: z.number() })),
  /** The history the seasonal weights come from ([from, to) a year earlier). */
  basis: z.object({ from: z.string(), to: z.string() }).nullable(),
  /** `noteText` in zh-CN (the shop default); `noteText` renders in any language. */
  note: z.string().nullable(),
  noteText: localizedText.nullable(),
});
export type DecomposeResult = z.infer<typeof decomposeResult>;

const sourced = z.object({ value: z.number().nullable(), source: z.enum(['assumption', 'plan', 'last_year', 'none']) });
export const driverTree = z.object({
  targetId: z.string(),
  period: planPeriod,
  sales: z.number(),
  assumptions: z.object({ conversionRate: sourced, perCustomerSpend: sourced, returningBuyerRate: sourced }),
  /** sales = uv x conversionRate x perCustomerSpend; buyers = newBuyers + returningBuyers. null where an assumption is missing. */
  implied: z.object({ uv: z.number().nullable(), buyers: z.number().nullable(), newBuyers: z.number().nullable(), returningBuyers: z.number().nullable() }),
  months: z.array(z.object({
    period: planPeriod, sales: z.number(), uv: z.number().nullable(), buyers: z.number().nullable(), newBuyers: z.number().nullable(), returningBuyers: z.number().nullable(),
  })),
  lastYear: z.object({ from: z.string(), to: z.string(), sales: z.number().nullable(), uv: z.number().nullable(), buyers: z.number().nullable() }),
  /** `notes` in zh-CN, joined; `notes` render in any language. */
  note: z.string().nullable(),
  notes: z.array(localizedText),
});
export type DriverTree = z.infer<typeof driverTree>;

/**
 * Pacing statuses; the thresholds are in the planning module's README. A period that is over is
 * achieved or missed (达成 / 未达成), never "at risk".
 */
export const pacingStatuses = ['on_track', 'at_risk', 'off_track', 'not_started', 'no_data', 'achieved', 'missed'] as const;
export type PacingStatus = (typeof pacingStatuses)[number];
export const pacingQuery = z.object({ asOf: localDate.optional() });
export const pacingRow = z.object({
  targetId: z.string(),
  metric: z.enum(metricNames),
  period: planPeriod,
  dimension: z.string().nullable(),
  dimensionValue: z.string().nullable(),
  target: z.number(),
  actualToDate: z.number().nullable(),
  /** Where the target says we should be by asOf, along last year's curve (or a straight line without history). */
  expectedToDate: z.number().nullable(),
  expectedShare: z.number(),
  /**
   * Additive metrics: the actual to date plus the days left at the current run rate (along last year's
   * shape), so a year's forecast is its quarters' actuals and forecasts added up. Ratios: the level to date.
   */
  forecast: z.number().nullable(),
  interval: z.object({ low: z.number(), high: z.number(), level: z.number() }).nullable(),
  status: z.enum(pacingStatuses),
  curve: z.enum(['seasonal', 'linear', 'level']),
  note: z.string().nullable(),
});
export type PacingRow = z.infer<typeof pacingRow>;
export const pacingResult = z.object({ planId: z.string(), asOf: z.string(), targets: z.array(pacingRow) });

export const monthLabel = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month YYYY-MM' });
export const quarterLabel = z.string().regex(/^\d{4}-Q[1-4]$/, { error: 'must be a quarter YYYY-QN, e.g. 2026-Q4' });

export const budgetInput = z.object({
  month: monthLabel,
  channel: z.string().trim().min(1).max(100),
  /** '' = the whole channel. */
  campaign: z.string().trim().max(200).default(''),
  amount: minorUnits,
  /** ROAS below this alerts (default: the shop's alert setting, 2.0 = 1:2). */
  roasFloor: z.number().positive().nullable().optional(),
  /** CAC above this alerts (minor units). */
  cacCeiling: minorUnits.nullable().optional(),
  note: note.optional(),
});
export type BudgetInput = z.infer<typeof budgetInput>;
export const budgetsUpsert = z.object({ budgets: z.array(budgetInput).min(1).max(500) });
export const budgetsQuery = z.object({ month: monthLabel, asOf: localDate.optional() });
export const budgetRow = z.object({
  id: z.string(),
  month: z.string(),
  channel: z.string(),
  campaign: z.string(),
  amount: z.number(),
  spend: z.number(),
  remaining: z.number(),
  /** spend / amount; null when the budget is 0. */
  used: z.number().nullable(),
  /** Budget x the share of the month elapsed by asOf (spend is expected to be even through the month). */
  expectedSpendToDate: z.number(),
  sales: z.number(),
  roas: z.number().nullable(),
  newBuyers: z.number(),
  cac: z.number().nullable(),
  roasFloor: z.number(),
  cacCeiling: z.number().nullable(),
  roasBelowFloor: z.boolean(),
  cacAboveCeiling: z.boolean(),
  overBudget: z.boolean(),
  note: z.string().nullable(),
});
export const budgetsResult = z.object({ month: z.string(), asOf: z.string(), budgets: z.array(budgetRow), totals: z.object({ amount: z.number(), spend: z.number(), remaining: z.number() }) });

export const alertKinds = ['target_off_track', 'roas_below_floor', 'cac_above_ceiling', 'channel_concentration', 'kpi_anomaly'] as const;
export type AlertKind = (typeof alertKinds)[number];
export const alertSettings = z.object({
  /** Alerts are POSTed here as JSON with an Idempotency-Key header (null: stored only). */
  webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).nullable(),
  /** One channel carrying more than this share of sessions is a 单一流量依赖 risk. */
  channelShareMax: z.number().gt(0).max(1),
  /** A KPI further than this many standard deviations from its trailing level is an anomaly. */
  sigma: z.number().positive().max(10),
  trailingDays: z.number().int().min(7).max(120),
  roasFloor: z.number().positive(),
  cacCeiling: minorUnits.nullable(),
  anomalyMetrics: z.array(z.enum(metricNames)).max(10),
});
export type AlertSettings = z.infer<typeof alertSettings>;
export const alertSettingsUpdate = alertSettings.partial();

export const alert = z.object({
  id: z.string(),
  kind: z.enum(alertKinds),
  conditionKey: z.string(),
  severity: z.enum(['warning', 'critical']),
  status: z.enum(['open', 'closed']),
  /** The text in zh-CN, the shop default; `text` is its key and values for a reader of another language (texts.ts). */
  message: z.string(),
  /** null for alerts stored before texts had keys. */
  text: localizedText.nullable(),
  data: z.record(z.string(), z.unknown()),
  openedAt: z.string(),
  lastSeenAt: z.string(),
  closedAt: z.string().nullable(),
  delivery: z.object({ status: z.enum(['none', 'pending', 'delivered', 'failed']), attempts: z.number(), deliveredAt: z.string().nullable(), lastError: z.string().nullable() }),
});
export type Alert = z.infer<typeof alert>;
export const alertsQuery = z.object({ status: z.enum(['open', 'closed', 'all']).default('all'), limit: z.coerce.number().int().min(1).max(1000).default(100) });
/** The body may be left out: evaluate as of today. */
export const alertsEvaluateRequest = z.object({ asOf: localDate.optional() }).nullish();
export const alertsEvaluateResult = z.object({ asOf: z.string(), opened: z.array(alert), closed: z.array(alert), open: z.number() });

export const reviewFormats = ['json', 'md', 'html', 'pdf'] as const;
export type ReviewFormat = (typeof reviewFormats)[number];
export const reviewQuery = z
  .object({
    month: monthLabel.optional(),
    quarter: quarterLabel.optional(),
    format: z.enum(reviewFormats).default('json'),
    planId: z.string().optional(),
    /** Review as of this date (default today): a period still running is measured up to it. */
    asOf: localDate.optional(),
    /** The language of the report and of its messages (risks, next actions, notes). */
    lang: z.enum(locales).default('zh-CN'),
  })
  .refine((q) => (q.month === undefined) !== (q.quarter === undefined), { error: 'give either month=YYYY-MM or quarter=YYYY-QN', path: ['month'] });

const gapRow = z.object({ key: z.string(), target: z.number().nullable(), actual: z.number(), gap: z.number().nullable(), previous: z.number(), changePct: z.number().nullable() });
export const reviewReport = z.object({
  shopId: z.string(),
  shopName: z.string(),
  currency: z.string(),
  timezone: z.string(),
  /** The language `message`, `action`, `because` and `note` are written in; `text` fields carry them for any language. */
  locale: z.enum(locales),
  /** How the shop colours rises and falls (its settings; 涨红跌绿 by default), for the report's charts. */
  changeColours: z.enum(changeConventions),
  period: planPeriod,
  /** What was measured: the whole period, or [from, asOf) while it is in progress (a 复盘 on the 25th). */
  measured: z.object({ from: z.string(), to: z.string() }),
  /** The window compared with: the previous period, cut to as many days as were measured. */
  previous: z.object({ from: z.string(), to: z.string() }),
  asOf: z.string(),
  /** The share of the period's sales target expected by the end of `measured` (last year's curve; 1 when the period is over). */
  targetShare: z.number(),
  plan: z.object({ id: z.string(), name: z.string() }).nullable(),
  kpis: z.array(z.object({
    metric: z.enum(metricNames), label: z.string(), unit: z.string(),
    target: z.number().nullable(), actual: z.number().nullable(), gap: z.number().nullable(), attainment: z.number().nullable(),
    previous: z.number().nullable(), changePct: z.number().nullable(), targetSource: z.string().nullable(), targetSourceText: localizedText.nullable(),
  })),
  salesVariance: z.object({
    method: z.string(),
    baseline: z.enum(['target', 'previous_period']),
    target: z.number(),
    actual: z.number(),
    gap: z.number(),
    uvEffect: z.number(),
    conversionEffect: z.number(),
    perCustomerSpendEffect: z.number(),
    drivers: z.object({
      uv: z.object({ target: z.number().nullable(), actual: z.number() }),
      conversionRate: z.object({ target: z.number().nullable(), actual: z.number().nullable() }),
      perCustomerSpend: z.object({ target: z.number().nullable(), actual: z.number().nullable() }),
    }),
    note: z.string().nullable(),
    notes: z.array(localizedText),
  }),
  gapByChannel: z.object({ targetSource: z.string().nullable(), targetSourceText: localizedText.nullable(), rows: z.array(gapRow) }),
  gapByCategory: z.object({ targetSource: z.string().nullable(), targetSourceText: localizedText.nullable(), rows: z.array(gapRow) }),
  topMovers: z.array(z.object({ dimension: z.string(), key: z.string(), metric: z.string(), current: z.number().nullable(), previous: z.number().nullable(), change: z.number().nullable(), changePct: z.number().nullable() })),
  roi: z.object({
    channels: z.array(z.object({ key: z.string(), spend: z.number(), sales: z.number(), roas: z.number().nullable(), newBuyers: z.number(), cac: z.number().nullable(), budget: z.number().nullable(), roasFloor: z.number() })),
    campaigns: z.array(z.object({ key: z.string(), spend: z.number(), sales: z.number(), roas: z.number().nullable(), newBuyers: z.number(), cac: z.number().nullable(), budget: z.number().nullable(), roasFloor: z.number() })),
  }),
  daily: z.array(z.object({ date: z.string(), sales: z.number(), previous: z.number().nullable() })),
  /**
   * The promotions that priced orders paid in the measured window (the promotions module's ledger;
   * orders cancelled since not counted): orders, sales, discount cost (gifts at cost), sales per unit of discount.
   */
  promotions: z.array(z.object({ id: z.string(), name: z.string(), orders: z.number().int(), sales: z.number().int(), discountCost: z.number().int(), salesPerDiscount: z.number().nullable() })),
  risks: z.array(z.object({ kind: z.string(), severity: z.enum(['info', 'warning', 'critical']), message: z.string(), text: localizedText })),
  nextActions: z.array(z.object({ action: z.string(), because: z.string(), text: z.object({ action: localizedText, because: localizedText }) })),
});
export type ReviewReport = z.infer<typeof reviewReport>;
