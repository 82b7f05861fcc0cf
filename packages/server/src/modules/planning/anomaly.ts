/**
 * A KPI "moving more than N sigma from its recent level": the latest day against the mean and sample
 * standard deviation of the trailing days (28 by default). Days without a value (a ratio with no
 * denominator) are left out. A flat history (σ = 0) says nothing about how unusual a move is, and a
 * short one (fewer than `minDays` values) is not a level yet: neither raises an anomaly.
 */
export interface SigmaCheck {
  anomalous: boolean;
  mean: number;
  sd: number;
  /** (latest - mean) / sd */
  z: number;
  direction: 'up' | 'down';
}

export function sigmaCheck(latest: number | null, trailing: readonly (number | null)[], sigma = 3, minDays = 14): SigmaCheck | null {
  if (latest === null || !Number.isFinite(latest)) return null;
  const xs = trailing.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length < minDays) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  if (!(sd > 0)) return null;
  const z = (latest - mean) / sd;
  return { anomalous: Math.abs(z) > sigma, mean, sd, z, direction: z >= 0 ? 'up' : 'down' };
}
