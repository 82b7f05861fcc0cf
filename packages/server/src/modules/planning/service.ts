import type { z } from 'zod';
import type {
  AlertSettings, BudgetInput, DecomposeRequest, DecomposeResult, Dimension, DriverAssumptions, DriverTree, MetricName,
  PacingRow, Plan, PlanDetail, PlanPeriod, PlanningDimension, Target, TargetInput, budgetRow, planCreate, planUpdate, targetUpdate,
} from '@flywheel/contracts';
import { textOf, type LocalizedText } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { assertPublicUrl } from '../../platform/outbound';
import { newId } from '../../platform/ids';
import { daysBetween, localDateOf } from '../../platform/timezone';
import type { AnalyticsService, ShopContext } from '../analytics';
import { splitByLargestRemainder } from './allocation';
import { decompose, type ChildSpec } from './decomposition';
import { impliedDrivers } from './driver-tree';
import { Measure, type Scope } from './measure';
import { pace } from './pacing';
import { planChecks } from './plan-checks';
import { clipDate, contains, datesOf, lastYearOf, parsePeriodLabel, periodDays, periodFromInput, periodOf, splitPeriod } from './periods';
import { dailyCurve, seasonalWeights } from './seasonality';
import { checkTargetValue, direction, distinctCountMetrics, isAdditive, isWhole, ratioParts } from './targets';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const iso = (v: unknown) => new Date(v as string).toISOString();
const json = <T>(v: unknown): T | null => (v === null || v === undefined ? null : typeof v === 'string' ? JSON.parse(v) : (v as T));

export const defaultAlertSettings: AlertSettings = {
  webhookUrl: null,
  channelShareMax: 0.5, // the seeds' 单一流量依赖 risk: one channel carrying over half the traffic
  sigma: 3,
  trailingDays: 28,
  roasFloor: 2, // the seeds' 1:2: "每月监控广告ROI，低于1:2的及时调整出价或素材"
  cacCeiling: null,
  anomalyMetrics: ['sales', 'orders', 'uv', 'conversion_rate'],
};

