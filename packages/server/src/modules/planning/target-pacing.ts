import type { MetricName, PacingRow, Target } from '@flywheel/contracts';
import { daysBetween } from '../../platform/timezone';
import type { Measure, Scope } from './measure';
import { pace } from './pacing';
import { clipDate, datesOf, lastYearOf, periodDays } from './periods';
import type { PlanService } from './plans';
import { coveredFromStart, RunRate } from './run-rate';
import { dailyCurve } from './seasonality';
import { direction, distinctCountMetrics, isAdditive, isWhole } from './targets';
import { scopeOf } from './target-rows';

/** The run rates of one pacing pass (one date): one per metric and scope, shared by every target on them. */
export class RunRates {
  private readonly rates = new Map<string, Promise<RunRate>>();
  constructor(private readonly m: Measure, readonly asOf: string) {}

  of(metric: MetricName, scope: Pick<Scope, 'dimension' | 'dimensionValue'>): Promise<RunRate> {
    const key = `${metric}|${scope.dimension ?? ''}|${scope.dimensionValue ?? ''}`;
    let rate = this.rates.get(key);
    if (!rate) {
      rate = RunRate.measure(this.m, metric, scope, this.asOf);
      this.rates.set(key, rate);
    }
    return rate;
  }
}

/** Where each target of a plan stands today: actual to date against what last year's curve expects by now, and the forecast. */
export class TargetPacing {
  constructor(private readonly plans: PlanService) {}

  async plan(shopId: string, planId: string, asOf?: string) {
    await this.plans.plan(shopId, planId);
    const date = asOf ?? (await this.plans.today(shopId));
    const targets = await this.plans.targets(shopId, planId);
    const m = await this.plans.measure(shopId);
    const rates = new RunRates(m, date);
    const rows: PacingRow[] = [];
    for (const t of targets) rows.push(await this.paceTarget(m, t, date, rates));
    return { planId, asOf: date, targets: rows };
  }

  /**
   * Last year's daily values of a metric over the same dates as the scope: the seasonality curve (null
   * without history for all of them: a shop that opened during last year's period has no curve for it).
   */
  async curveOf(m: Measure, metric: MetricName, scope: Scope): Promise<number[] | null> {
    const lastYear = lastYearOf(scope);
    const history = (await m.series([metric], { ...scope, ...lastYear }, 'day')).map((h) => h.values[metric] ?? 0);
    if (!coveredFromStart(history)) return null;
    return dailyCurve(history, datesOf(lastYear).map((d) => d.slice(0, 7)));
  }

  /** Pacing of one target by `asOf` (exclusive: the days before it count, today is not over yet). */
  async paceTarget(m: Measure, t: Target, asOf: string, rates = new RunRates(m, asOf)): Promise<PacingRow> {
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
      if (!additive) {
        daily = (await m.series([t.metric], done, 'day')).map((s) => s.values[t.metric] ?? null);
        actualToDate = (await m.totals([t.metric], done))[t.metric];
      } else if (distinctCountMetrics.includes(t.metric)) {
        // Distinct counts are planned as a sum of months (see targets.ts), so they are measured so:
        // distinct within each month, added up over the months.
        actualToDate = (await m.series([t.metric], done, 'month')).reduce((a, s) => a + (s.values[t.metric] ?? 0), 0);
        if (totalDays > 31) notes.push(`${t.metric} to date is the sum of its months`);
      } else actualToDate = (await m.totals([t.metric], done))[t.metric] ?? 0;
    }
    let daysLeft;
    if (additive) {
      curve = await this.curveOf(m, t.metric, scopeOf(t));
      if (!curve) notes.push('no history for the same dates last year: expected along a straight line');
      if (elapsedDays < totalDays) daysLeft = await (await rates.of(t.metric, scopeOf(t))).daysLeft(t.period);
    }
    const out = pace({ kind: additive ? 'additive' : 'ratio', direction: direction(t.metric), target: t.value, totalDays, elapsedDays, daily, actualToDate, curve, daysLeft, whole: isWhole(t.metric) });
    return {
      targetId: t.id, metric: t.metric, period: t.period, dimension: t.dimension, dimensionValue: t.dimensionValue, target: t.value,
      actualToDate: actualToDate === null ? null : isWhole(t.metric) ? Math.round(actualToDate) : actualToDate,
      expectedToDate: out.expectedToDate, expectedShare: out.expectedShare, forecast: out.forecast, interval: out.interval, status: out.status, curve: out.curve,
      note: notes.length ? notes.join('; ') : null,
    };
  }
}
