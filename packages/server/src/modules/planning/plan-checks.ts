import type { MetricName, Target } from '@flywheel/contracts';
import { isAdditive, isWhole, ratioParts, ratioTolerance } from './targets';

/**
 * What a plan's targets say about each other: additive children that no longer sum to their parent
 * (the parent was edited after the split), ratio targets that disagree with the targets of their parts
 * (客单价 500元 with sales 5亿 and buyers 80万), and the parts a ratio implies when only one is set
 * (客单价 500元 and sales 5亿 imply 100万 buyers).
 */
export interface PlanCheck {
  targetId: string;
  kind: 'children_sum' | 'ratio_parts' | 'implied';
  ok: boolean;
  message: string;
  implied?: Record<string, number>;
}

const scopeKey = (t: Target) => `${t.period.from}|${t.period.to}|${t.dimension ?? ''}|${t.dimensionValue ?? ''}`;
const fmt = (metric: MetricName, v: number) => (isWhole(metric) ? String(Math.round(v)) : String(Math.round(v * 1e6) / 1e6));

export function planChecks(targets: readonly Target[]): PlanCheck[] {
  const out: PlanCheck[] = [];
  const children = new Map<string, Target[]>();
  for (const t of targets) {
    if (!t.parentId) continue;
    const key = `${t.parentId}|${t.splitBy}`;
    children.set(key, [...(children.get(key) ?? []), t]);
  }
  const byId = new Map(targets.map((t) => [t.id, t]));
  for (const [key, kids] of children) {
    const parent = byId.get(key.split('|')[0]);
    if (!parent || !isAdditive(parent.metric)) continue;
    const sum = kids.reduce((a, k) => a + k.value, 0);
    if (sum !== parent.value) {
      out.push({ targetId: parent.id, kind: 'children_sum', ok: false, message: `its ${kids[0].splitBy} children sum to ${sum}, the target is ${parent.value}: decompose it again` });
    }
  }

  const byScope = new Map<string, Map<MetricName, Target>>();
  for (const t of targets) {
    const scope = byScope.get(scopeKey(t)) ?? new Map<MetricName, Target>();
    scope.set(t.metric, t);
    byScope.set(scopeKey(t), scope);
  }
  for (const t of targets) {
    const parts = ratioParts[t.metric];
    if (!parts?.numerator) continue;
    const scope = byScope.get(scopeKey(t))!;
    const num = scope.get(parts.numerator);
    const den = scope.get(parts.denominator);
    if (num && den) {
      const implied = den.value === 0 ? null : num.value / den.value;
      const ok = implied !== null && Math.abs(implied - t.value) <= ratioTolerance(t.metric);
      out.push({
        targetId: t.id, kind: 'ratio_parts', ok,
        message: ok
          ? `${t.metric} agrees with ${parts.numerator} / ${parts.denominator}`
          : `${t.metric} is ${fmt(t.metric, t.value)} but ${parts.numerator} / ${parts.denominator} targets give ${implied === null ? 'nothing (denominator 0)' : fmt(t.metric, implied)}`,
      });
    } else if (num && t.value > 0) {
      const value = num.value / t.value;
      out.push({ targetId: t.id, kind: 'implied', ok: true, message: `with ${parts.numerator} ${num.value}, ${t.metric} ${fmt(t.metric, t.value)} implies ${parts.denominator} ${fmt(parts.denominator, value)}`, implied: { [parts.denominator]: isWhole(parts.denominator) ? Math.ceil(value - 1e-9) : value } });
    } else if (den) {
      const value = den.value * t.value;
      out.push({ targetId: t.id, kind: 'implied', ok: true, message: `with ${parts.denominator} ${den.value}, ${t.metric} ${fmt(t.metric, t.value)} implies ${parts.numerator} ${fmt(parts.numerator, value)}`, implied: { [parts.numerator]: isWhole(parts.numerator) ? Math.round(value) : value } });
    }
  }
  return out;
}
