import { DEFAULT_LOCALE, renderText, textOf, type Dimension, type DriverAssumptions, type DriverTree, type LocalizedText, type MetricName, type Target } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { splitByLargestRemainder } from './allocation';
import { impliedDrivers } from './driver-tree';
import { lastYearOf, periodDays, splitPeriod } from './periods';
import type { PlanService } from './plans';
import { seasonalWeights } from './seasonality';
import { scopeOf } from './target-rows';

/** The driver tree of a sales target: sales = UV x conversion x 客单价, from assumptions, the plan's rate targets or last year. */
export class DriverTrees {
  constructor(private readonly db: Db, private readonly plans: PlanService) {}

  /**
   * The rates a sales target rests on: set on it (or on a target it was split from), else the plan's
   * targets for those rates, else last year's values for the same dates.
   */
  async assumptionsFor(shopId: string, targets: readonly Target[], t: Target, period: { from: string; to: string } = t.period) {
    const chain: Target[] = [];
    for (let cur: Target | undefined = t; cur; cur = targets.find((x) => x.id === cur!.parentId)) chain.push(cur);
    const lastYear = await (await this.plans.measure(shopId)).totals(['conversion_rate', 'per_customer_spend', 'returning_buyer_rate'], scopeOf(t, lastYearOf(period)));
    const pick = async (field: 'conversionRate' | 'perCustomerSpend' | 'returningBuyerRate', metric: MetricName) => {
      for (const c of chain) {
        const v = c.assumptions?.[field];
        if (v !== null && v !== undefined) return { value: v, source: 'assumption' as const };
      }
      const planned = await this.plans.resolveTarget(shopId, targets, metric, period, t.dimension as Dimension | null, t.dimensionValue);
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

  async tree(shopId: string, planId: string, targetId: string): Promise<DriverTree> {
    const t = await this.plans.target(shopId, planId, targetId);
    if (t.metric !== 'sales') throw new FlywheelError('invalid_field', `the driver tree explains sales targets (sales = UV x conversion x 客单价); ${t.metric} has none`, 'metric');
    const targets = await this.plans.targets(shopId, planId);
    const m = await this.plans.measure(shopId);
    const assumptions = await this.assumptionsFor(shopId, targets, t);
    const rates = { conversionRate: assumptions.conversionRate.value, perCustomerSpend: assumptions.perCustomerSpend.value, returningBuyerRate: assumptions.returningBuyerRate.value };
    const implied = impliedDrivers(t.value, rates);

    // Months: the target's own month split when it has one, else last year's seasonality.
    const months = t.period.grain === 'month' || periodDays(t.period) <= 31 ? [t.period] : splitPeriod(t.period, 'month');
    const monthChildren = targets.filter((c) => c.parentId === t.id && c.splitBy === 'month');
    let monthSales: number[];
    const notes: LocalizedText[] = [];
    if (months.length === 1) monthSales = [t.value];
    else if (monthChildren.length === months.length) monthSales = months.map((p) => monthChildren.find((c) => c.period.from === p.from)!.value);
    else {
      const history = await m.series(['sales'], scopeOf(t, lastYearOf(t.period)), 'month');
      const lySales = months.map((p) => history.find((h) => h.start === lastYearOf(p).from)?.values.sales ?? null);
      const w = seasonalWeights(lySales, months.map((p) => p.label), months.map(periodDays));
      monthSales = splitByLargestRemainder(t.value, w.weights);
      notes.push(w.note ? textOf('plan.drivers.months', { note: w.note.key, ...w.note.values }) : textOf('plan.drivers.months_seasonal'));
    }
    const ly = await m.totals(['sales', 'uv', 'buyers'], scopeOf(t, lastYearOf(t.period)));
    const missing = (['conversionRate', 'perCustomerSpend'] as const).filter((k) => assumptions[k].value === null);
    for (const k of missing) notes.push(textOf('plan.drivers.missing', { rate: k === 'conversionRate' ? 'conversion_rate' : 'per_customer_spend' }));
    return {
      targetId: t.id, period: t.period, sales: t.value, assumptions, implied,
      months: months.map((p, i) => ({ period: p, sales: monthSales[i], ...impliedDrivers(monthSales[i], rates) })),
      lastYear: { ...lastYearOf(t.period), sales: ly.sales, uv: ly.uv, buyers: ly.buyers },
      note: notes.length ? notes.map((n) => renderText(DEFAULT_LOCALE, n)).join('；') : null,
      notes,
    };
  }

  async setAssumptions(shopId: string, planId: string, targetId: string, assumptions: DriverAssumptions): Promise<DriverTree> {
    const t = await this.plans.target(shopId, planId, targetId);
    if (t.metric !== 'sales') throw new FlywheelError('invalid_field', `the driver tree explains sales targets; ${t.metric} has none`, 'metric');
    const merged = { ...(t.assumptions ?? {}), ...assumptions };
    await this.db.updateTable('planning_targets').set({ assumptions: JSON.stringify(merged), updated_at: new Date() }).where('shop_id', '=', shopId).where('id', '=', targetId).execute();
    return this.tree(shopId, planId, targetId);
  }
}
