import type { z } from 'zod';
import type { Dimension, MetricName, Plan, PlanDetail, Target, TargetInput, planCreate, planUpdate, targetUpdate } from '@flywheel/contracts';
import { textOf, type LocalizedText } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { localDateOf } from '../../platform/timezone';
import type { AnalyticsService, ShopContext } from '../analytics';
import { Measure } from './measure';
import { planChecks } from './plan-checks';
import { contains, lastYearOf, parsePeriodLabel, periodDays, periodFromInput, periodOf, splitPeriod } from './periods';
import { seasonalWeights } from './seasonality';
import { checkTargetValue, isAdditive, isWhole } from './targets';
import { descendants, rowScope, sameScope, scopeLabel, scopeOf, toPlan, toTarget, type Row } from './target-rows';

/** A target found for a period, set in the plan or derived from one that contains the period. */
export interface ResolvedTarget {
  value: number;
  source: string;
  /** `source` for people, in any language (contracts' texts.ts). */
  sourceText: LocalizedText;
  target: Target;
}

/**
 * Plans and their targets: the door to the plan and target tables, and the target of a metric for
 * any period (set, summed from the ones that tile it, or derived from one that contains it). Every
 * actual comes from the metric layer through `Measure`.
 */
export class PlanService {
  constructor(
    private readonly db: Db,
    private readonly analytics: AnalyticsService,
    private readonly shopOf: (shopId: string) => Promise<ShopContext>,
  ) {}

  async measure(shopId: string): Promise<Measure> {
    return new Measure(this.analytics, await this.shopOf(shopId));
  }

  async today(shopId: string): Promise<string> {
    return localDateOf(Date.now(), (await this.shopOf(shopId)).timezone);
  }

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
}
