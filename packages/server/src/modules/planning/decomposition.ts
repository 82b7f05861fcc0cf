import { textOf, type DecompositionMethod, type LocalizedText, type MetricName } from '@flywheel/contracts';
import { FlywheelError } from '../../platform/errors';
import { splitByLargestRemainder } from './allocation';
import { evenWeights, seasonalWeights } from './seasonality';
import { checkTargetValue, isAdditive, isWhole, ratioParts, ratioTolerance, unitOf } from './targets';

/**
 * Decomposing a target into children (annual -> quarter -> month -> week, or by channel / category /
 * platform). Additive targets split so the children sum to the parent exactly (largest remainder);
 * ratio targets split so the children, weighted by the ratio's denominator, give back the parent.
 */
export interface ChildSpec {
  /** The child period label (2026-10) or dimension value (paid_search). */
  key: string;
  /** What an even split is proportional to: days for a time split, 1 for a dimension. */
  basis: number;
  /** Last year's value of the metric for this child (null: none). */
  lastYear: number | null;
  /** Last year's value of a ratio's denominator for this child (ratios only). */
  lastYearDenominator?: number | null;
  /** The plan's own target for the ratio's denominator for this child, when it has one (ratios only). */
  plannedDenominator?: number | null;
}

export interface DecompositionInput {
  metric: MetricName;
  parentValue: number;
  method: DecompositionMethod;
  children: readonly ChildSpec[];
  /** Last year's value of a ratio over the whole parent period (ratios, seasonal). */
  parentLastYear?: number | null;
  /** Manual values by child key. */
  manual?: ReadonlyMap<string, number>;
  /** Words for the children in messages: "months", "channels". */
  childNoun?: string;
}

export interface DecompositionOutput {
  values: number[];
  /** Each child's share: of the parent (additive) or of the denominator (ratios). */
  weights: number[];
  method: DecompositionMethod;
  note: LocalizedText | null;
}

const keysOf = (children: readonly ChildSpec[]) => children.map((c) => c.key);

function manualValues(input: DecompositionInput): number[] {
  if (!input.manual || input.manual.size === 0) throw new FlywheelError('invalid_field', 'values: manual decomposition needs a value for every child', 'values');
  const keys = new Set(keysOf(input.children));
  for (const key of input.manual.keys()) {
    if (!keys.has(key)) throw new FlywheelError('invalid_field', `values: ${key} is not one of the ${input.childNoun ?? 'children'} (${[...keys].slice(0, 12).join(', ')})`, 'values');
  }
  const missing = input.children.filter((c) => !input.manual!.has(c.key)).map((c) => c.key);
  if (missing.length > 0) throw new FlywheelError('invalid_field', `values: missing ${missing.slice(0, 12).join(', ')}`, 'values');
  return input.children.map((c, i) => {
    const v = input.manual!.get(c.key)!;
    checkTargetValue(input.metric, v, `values[${i}].value`);
    return v;
  });
}

function decomposeAdditive(input: DecompositionInput): DecompositionOutput {
  const { parentValue, children } = input;
  const basis = children.map((c) => c.basis);
  if (input.method === 'manual') {
    const values = manualValues(input);
    const sum = values.reduce((a, b) => a + b, 0);
    if (sum !== parentValue) {
      const unit = unitOf(input.metric) === 'money' ? ' minor units' : '';
      throw new FlywheelError('invalid_field', `values: the ${input.childNoun ?? 'children'} sum to ${sum}${unit}, the parent is ${parentValue}${unit} (off by ${sum - parentValue}); children of ${input.metric} must add up exactly`, 'values');
    }
    return { values, weights: values.map((v) => (parentValue === 0 ? 0 : v / parentValue)), method: 'manual', note: null };
  }
  const w = input.method === 'seasonal'
    ? seasonalWeights(children.map((c) => c.lastYear), keysOf(children), basis)
    : { weights: evenWeights(basis), method: 'even' as const, note: null };
  const values = isWhole(input.metric) ? splitByLargestRemainder(parentValue, w.weights) : w.weights.map((s) => parentValue * s);
  return { values, weights: w.weights, method: w.method, note: w.note };
}

const roundRatio = (metric: MetricName, v: number) => (unitOf(metric) === 'money' ? Math.round(v) : Math.round(v * 1e6) / 1e6);

function decomposeRatio(input: DecompositionInput): DecompositionOutput {
  const { metric, parentValue, children } = input;
  const parts = ratioParts[metric];
  const basis = children.map((c) => c.basis);
  const positive = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  const lastYearDenominators = children.map((c) => c.lastYearDenominator);
  const historyWeights = lastYearDenominators.every(positive) ? evenWeights(lastYearDenominators as number[]) : null;

  if (input.method === 'manual') {
    const values = manualValues(input);
    // The parent ratio is the children's ratios weighted by their denominators: the plan's own
    // denominator targets when it has them, else last year's, else the even basis.
    const planned = children.map((c) => c.plannedDenominator);
    const [weights, source, weightsText] = planned.every(positive)
      ? [evenWeights(planned as number[]), `the plan's ${parts?.denominator} targets`, 'plan.weights.plan']
      : historyWeights ? [historyWeights, `last year's ${parts?.denominator}`, 'plan.weights.last_year'] : [evenWeights(basis), 'equal weights', 'plan.weights.equal'];
    const combined = values.reduce((acc, v, i) => acc + v * weights[i], 0);
    if (Math.abs(combined - parentValue) > ratioTolerance(metric)) {
      throw new FlywheelError('invalid_field', `values: weighted by ${source}, the ${input.childNoun ?? 'children'} give ${metric} ${roundRatio(metric, combined)}, the parent is ${parentValue}; a ratio's children must recombine to it through its parts`, 'values');
    }
    return { values, weights, method: 'manual', note: textOf('plan.ratio.checked', { weights: weightsText, denominator: parts?.denominator ?? null }) };
  }
  if (input.method === 'seasonal') {
    const lastYear = children.map((c) => c.lastYear);
    if (historyWeights && lastYear.every(positive) && positive(input.parentLastYear)) {
      // child = parent x (child's ratio / parent's ratio) last year: weighted by last year's
      // denominators, the children give back the parent exactly (before rounding).
      const values = lastYear.map((r) => roundRatio(metric, parentValue * (r as number) / input.parentLastYear!));
      return { values, weights: historyWeights, method: 'seasonal', note: null };
    }
    return { values: children.map(() => parentValue), weights: evenWeights(basis), method: 'even', note: textOf('plan.ratio.no_history') };
  }
  return { values: children.map(() => parentValue), weights: evenWeights(basis), method: 'even', note: null };
}

export function decompose(input: DecompositionInput): DecompositionOutput {
  if (input.children.length === 0) throw new FlywheelError('invalid_field', 'by: there is nothing to split into', 'by');
  if (input.method !== 'manual' && input.manual && input.manual.size > 0) throw new FlywheelError('invalid_field', 'values: give values only with method manual', 'values');
  return isAdditive(input.metric) ? decomposeAdditive(input) : decomposeRatio(input);
}