function toPlan(r: Row): Plan {
  return {
    id: r.id, name: r.name, period: parsePeriodLabel(r.period_label), owner: r.owner ?? null, note: r.note ?? null, status: r.status,
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

function toTarget(r: Row): Target {
  return {
    id: r.id, planId: r.plan_id, parentId: r.parent_id ?? null, metric: r.metric, value: Number(r.value),
    period: { label: r.period_label, from: r.period_from, to: r.period_to, grain: r.period_grain },
    dimension: r.dimension ?? null, dimensionValue: r.dimension_value ?? null, owner: r.owner ?? null, note: r.note ?? null,
    splitBy: r.split_by ?? null, method: r.method ?? null, assumptions: json<DriverAssumptions>(r.assumptions),
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

/** What a target is about: a metric, a period and perhaps one channel / category / platform. */
interface TargetScope {
  metric: MetricName;
  period: { from: string; to: string; label: string };
  dimension: string | null;
  dimensionValue: string | null;
}

const scopeOf = (t: Pick<Target, 'period' | 'dimension' | 'dimensionValue'>, period: { from: string; to: string } = t.period): Scope => ({
  from: period.from, to: period.to, dimension: t.dimension as Dimension | null, dimensionValue: t.dimensionValue,
});
const rowScope = (r: Row): TargetScope => ({ metric: r.metric, period: { from: r.period_from, to: r.period_to, label: r.period_label }, dimension: r.dimension ?? null, dimensionValue: r.dimension_value ?? null });
const sameScope = (a: TargetScope, b: TargetScope) =>
  a.metric === b.metric && a.period.from === b.period.from && a.period.to === b.period.to && (a.dimension ?? null) === (b.dimension ?? null) && (a.dimensionValue ?? null) === (b.dimensionValue ?? null);
const scopeLabel = (t: TargetScope) => `${t.metric} ${t.period.label}${t.dimension ? ` ${t.dimension}=${t.dimensionValue}` : ''}`;

/** A target found for a period, set in the plan or derived from one that contains the period. */
export interface ResolvedTarget {
  value: number;
  source: string;
  /** `source` for people, in any language (contracts' texts.ts). */
  sourceText: LocalizedText;
  target: Target;
}

/**
 * Plans and their targets, decomposition, the driver tree, pacing and budgets. The only door to the
 * planning tables; every actual comes from the metric layer through `Measure`.
 */
export class PlanningService {
  constructor(
    private readonly db: Db,
    private readonly analytics: AnalyticsService,
    private readonly shopOf: (shopId: string) => Promise<ShopContext>,
    /** Webhooks may point at loopback and private addresses (FLYWHEEL_ALLOW_PRIVATE_WEBHOOKS). */
    private readonly allowPrivateWebhooks = false,
  ) {}

  async measure(shopId: string): Promise<Measure> {
    return new Measure(this.analytics, await this.shopOf(shopId));
  }

  async today(shopId: string): Promise<string> {
    return localDateOf(Date.now(), (await this.shopOf(shopId)).timezone);
  }

  // ---- plans and targets -------------------------------------------------------------------------

  async createPlan(shopId: string, input: z.output<typeof planCreate>): Promise<PlanDetail> {
    const period = parsePeriodLabel(input.period);
    const id = newId('plan', 12);
    const plan = { period } as Plan;
    const rows: Row[] = [];
    input.targets.forEach((t, i) => {
      const row = this.targetRow(shopId, id, plan, t, `targets[${i}]`);
      const clash = rows.find((r) => sameScope(rowScope(r), rowScope(row)));
      if (clash) throw new FlywheelError('conflict', `targets[${i}]: the plan already has a target for ${row.metric} ${row.period_label}`, `targets[${i}]`);
      rows.push(row);
    });
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('planning_plans').values({
        shop_id: shopId, id, name: input.name, period_label: period.label, period_from: period.from, period_to: period.to,
        owner: input.owner ?? null, note: input.note ?? null, status: input.status,
      }).execute();
      if (rows.length) await trx.insertInto('planning_targets').values(rows).execute();
    });
    return this.getPlan(shopId, id);
  }

  async listPlans(shopId: string): Promise<Plan[]> {
    const rows = await this.db.selectFrom('planning_plans').selectAll().where('shop_id', '=', shopId).orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toPlan);
  }

  async plan(shopId: string, planId: string): Promise<Plan> {
    const row = await this.db.selectFrom('planning_plans').selectAll().where('shop_id', '=', shopId).where('id', '=', planId).executeTakeFirst();
    if (!row) throw new FlywheelError('not_found', `no plan ${planId} in this shop`);
    return toPlan(row);
  }

  async targets(shopId: string, planId: string): Promise<Target[]> {
    const rows = await this.db.selectFrom('planning_targets').selectAll().where('shop_id', '=', shopId).where('plan_id', '=', planId)
      .orderBy('metric').orderBy('period_from').orderBy('period_to', 'desc').orderBy('dimension').orderBy('dimension_value').execute();
    return rows.map(toTarget);
  }

  async getPlan(shopId: string, planId: string): Promise<PlanDetail> {
    const plan = await this.plan(shopId, planId);
    const targets = await this.targets(shopId, planId);
    return { ...plan, targets, checks: planChecks(targets) };
  }

  async updatePlan(shopId: string, planId: string, patch: z.output<typeof planUpdate>): Promise<PlanDetail> {
    await this.plan(shopId, planId);
    const set: Row = { updated_at: new Date() };
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) set[key] = value;
    await this.db.updateTable('planning_plans').set(set).where('shop_id', '=', shopId).where('id', '=', planId).execute();
    return this.getPlan(shopId, planId);
  }

  async deletePlan(shopId: string, planId: string): Promise<void> {
    await this.plan(shopId, planId);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('planning_targets').where('shop_id', '=', shopId).where('plan_id', '=', planId).execute();
      await trx.deleteFrom('planning_plans').where('shop_id', '=', shopId).where('id', '=', planId).execute();
    });
  }

  /** Validates a target against its plan and the metric, and returns its row. */
  private targetRow(shopId: string, planId: string, plan: Pick<Plan, 'period'>, input: TargetInput, field: string): Row {
    const period = input.period === undefined ? plan.period : periodFromInput(input.period, `${field}.period`);
    if (!contains(plan.period, period)) throw new FlywheelError('invalid_field', `${field}.period: ${period.label} is outside the plan's period ${plan.period.label}`, `${field}.period`);
    checkTargetValue(input.metric, input.value, `${field}.value`);
    return {
      shop_id: shopId, id: newId('tgt', 12), plan_id: planId, parent_id: null, metric: input.metric, value: input.value,
      period_label: period.label, period_from: period.from, period_to: period.to, period_grain: period.grain,
      dimension: input.dimension ?? null, dimension_value: input.dimensionValue ?? null, owner: input.owner ?? null, note: input.note ?? null,
      split_by: null, method: null, assumptions: null,
    };
  }

  async addTarget(shopId: string, planId: string, input: TargetInput): Promise<Target> {
    const plan = await this.plan(shopId, planId);
    const row = this.targetRow(shopId, planId, plan, input, 'target');
    const candidate = rowScope(row);
    const clash = (await this.targets(shopId, planId)).find((t) => sameScope(t, candidate));
    if (clash) throw new FlywheelError('conflict', `the plan already has a target for ${scopeLabel(candidate)} (${clash.id}): change that one`);
    await this.db.insertInto('planning_targets').values(row).execute();
    return this.target(shopId, planId, row.id);
  }

  async target(shopId: string, planId: string, targetId: string): Promise<Target> {
    const row = await this.db.selectFrom('planning_targets').selectAll().where('shop_id', '=', shopId).where('plan_id', '=', planId).where('id', '=', targetId).executeTakeFirst();
    if (!row) throw new FlywheelError('not_found', `no target ${targetId} in plan ${planId}`);
    return toTarget(row);
  }

  async updateTarget(shopId: string, planId: string, targetId: string, patch: z.output<typeof targetUpdate>): Promise<Target> {
    const t = await this.target(shopId, planId, targetId);
    if (patch.value !== undefined) checkTargetValue(t.metric, patch.value);
    const set: Row = { updated_at: new Date() };
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) set[key] = value;
    await this.db.updateTable('planning_targets').set(set).where('shop_id', '=', shopId).where('id', '=', targetId).execute();
    return this.target(shopId, planId, targetId);
  }

  /** Deletes a target with everything decomposed from it. */
  async deleteTarget(shopId: string, planId: string, targetId: string): Promise<{ deleted: number }> {
    await this.target(shopId, planId, targetId);
    const ids = descendants(await this.targets(shopId, planId), targetId, null);
    await this.db.deleteFrom('planning_targets').where('shop_id', '=', shopId).where('id', 'in', [targetId, ...ids]).execute();
    return { deleted: ids.length + 1 };
  }

  async setAssumptions(shopId: string, planId: string, targetId: string, assumptions: DriverAssumptions): Promise<DriverTree> {
    const t = await this.target(shopId, planId, targetId);
    if (t.metric !== 'sales') throw new FlywheelError('invalid_field', `the driver tree explains sales targets; ${t.metric} has none`, 'metric');
    const merged = { ...(t.assumptions ?? {}), ...assumptions };
    await this.db.updateTable('planning_targets').set({ assumptions: JSON.stringify(merged), updated_at: new Date() }).where('shop_id', '=', shopId).where('id', '=', targetId).execute();
    return this.drivers(shopId, planId, targetId);
  }

  // ---- decomposition -----------------------------------------------------------------------------

  async decompose(shopId: string, planId: string, targetId: string, req: DecomposeRequest): Promise<DecomposeResult> {
    const parent = await this.target(shopId, planId, targetId);
    const all = await this.targets(shopId, planId);
    const m = await this.measure(shopId);
    const parts = ratioParts[parent.metric];
    const additive = isAdditive(parent.metric);
    const metrics: MetricName[] = additive ? [parent.metric] : [parent.metric, parts!.denominator];
    const basisPeriod = lastYearOf(parent.period);
    const manual = req.values ? new Map(req.values.map((v) => [v.key, v.value])) : undefined;
    if (manual && req.values && manual.size !== req.values.length) throw new FlywheelError('invalid_field', 'values: a key appears twice', 'values');

    let children: { spec: ChildSpec; period: PlanPeriod; dimensionValue: string | null }[];
    let dimension: Dimension | null = parent.dimension as Dimension | null;
    let childNoun: string;
    if (req.by === 'quarter' || req.by === 'month' || req.by === 'week') {
      const periods = splitPeriod(parent.period, req.by);
      childNoun = `${req.by}s`;
      children = [];
      for (const p of periods) {
        const history = req.method === 'manual' && additive ? null : await m.totals(metrics, scopeOf(parent, lastYearOf(p)));
        children.push({
          period: p, dimensionValue: parent.dimensionValue,
          spec: {
            key: p.label, basis: periodDays(p), lastYear: history?.[parent.metric] ?? null,
            lastYearDenominator: parts ? history?.[parts.denominator] ?? null : null,
            plannedDenominator: parts ? all.find((t) => sameScope(t, { ...parent, metric: parts.denominator, period: p }))?.value ?? null : null,
          },
        });
      }
    } else {
      if (parent.dimension) throw new FlywheelError('invalid_field', `by: this target is already for ${parent.dimension} ${parent.dimensionValue}; split the target above it by ${req.by} instead`, 'by');
      dimension = req.by;
      childNoun = req.by === 'category' ? 'categories' : `${req.by}s`;
      const history = req.method === 'manual' && additive ? [] : await m.breakdown(metrics, scopeOf(parent, basisPeriod), req.by);
      const historyOf = new Map(history.map((h) => [h.key, h.values]));
      let keys = req.keys ?? (manual ? [...manual.keys()] : undefined);
      if (!keys) {
        if (req.method !== 'seasonal') throw new FlywheelError('invalid_field', `keys: name the ${childNoun} to split across`, 'keys');
        keys = history.filter((h) => (h.values[parent.metric] ?? 0) > 0).map((h) => h.key);
        if (keys.length === 0) throw new FlywheelError('invalid_field', `keys: the shop has no ${parent.metric} by ${req.by} last year to take the ${childNoun} from; name them`, 'keys');
      }
      if (new Set(keys).size !== keys.length) throw new FlywheelError('invalid_field', 'keys: a key appears twice', 'keys');
      children = keys.map((key) => ({
        period: parent.period, dimensionValue: key,
        spec: {
          key, basis: 1, lastYear: historyOf.get(key)?.[parent.metric] ?? null,
          lastYearDenominator: parts ? historyOf.get(key)?.[parts.denominator] ?? null : null,
          plannedDenominator: parts ? all.find((t) => sameScope(t, { metric: parts.denominator, period: parent.period, dimension: req.by as PlanningDimension, dimensionValue: key }))?.value ?? null : null,
        },
      }));
    }

    let parentLastYear: number | null = null;
    if (!additive && req.method === 'seasonal') parentLastYear = (await m.totals([parent.metric], scopeOf(parent, basisPeriod)))[parent.metric];
    const result = decompose({ metric: parent.metric, parentValue: parent.value, method: req.method, children: children.map((c) => c.spec), parentLastYear, manual, childNoun });

    // Re-decomposing replaces the previous split of the same kind (and whatever was split from it).
    const replaced = new Set(descendants(all, parent.id, req.by));
    const rows: Row[] = children.map((c, i) => ({
      shop_id: shopId, id: newId('tgt', 12), plan_id: planId, parent_id: parent.id, metric: parent.metric, value: result.values[i],
      period_label: c.period.label, period_from: c.period.from, period_to: c.period.to, period_grain: c.period.grain,
      dimension, dimension_value: c.dimensionValue, owner: parent.owner, note: null, split_by: req.by, method: result.method, assumptions: null,
    }));
    for (const row of rows) {
      const candidate = rowScope(row);
      const clash = all.find((t) => !replaced.has(t.id) && t.id !== parent.id && sameScope(t, candidate));
      if (clash) throw new FlywheelError('conflict', `the plan already has a target for ${scopeLabel(candidate)} (${clash.id}); delete it, or decompose that one instead`);
    }
    await this.db.transaction().execute(async (trx) => {
      if (replaced.size) await trx.deleteFrom('planning_targets').where('shop_id', '=', shopId).where('id', 'in', [...replaced]).execute();
      await trx.insertInto('planning_targets').values(rows).execute();
    });
    const fresh = await this.targets(shopId, planId);
    const ids = new Set(rows.map((r) => r.id));
    const method = result.method;
    return {
      parent,
      children: fresh.filter((t) => ids.has(t.id)).sort((a, b) => rows.findIndex((r) => r.id === a.id) - rows.findIndex((r) => r.id === b.id)),
      requestedMethod: req.method,
      method,
      weights: children.map((c, i) => ({ key: c.spec.key, weight: result.weights[i] })),
      basis: method === 'seasonal' ? basisPeriod : null,
      note: result.note,
    };
  }

  // ---- targets for a period (reviews, the driver tree) -------------------------------------------

  /** The plan a review of this period reads: the one asked for, else the newest live plan that overlaps it. */
  async planFor(shopId: string, period: { from: string; to: string }, planId?: string): Promise<Plan | null> {
    if (planId) return this.plan(shopId, planId);
    const plans = await this.listPlans(shopId);
    return plans.find((p) => p.status !== 'archived' && p.period.from < period.to && period.from < p.period.to) ?? null;
  }

  /**
   * The target of a metric for a period: the plan's own, else the sum of targets that tile the period
   * (a quarter from its months), else derived from the smallest target that contains it (a ratio keeps
   * its value; an additive target gives the period its share of last year, or of the days).
   */
  async resolveTarget(shopId: string, targets: readonly Target[], metric: MetricName, period: { from: string; to: string }, dimension: Dimension | null = null, dimensionValue: string | null = null): Promise<ResolvedTarget | null> {
    const scoped = targets.filter((t) => t.metric === metric && (t.dimension ?? null) === dimension && (t.dimensionValue ?? null) === dimensionValue);
    const exact = scoped.find((t) => t.period.from === period.from && t.period.to === period.to);
    if (exact) return { value: exact.value, source: 'plan', sourceText: textOf('source.plan'), target: exact };
    if (isAdditive(metric)) {
      const inside = scoped.filter((t) => contains(period, t.period)).sort((a, b) => a.period.from.localeCompare(b.period.from) || b.period.to.localeCompare(a.period.to));
      const tiles: Target[] = [];
      let cursor = period.from;
      for (const t of inside) if (t.period.from === cursor) { tiles.push(t); cursor = t.period.to; }
      const periods = tiles.map((t) => t.period.label).join(', ');
      if (tiles.length && cursor === period.to) return { value: tiles.reduce((a, t) => a + t.value, 0), source: `the sum of the ${periods} targets`, sourceText: textOf('source.sum', { periods }), target: tiles[0] };
    }
    const containing = scoped.filter((t) => contains(t.period, period)).sort((a, b) => periodDays(a.period) - periodDays(b.period))[0];
    if (containing) {
      if (!isAdditive(metric)) return { value: containing.value, source: `the ${containing.period.label} target`, sourceText: textOf('source.containing', { period: containing.period.label }), target: containing };
      // The share a seasonal split of the containing target would give this period (the same rule:
      // last year's months if every one had some, else days), so a derived target equals that child.
      const grain = periodOf(period.from, period.to).grain;
      const siblings = grain === 'quarter' || grain === 'month' || grain === 'week' ? splitPeriod(containing.period, grain) : [];
      const index = siblings.findIndex((c) => c.from === period.from && c.to === period.to);
      let share = periodDays(period) / periodDays(containing.period);
      let how = 'its share of the days';
      let howText = 'source.how.days';
      if (index >= 0) {
        const m = await this.measure(shopId);
        const history: (number | null)[] = [];
        for (const c of siblings) history.push((await m.totals([metric], scopeOf(containing, lastYearOf(c))))[metric]);
        const w = seasonalWeights(history, siblings.map((c) => c.label), siblings.map(periodDays));
        share = w.weights[index];
        if (w.method === 'seasonal') { how = 'last year\'s share'; howText = 'source.how.last_year'; }
      }
      const value = isWhole(metric) ? Math.round(containing.value * share) : containing.value * share;
      return { value, source: `the ${containing.period.label} target x ${how} (${(share * 100).toFixed(1)}%)`, sourceText: textOf('source.share', { period: containing.period.label, how: howText, share }), target: containing };
    }
    return null;
  }

  // ---- the driver tree ---------------------------------------------------------------------------

  /**
   * The rates a sales target rests on: set on it (or on a target it was split from), else the plan's
   * targets for those rates, else last year's values for the same dates.
   */
  async assumptionsFor(shopId: string, targets: readonly Target[], t: Target, period: { from: string; to: string } = t.period) {
    const chain: Target[] = [];
    for (let cur: Target | undefined = t; cur; cur = targets.find((x) => x.id === cur!.parentId)) chain.push(cur);
    const lastYear = await (await this.measure(shopId)).totals(['conversion_rate', 'per_customer_spend', 'returning_buyer_rate'], scopeOf(t, lastYearOf(period)));
    const pick = async (field: 'conversionRate' | 'perCustomerSpend' | 'returningBuyerRate', metric: MetricName) => {
      for (const c of chain) {
        const v = c.assumptions?.[field];
        if (v !== null && v !== undefined) return { value: v, source: 'assumption' as const };
      }
      const planned = await this.resolveTarget(shopId, targets, metric, period, t.dimension as Dimension | null, t.dimensionValue);
      if (planned) return { value: planned.value, source: 'plan' as const };
      const ly = lastYear[metric];
      return ly !== null && ly !== undefined ? { value: ly, source: 'last_year' as const } : { value: null, source: 'none' as const };
    };
    return {
      conversionRate: await pick('conversionRate', 'conversion_rate'),
      perCustomerSpend: await pick('perCustomerSpend', 'per_customer_spend'),
      returningBuyerRate: await pick('returningBuyerRate', 'returning_buyer_rate'),
    };
  }

  async drivers(shopId: string, planId: string, targetId: string): Promise<DriverTree> {
    const t = await this.target(shopId, planId, targetId);
    if (t.metric !== 'sales') throw new FlywheelError('invalid_field', `the driver tree explains sales targets (sales = UV x conversion x 客单价); ${t.metric} has none`, 'metric');
    const targets = await this.targets(shopId, planId);
    const m = await this.measure(shopId);
    const assumptions = await this.assumptionsFor(shopId, targets, t);
    const rates = { conversionRate: assumptions.conversionRate.value, perCustomerSpend: assumptions.perCustomerSpend.value, returningBuyerRate: assumptions.returningBuyerRate.value };
    const implied = impliedDrivers(t.value, rates);

    // Months: the target's own month split when it has one, else last year's seasonality.
    const months = t.period.grain === 'month' || periodDays(t.period) <= 31 ? [t.period] : splitPeriod(t.period, 'month');
    const monthChildren = targets.filter((c) => c.parentId === t.id && c.splitBy === 'month');
    let monthSales: number[];
    let note: string | null = null;
    if (months.length === 1) monthSales = [t.value];
    else if (monthChildren.length === months.length) monthSales = months.map((p) => monthChildren.find((c) => c.period.from === p.from)!.value);
    else {
      const history = await m.series(['sales'], scopeOf(t, lastYearOf(t.period)), 'month');
      const lySales = months.map((p) => history.find((h) => h.start === lastYearOf(p).from)?.values.sales ?? null);
      const w = seasonalWeights(lySales, months.map((p) => p.label), months.map(periodDays));
      monthSales = splitByLargestRemainder(t.value, w.weights);
      note = w.note ? `months: ${w.note}` : 'months split by last year\'s seasonality (the target has no month split yet)';
    }
    const ly = await m.totals(['sales', 'uv', 'buyers'], scopeOf(t, lastYearOf(t.period)));
    const missing = (['conversionRate', 'perCustomerSpend'] as const).filter((k) => assumptions[k].value === null);
    if (missing.length) note = [note, `no ${missing.join(' or ')} to build on (no assumption, plan target or history): set it with PUT .../assumptions`].filter(Boolean).join('; ');
    return {
      targetId: t.id, period: t.period, sales: t.value, assumptions, implied,
      months: months.map((p, i) => ({ period: p, sales: monthSales[i], ...impliedDrivers(monthSales[i], rates) })),
      lastYear: { ...lastYearOf(t.period), sales: ly.sales, uv: ly.uv, buyers: ly.buyers },
      note,
    };
  }

  // ---- pacing ------------------------------------------------------------------------------------

  async pacing(shopId: string, planId: string, asOf?: string) {
    await this.plan(shopId, planId);
    const date = asOf ?? (await this.today(shopId));
    const targets = await this.targets(shopId, planId);
    const m = await this.measure(shopId);
    const rows: PacingRow[] = [];
    for (const t of targets) rows.push(await this.paceTarget(m, t, date));
    return { planId, asOf: date, targets: rows };
  }

  /** Last year's daily values of a metric over the same dates as the scope: the seasonality curve (null without history). */
  async curveOf(m: Measure, metric: MetricName, scope: Scope): Promise<number[] | null> {
    const lastYear = lastYearOf(scope);
    const history = await m.series([metric], { ...scope, ...lastYear }, 'day');
    return dailyCurve(history.map((h) => h.values[metric] ?? 0), datesOf(lastYear).map((d) => d.slice(0, 7)));
  }

  /** Pacing of one target by `asOf` (exclusive: the days before it count, today is not over yet). */
  async paceTarget(m: Measure, t: Target, asOf: string): Promise<PacingRow> {
    const totalDays = periodDays(t.period);
    const upTo = clipDate(asOf, t.period);
    const elapsedDays = daysBetween(t.period.from, upTo);
    const done = scopeOf(t, { from: t.period.from, to: upTo });
    const additive = isAdditive(t.metric);
    const notes: string[] = [];
    let daily: (number | null)[] = [];
    let actualToDate: number | null = null;
    let curve: number[] | null = null;
    if (elapsedDays > 0) {
      daily = (await m.series([t.metric], done, 'day')).map((s) => s.values[t.metric] ?? null);
      if (additive) {
        if (distinctCountMetrics.includes(t.metric)) {
          // Distinct counts are planned as a sum of months (see targets.ts), so they are measured so:
          // distinct within each month, added up over the months.
          actualToDate = (await m.series([t.metric], done, 'month')).reduce((a, s) => a + (s.values[t.metric] ?? 0), 0);
          if (totalDays > 31) notes.push(`${t.metric} to date is the sum of its months`);
        } else actualToDate = daily.reduce<number>((a, v) => a + (v ?? 0), 0);
      } else actualToDate = (await m.totals([t.metric], done))[t.metric];
    }
    if (additive) {
      curve = await this.curveOf(m, t.metric, scopeOf(t));
      if (!curve) notes.push('no history for the same dates last year: expected along a straight line');
    }
    const out = pace({ kind: additive ? 'additive' : 'ratio', direction: direction(t.metric), target: t.value, totalDays, elapsedDays, daily, actualToDate, curve, whole: isWhole(t.metric) });
    return {
      targetId: t.id, metric: t.metric, period: t.period, dimension: t.dimension, dimensionValue: t.dimensionValue, target: t.value,
      actualToDate: actualToDate === null ? null : isWhole(t.metric) ? Math.round(actualToDate) : actualToDate,
      expectedToDate: out.expectedToDate, expectedShare: out.expectedShare, forecast: out.forecast, interval: out.interval, status: out.status, curve: out.curve,
      note: notes.length ? notes.join('; ') : null,
    };
  }

  // ---- budgets -----------------------------------------------------------------------------------

  async upsertBudgets(shopId: string, budgets: readonly BudgetInput[]): Promise<{ upserted: number }> {
    const seen = new Set<string>();
    budgets.forEach((b, i) => {
      const key = `${b.month}|${b.channel}|${b.campaign}`;
      if (seen.has(key)) throw new FlywheelError('invalid_field', `budgets[${i}]: ${b.month} ${b.channel}${b.campaign ? ` / ${b.campaign}` : ''} appears twice`, `budgets[${i}]`);
      seen.add(key);
    });
    await this.db.transaction().execute(async (trx) => {
      for (const b of budgets) {
        await trx.insertInto('planning_budgets').values({
          shop_id: shopId, id: newId('bud', 12), month: b.month, channel: b.channel, campaign: b.campaign, amount: b.amount,
          roas_floor: b.roasFloor ?? null, cac_ceiling: b.cacCeiling ?? null, note: b.note ?? null,
        }).onConflict((oc) => oc.columns(['shop_id', 'month', 'channel', 'campaign']).doUpdateSet({
          amount: b.amount, roas_floor: b.roasFloor ?? null, cac_ceiling: b.cacCeiling ?? null, note: b.note ?? null, updated_at: new Date(),
        })).execute();
      }
    });
    return { upserted: budgets.length };
  }

  async deleteBudget(shopId: string, id: string) {
    const r = await this.db.deleteFrom('planning_budgets').where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new FlywheelError('not_found', `no budget ${id} in this shop`);
    return { deleted: 1 };
  }

  /** Each budget of the month with its spend (metric layer, by channel or campaign), ROAS and CAC against floor and ceiling. */
  async budgets(shopId: string, month: string, asOf?: string): Promise<{ month: string; asOf: string; budgets: z.output<typeof budgetRow>[]; totals: { amount: number; spend: number; remaining: number } }> {
    const period = parsePeriodLabel(month, 'month');
    const date = asOf ?? (await this.today(shopId));
    const settings = await this.alertSettings(shopId);
    const rows = await this.db.selectFrom('planning_budgets').selectAll().where('shop_id', '=', shopId).where('month', '=', month).orderBy('channel').orderBy('campaign').execute();
    const m = await this.measure(shopId);
    const metrics: MetricName[] = ['spend', 'sales', 'roas', 'new_buyers', 'cac'];
    const byChannel = rows.some((r) => r.campaign === '') ? new Map((await m.breakdown(metrics, period, 'channel')).map((b) => [b.key, b.values])) : new Map();
    const byCampaign = new Map<string, Map<string, Record<string, number | null>>>();
    for (const channel of new Set(rows.filter((r) => r.campaign !== '').map((r) => r.channel as string))) {
      byCampaign.set(channel, new Map((await m.breakdown(metrics, { ...period, dimension: 'channel', dimensionValue: channel }, 'campaign')).map((b) => [b.key, b.values])));
    }
    const elapsedShare = daysBetween(period.from, clipDate(date, period)) / periodDays(period);
    const budgets = rows.map((r) => {
      const v = (r.campaign === '' ? byChannel.get(r.channel) : byCampaign.get(r.channel)?.get(r.campaign)) ?? {};
      const amount = Number(r.amount);
      const spend = v.spend ?? 0;
      const roasFloor = r.roas_floor === null || r.roas_floor === undefined ? settings.roasFloor : Number(r.roas_floor);
      const cacCeiling = r.cac_ceiling === null || r.cac_ceiling === undefined ? settings.cacCeiling : Number(r.cac_ceiling);
      const roas = v.roas ?? null;
      const cac = v.cac ?? null;
      return {
        id: r.id, month: r.month, channel: r.channel, campaign: r.campaign, amount, spend, remaining: amount - spend,
        used: amount === 0 ? null : spend / amount, expectedSpendToDate: Math.round(amount * elapsedShare),
        sales: v.sales ?? 0, roas, newBuyers: v.new_buyers ?? 0, cac, roasFloor, cacCeiling,
        roasBelowFloor: spend > 0 && (roas ?? 0) < roasFloor,
        cacAboveCeiling: cacCeiling !== null && spend > 0 && (cac === null ? true : cac > cacCeiling),
        overBudget: spend > amount, note: r.note ?? null,
      };
    });
    const channelRows = budgets.filter((b) => b.campaign === '');
    const amount = channelRows.reduce((a, b) => a + b.amount, 0);
    const spend = channelRows.reduce((a, b) => a + b.spend, 0);
    return { month, asOf: date, budgets, totals: { amount, spend, remaining: amount - spend } };
  }

  // ---- alert settings (budgets use their default floor and ceiling) --------------------------------

  async alertSettings(shopId: string): Promise<AlertSettings> {
    const row = await this.db.selectFrom('planning_alert_settings').select(['settings']).where('shop_id', '=', shopId).executeTakeFirst();
    return { ...defaultAlertSettings, ...(json<Partial<AlertSettings>>(row?.settings) ?? {}) };
  }

  async updateAlertSettings(shopId: string, patch: Partial<AlertSettings>): Promise<AlertSettings> {
    if (patch.webhookUrl) await assertPublicUrl(patch.webhookUrl, 'webhookUrl', this.allowPrivateWebhooks);
    const next = { ...(await this.alertSettings(shopId)), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    await this.db.insertInto('planning_alert_settings').values({ shop_id: shopId, settings: JSON.stringify(next) })
      .onConflict((oc) => oc.column('shop_id').doUpdateSet({ settings: JSON.stringify(next), updated_at: new Date() })).execute();
    return next;
  }
}

/** Ids of the targets split from `id` (only by `splitBy` at the first level, when given), all the way down. */
function descendants(targets: readonly Target[], id: string, splitBy: string | null): string[] {
  const out: string[] = [];
  const queue = targets.filter((t) => t.parentId === id && (splitBy === null || t.splitBy === splitBy)).map((t) => t.id);
  while (queue.length) {
    const next = queue.shift()!;
    out.push(next);
    for (const t of targets) if (t.parentId === next) queue.push(t.id);
  }
  return out;
}
