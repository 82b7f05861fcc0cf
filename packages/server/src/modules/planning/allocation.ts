/**
 * Splitting money (and counts) exactly. Children of a target are integers of minor units that must sum
 * to the parent to the cent, so shares are rounded with the largest-remainder (Hamilton) method:
 * everyone gets the floor of their exact share, and the units left over go to the largest fractions.
 */

/**
 * Rounds each value to an integer so that the integers sum to `total` exactly. Values are first
 * floored; the difference to `total` is then handed out one unit at a time, to the largest fractional
 * parts when units are missing and taken from the smallest when there are too many (floats can drift),
 * ties going to the earlier value so the result is deterministic.
 */
export function roundToSum(values: readonly number[], total: number): number[] {
  if (!Number.isSafeInteger(total)) throw new RangeError(`total must be a safe integer, got ${total}`);
  if (values.length === 0) {
    if (total !== 0) throw new RangeError('cannot split a non-zero total into no parts');
    return [];
  }
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`values must be finite, got ${v}`);
  const floors = values.map(Math.floor);
  const fractions = values.map((v, i) => v - floors[i]);
  let remainder = total - floors.reduce((a, b) => a + b, 0);
  const byFractionDesc = values.map((_, i) => i).sort((a, b) => fractions[b] - fractions[a] || a - b);
  const byFractionAsc = values.map((_, i) => i).sort((a, b) => fractions[a] - fractions[b] || a - b);
  const out = floors.slice();
  for (let k = 0; remainder > 0; k++, remainder--) out[byFractionDesc[k % out.length]] += 1;
  for (let k = 0; remainder < 0; k++, remainder++) out[byFractionAsc[k % out.length]] -= 1;
  return out;
}

/**
 * Splits an integer total in proportion to non-negative weights; the parts sum exactly to the total.
 * All-zero weights split evenly.
 */
export function splitByLargestRemainder(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) throw new RangeError('need at least one weight');
  for (const w of weights) if (!Number.isFinite(w) || w < 0) throw new RangeError(`weights must be finite and not negative, got ${w}`);
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = sum > 0 ? weights.map((w) => w / sum) : weights.map(() => 1 / weights.length);
  return roundToSum(shares.map((s) => total * s), total);
}
