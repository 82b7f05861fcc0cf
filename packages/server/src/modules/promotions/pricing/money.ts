/**
 * Integer money arithmetic for pricing: every amount is whole minor units (分). Products that leave
 * the exact range of JavaScript numbers (a ¥100亿 cart times a weight) are done in BigInt.
 */

const SAFE = Number.MAX_SAFE_INTEGER;

/** a × num / den, rounded half up (a, num >= 0, den > 0). */
export function mulDivHalfUp(a: number, num: number, den: number): number {
  const p = a * num;
  if (p <= SAFE / 2 && Number.isSafeInteger(p)) return Math.floor((2 * p + den) / (2 * den));
  return Number((2n * BigInt(a) * BigInt(num) + BigInt(den)) / (2n * BigInt(den)));
}

/** a × num / den, rounded down (a, num >= 0, den > 0). */
export function mulDivFloor(a: number, num: number, den: number): number {
  const p = a * num;
  if (Number.isSafeInteger(p)) return Math.floor(p / den);
  return Number((BigInt(a) * BigInt(num)) / BigInt(den));
}

/** A percentage (10 = 10%, up to 2 decimals) of an amount, rounded half up to the 分. */
export function percentOf(amount: number, percent: number): number {
  return mulDivHalfUp(amount, Math.round(percent * 100), 10_000);
}

/** A share such as 0.5 (4 decimals at most count) of an amount, rounded down: a cap is never passed. */
export function shareOf(amount: number, share: number): number {
  return mulDivFloor(amount, Math.round(share * 10_000), 10_000);
}

/**
 * Spreads `total` over `weights` in proportion, in whole units, by largest remainder: each gets the
 * floor of its exact share, and what is left goes one unit at a time to the largest remainders, ties
 * to the earlier weight. The parts sum to `total`, and no part exceeds its weight when total <= sum.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const n = weights.length;
  const parts = new Array<number>(n).fill(0);
  if (total === 0 || n === 0) return parts;
  let sum = 0;
  let max = 0;
  for (const w of weights) { sum += w; if (w > max) max = w; }
  if (sum <= 0) throw new Error(`cannot spread ${total} over weights summing to ${sum}`);
  const remainders = new Array<number>(n);
  let given = 0;
  if (Number.isSafeInteger(total * max) && Number.isSafeInteger(sum)) {
    for (let i = 0; i < n; i++) {
      const p = total * weights[i];
      parts[i] = Math.floor(p / sum);
      remainders[i] = p - parts[i] * sum;
      given += parts[i];
    }
  } else {
    const t = BigInt(total);
    const s = BigInt(sum);
    const big = new Array<bigint>(n);
    for (let i = 0; i < n; i++) {
      const p = t * BigInt(weights[i]);
      parts[i] = Number(p / s);
      big[i] = p % s;
      given += parts[i];
    }
    // Remainders are below `sum`, which is exact; compare them as numbers only when safe.
    for (let i = 0; i < n; i++) remainders[i] = Number(big[i]);
  }
  let left = total - given;
  if (left === 0) return parts;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => remainders[b] - remainders[a] || a - b);
  for (let k = 0; left > 0; k = (k + 1) % n) {
    parts[order[k]] += 1;
    left -= 1;
  }
  return parts;
}
