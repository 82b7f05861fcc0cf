import { DEFAULT_LOCALE, renderText, type DecomposeRequest, type DecomposeResult, type Dimension, type MetricName, type PlanPeriod, type PlanningDimension } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { decompose, type ChildSpec } from './decomposition';
import { lastYearOf, periodDays, splitPeriod } from './periods';
import type { PlanService } from './plans';
import { isAdditive, ratioParts } from './targets';
import { descendants, rowScope, sameScope, scopeLabel, scopeOf, type Row } from './target-rows';

/**
 * Splitting a target into children (quarters, months, weeks, or channels, categories, platforms)
 * that add up to it: evenly, along last year's curve, or by hand (`decomposition.ts` does the
 * arithmetic). A new split of the same kind replaces the previous one and what was split from it.
 */
export class TargetDecomposition {
  constructor(private readonly db: Db, private readonly plans: PlanService) {}

  async decompose(shopId: string, planId: string, targetId: string, req: DecomposeRequest): Promise<DecomposeResult> {
    const parent = await this.plans.target(shopId, planId, targetId);
    const all = await this.plans.targets(shopId, planId);
    const m = await this.plans.measure(shopId);
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
    const fresh = await this.plans.targets(shopId, planId);
    const ids = new Set(rows.map((r) => r.id));
    const method = result.method;
    return {
      parent,
      children: fresh.filter((t) => ids.has(t.id)).sort((a, b) => rows.findIndex((r) => r.id === a.id) - rows.findIndex((r) => r.id === b.id)),
      requestedMethod: req.method,
      method,
      weights: children.map((c, i) => ({ key: c.spec.key, weight: result.weights[i] })),
      basis: method === 'seasonal' ? basisPeriod : null,
      note: result.note && renderText(DEFAULT_LOCALE, result.note),
      noteText: result.note,
    };
  }
}
