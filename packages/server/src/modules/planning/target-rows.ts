import type { Dimension, DriverAssumptions, MetricName, Plan, Target } from '@flywheel/contracts';
import type { Scope } from './measure';
import { parsePeriodLabel } from './periods';

/** Planning rows as the API shows them, and what a target is about (its scope). */

export type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const iso = (v: unknown) => new Date(v as string).toISOString();
export const json = <T>(v: unknown): T | null => (v === null || v === undefined ? null : typeof v === 'string' ? JSON.parse(v) : (v as T));


export function toPlan(r: Row): Plan {
  return {
    id: r.id, name: r.name, period: parsePeriodLabel(r.period_label), owner: r.owner ?? null, note: r.note ?? null, status: r.status,
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

export function toTarget(r: Row): Target {
  return {
    id: r.id, planId: r.plan_id, parentId: r.parent_id ?? null, metric: r.metric, value: Number(r.value),
    period: { label: r.period_label, from: r.period_from, to: r.period_to, grain: r.period_grain },
    dimension: r.dimension ?? null, dimensionValue: r.dimension_value ?? null, owner: r.owner ?? null, note: r.note ?? null,
    splitBy: r.split_by ?? null, method: r.method ?? null, assumptions: json<DriverAssumptions>(r.assumptions),
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

/** What a target is about: a metric, a period and perhaps one channel / category / platform. */
export interface TargetScope {
  metric: MetricName;
  period: { from: string; to: string; label: string };
  dimension: string | null;
  dimensionValue: string | null;
}

export const scopeOf = (t: Pick<Target, 'period' | 'dimension' | 'dimensionValue'>, period: { from: string; to: string } = t.period): Scope => ({
  from: period.from, to: period.to, dimension: t.dimension as Dimension | null, dimensionValue: t.dimensionValue,
});
export const rowScope = (r: Row): TargetScope => ({ metric: r.metric, period: { from: r.period_from, to: r.period_to, label: r.period_label }, dimension: r.dimension ?? null, dimensionValue: r.dimension_value ?? null });
export const sameScope = (a: TargetScope, b: TargetScope) =>
  a.metric === b.metric && a.period.from === b.period.from && a.period.to === b.period.to && (a.dimension ?? null) === (b.dimension ?? null) && (a.dimensionValue ?? null) === (b.dimensionValue ?? null);
export const scopeLabel = (t: TargetScope) => `${t.metric} ${t.period.label}${t.dimension ? ` ${t.dimension}=${t.dimensionValue}` : ''}`;

/** Ids of the targets split from `id` (only by `splitBy` at the first level, when given), all the way down. */
export function descendants(targets: readonly Target[], id: string, splitBy: string | null): string[] {
  const out: string[] = [];
  const queue = targets.filter((t) => t.parentId === id && (splitBy === null || t.splitBy === splitBy)).map((t) => t.id);
  while (queue.length) {
    const next = queue.shift()!;
    out.push(next);
    for (const t of targets) if (t.parentId === next) queue.push(t.id);
  }
  return out;
}
