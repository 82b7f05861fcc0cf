import { textOf, type LocalizedText } from '@flywheel/contracts';
import { roundToSum } from './allocation';

/**
 * Explaining a sales gap by its drivers: sales = UV x conversion rate x 客单价.
 *
 * Method: additive LMDI-I (log-mean Divisia index, Ang 2004). With S = Π x_i,
 *   effect_i = L(S1, S0) x ln(x1_i / x0_i),   L(a, b) = (a - b) / (ln a - ln b),  L(a, a) = a,
 * and since Σ ln(x1_i / x0_i) = ln(S1 / S0), the effects add up to S1 - S0 with no residual, whatever
 * the order of the factors (unlike a chain of "hold the others fixed" substitutions).
 *
 * Zeros: ln 0 is undefined. Following Ang & Choi's small-value strategy, a zero is read as δ -> 0 and
 * the effects are taken at the limit: when S1 = 0 the factors that went to zero share the whole change
 * (-S0) and the others get 0 (their L x ln term vanishes); likewise when S0 = 0. Negative factors have
 * no logarithm and are refused: sales, visitors and rates are never negative.
 */
export function lmdiEffects(x0: readonly number[], x1: readonly number[]): number[] {
  if (x0.length !== x1.length || x0.length === 0) throw new RangeError('need the same, non-zero number of factors on both sides');
  for (const v of [...x0, ...x1]) if (!Number.isFinite(v) || v < 0) throw new RangeError(`LMDI factors must be finite and not negative, got ${v}`);
  const s0 = x0.reduce((a, b) => a * b, 1);
  const s1 = x1.reduce((a, b) => a * b, 1);
  if (s0 === 0 && s1 === 0) return x0.map(() => 0);
  if (s1 === 0 || s0 === 0) {
    const zeroSide = s1 === 0 ? x1 : x0;
    const zeros = zeroSide.map((v, i) => (v === 0 ? i : -1)).filter((i) => i >= 0);
    return x0.map((_, i) => (zeros.includes(i) ? (s1 - s0) / zeros.length : 0));
  }
  const logs = x0.map((v, i) => Math.log(x1[i] / v));
  const logSum = logs.reduce((a, b) => a + b, 0);
  // L(S1, S0) from the same logs the effects use, so Σ effects = L x Σ logs = S1 - S0 to the float.
  const weight = Math.abs(logSum) < 1e-12 ? s0 : (s1 - s0) / logSum;
  return logs.map((l) => weight * l);
}

export interface ActualSales {
  sales: number;
  uv: number;
  buyers: number;
}

export interface SalesVariance {
  gap: number;
  uvEffect: number;
  conversionEffect: number;
  perCustomerSpendEffect: number;
  /** The factors used: target (implied UV, assumed rates) and actual (rates from their parts). */
  factors: { target: [number, number, number]; actual: [number, number, number] };
  /** The target side as people should read it: null where neither an assumption nor an actual was known. */
  target: { uv: number | null; conversionRate: number | null; perCustomerSpend: number | null };
  /** What the reader should know about the split (an assumption missing, no visitors): texts of contracts' texts.ts. */
  notes: LocalizedText[];
}

/**
 * The gap actual - target sales (integer minor units) split into UV, conversion and 客单价 effects
 * that are integers summing to the gap exactly (largest remainder on the LMDI effects).
 *
 * The target side is the driver tree: UV is implied as targetSales / (conversion x 客单价), so the target
 * factors multiply to the target. The actual side is rebuilt from its parts (conversion = buyers / UV,
 * 客单价 = sales / buyers), so it multiplies to actual sales. A rate that is undefined (0/0) takes its
 * target value, so it explains nothing. Orders with no tracked visitors at all (UV = 0, sales > 0: the
 * shop sends orders but no events) cannot be split by traffic: UV is then held at its target, the rest
 * of the gap is read through conversion and 客单价, and the note says so.
 */
export function salesVariance(targetSales: number, target: { conversionRate: number | null; perCustomerSpend: number | null }, actual: ActualSales): SalesVariance {
  if (!Number.isSafeInteger(targetSales) || !Number.isSafeInteger(actual.sales)) throw new RangeError('sales must be integers of minor units');
  if (targetSales < 0 || actual.sales < 0 || actual.uv < 0 || actual.buyers < 0) throw new RangeError('sales, visitors and buyers cannot be negative');
  const gap = actual.sales - targetSales;
  const notes: LocalizedText[] = [];
  const actualRate = actual.uv > 0 && actual.buyers > 0 ? actual.buyers / actual.uv : null;
  const actualSpend = actual.buyers > 0 && actual.sales > 0 ? actual.sales / actual.buyers : null;
  let cr0 = target.conversionRate && target.conversionRate > 0 ? target.conversionRate : null;
  let p0 = target.perCustomerSpend && target.perCustomerSpend > 0 ? target.perCustomerSpend : null;
  // Without a target rate, the actual one stands in: that driver then explains nothing.
  // A 1 stands in where nothing at all is known: it cancels out of the effects, and is not reported.
  if (cr0 === null) { cr0 = actualRate ?? 1; notes.push(textOf('note.no_conversion_assumption')); }
  if (p0 === null) { p0 = actualSpend ?? 1; notes.push(textOf('note.no_per_customer_spend_assumption')); }
  const known = { conversionRate: target.conversionRate || actualRate, perCustomerSpend: target.perCustomerSpend || actualSpend };
  const uv0 = targetSales / (cr0 * p0);

  let uv1 = actual.uv;
  if (uv1 === 0 && actual.sales > 0) {
    uv1 = uv0 > 0 ? uv0 : 1;
    notes.push(textOf('note.no_visitors'));
  }
  let cr1: number;
  let p1: number;
  if (uv1 === 0) { cr1 = cr0; p1 = p0; } // nobody came: all of it is traffic
  else if (actual.buyers === 0) { cr1 = actual.sales > 0 ? actual.sales / (uv1 * p0) : 0; p1 = p0; }
  else { cr1 = actual.buyers / uv1; p1 = actual.sales / actual.buyers; }

  const x0: [number, number, number] = [uv0, cr0, p0];
  const x1: [number, number, number] = [uv1, cr1, p1];
  const effects = lmdiEffects(x0, x1);
  // Float drift of a fraction of a cent is spread over the effects before rounding to the exact gap.
  const drift = gap - effects.reduce((a, b) => a + b, 0);
  const size = effects.reduce((a, b) => a + Math.abs(b), 0);
  const adjusted = effects.map((e) => e + (size > 0 ? drift * Math.abs(e) / size : drift / effects.length));
  const [uvEffect, conversionEffect, perCustomerSpendEffect] = roundToSum(adjusted, gap);
  return {
    gap, uvEffect, conversionEffect, perCustomerSpendEffect, factors: { target: x0, actual: x1 },
    target: {
      uv: known.conversionRate && known.perCustomerSpend ? uv0 : targetSales === 0 ? 0 : null,
      conversionRate: known.conversionRate ? cr0 : null,
      perCustomerSpend: known.perCustomerSpend ? p0 : null,
    },
    notes,
  };
}
