import { DEFAULT_LOCALE, renderText, textOf, type LocalizedText, type MetricName, type Target, type TextValues } from '@flywheel/contracts';
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
  /** `text` in the shop's default language. */
  message: string;
  text: LocalizedText;
  implied?: Record<string, number>;
}

const scopeKey = (t: Target) => `${t.period.from}|${t.period.to}|${t.dimension ?? ''}|${t.dimensionValue ?? ''}`;

function check(targetId: string, kind: PlanCheck['kind'], ok: boolean, key: Parameters<typeof textOf>[0], values: TextValues, implied?: Record<string, number>): PlanCheck {
  const text = textOf(key, values);
  return { targetId, kind, ok, message: renderText(DEFAULT_LOCALE, text), text, ...(implied ? { implied } : {}) };
}

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
      out.push(check(parent.id, 'children_sum', false, 'plan.check.children_sum', { split: `split.${kids[0].splitBy}`, sum, value: parent.value, metric: parent.metric }));
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
      const values = { metric: t.metric, value: t.value, numerator: parts.numerator, denominator: parts.denominator, implied };
      out.push(check(t.id, 'ratio_parts', ok, ok ? 'plan.check.ratio_agrees' : implied === null ? 'plan.check.ratio_zero' : 'plan.check.ratio_disagrees', values));
    } else if (num && t.value > 0) {
      const value = num.value / t.value;
      const impliedValue = isWhole(parts.denominator) ? Math.ceil(value - 1e-9) : value;
      out.push(check(t.id, 'implied', true, 'plan.check.implied', impliedTexts(t, parts.numerator, num.value, parts.denominator, impliedValue), { [parts.denominator]: impliedValue }));
    } else if (den) {
      const value = den.value * t.value;
      const impliedValue = isWhole(parts.numerator) ? Math.round(value) : value;
      out.push(check(t.id, 'implied', true, 'plan.check.implied', impliedTexts(t, parts.denominator, den.value, parts.numerator, impliedValue), { [parts.numerator]: impliedValue }));
    }
  }
  return out;
}

/** "with 销售额 ¥5亿, 客单价 ¥500 implies 支付买家数 1,000,000": each value formatted as its own metric. */
function impliedTexts(t: Target, given: MetricName, givenValue: number, part: MetricName, implied: number): TextValues {
  return { given, givenValue, givenValueMetric: given, metric: t.metric, value: t.value, part, implied, impliedMetric: part };
}
