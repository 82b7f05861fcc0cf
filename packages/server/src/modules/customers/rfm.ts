import { rfmClasses, type RfmClass } from '@flywheel/contracts';

/** The RFM window: purchases paid on asOf and the 365 days before it. */
export const RFM_WINDOW_DAYS = 365;

/** One customer of the RFM population: R = days since the last purchase, F = purchases and M = their net sales (minor units) in the window. */
export interface RfmInput { r: number; f: number; m: number }

export interface RfmHighs { r: boolean; f: boolean; m: boolean }

/** 重要价值 ... 一般挽留, by which of R, F and M are high. */
export function rfmClassOf(high: RfmHighs): RfmClass {
  if (high.m) return high.r ? (high.f ? 'important_value' : 'important_develop') : (high.f ? 'important_keep' : 'important_retain');
  return high.r ? (high.f ? 'general_value' : 'general_develop') : (high.f ? 'general_keep' : 'general_retain');
}

/**
 * "High" is at least as good as the population's mean: R at most the mean days, F and M at least the
 * mean. Compared as `value * n` against the sum, in integers, so a value equal to the mean is high
 * however the mean's decimals fall (e.g. a mean of 1/3 day).
 */
export function rfmHighs(c: RfmInput, n: number, sums: RfmInput): RfmHighs {
  return { r: BigInt(c.r) * BigInt(n) <= BigInt(sums.r), f: BigInt(c.f) * BigInt(n) >= BigInt(sums.f), m: BigInt(c.m) * BigInt(n) >= BigInt(sums.m) };
}

/**
 * Quintile scores 1-5, 5 for the best fifth, ties sharing a score: a value's score is 1 + floor(5 × the
 * share of the population strictly worse than it), at most 5. So scores never fall as a value gets
 * better, equal values score the same, and with distinct values each fifth gets one score.
 */
export function quintileScores(values: readonly number[], better: 'higher' | 'lower'): number[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const below = (v: number) => { // how many are strictly smaller
    let lo = 0, hi = n;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] < v) lo = mid + 1; else hi = mid; }
    return lo;
  };
  const above = (v: number) => { // how many are strictly larger
    let lo = 0, hi = n;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] <= v) lo = mid + 1; else hi = mid; }
    return n - lo;
  };
  return values.map((v) => Math.min(5, 1 + Math.floor((5 * (better === 'higher' ? below(v) : above(v))) / n)));
}

export interface RfmAnalysis {
  n: number;
  means: { r: number | null; f: number | null; m: number | null };
  customers: { class: RfmClass; high: RfmHighs; scores: { r: number; f: number; m: number } }[];
  classes: { class: RfmClass; customers: number; netSales: number }[];
}

/** The 8-class RFM of a population (the reference the SQL of the service is tested against). */
export function rfmAnalysis(population: readonly RfmInput[]): RfmAnalysis {
  const n = population.length;
  const sums = population.reduce((s, c) => ({ r: s.r + c.r, f: s.f + c.f, m: s.m + c.m }), { r: 0, f: 0, m: 0 });
  const [rs, fs, ms] = [quintileScores(population.map((c) => c.r), 'lower'), quintileScores(population.map((c) => c.f), 'higher'), quintileScores(population.map((c) => c.m), 'higher')];
  const customers = population.map((c, i) => {
    const high = rfmHighs(c, n, sums);
    return { class: rfmClassOf(high), high, scores: { r: rs[i], f: fs[i], m: ms[i] } };
  });
  const classes = rfmClasses.map((cls) => {
    let count = 0, netSales = 0;
    customers.forEach((c, i) => { if (c.class === cls) { count += 1; netSales += population[i].m; } });
    return { class: cls, customers: count, netSales };
  });
  return { n, means: n === 0 ? { r: null, f: null, m: null } : { r: sums.r / n, f: sums.f / n, m: sums.m / n }, customers, classes };
}

/**
 * The same model in SQL over a relation `rel` with columns customer_id, r, f, m (the population):
 * adds high_r/high_f/high_m. Tested against `rfmAnalysis`.
 */
export function rfmSql(rel: string): string {
  return `select p.customer_id, p.r, p.f, p.m,
      p.r::hugeint * s.n <= s.sr as high_r, p.f::hugeint * s.n >= s.sf as high_f, p.m::hugeint * s.n >= s.sm as high_m
    from ${rel} p, (select count(*) as n, sum(r) as sr, sum(f) as sf, sum(m) as sm from ${rel}) s`;
}

/**
 * The quintile scores (`quintileScores`) of some of the population (`some`: customer_id, r, f, m),
 * counted against all of it (`population`): one pass of comparisons, no sort of the population, so a
 * page of 50 or a profile costs little however large the shop. Tested against `rfmAnalysis`.
 */
export function rfmScoresSql(some: string, population: string): string {
  const score = (worse: string) => `least(5, 1 + (5 * count_if(${worse})) // count(*))`;
  return `select q.customer_id, ${score('p.r > q.r')} as r_score, ${score('p.f < q.f')} as f_score, ${score('p.m < q.m')} as m_score
    from ${some} q, ${population} p group by q.customer_id`;
}

/** The class from the three flags, as SQL (the `rfmClassOf` table). */
export function rfmClassSql(highR: string, highF: string, highM: string): string {
  return `(case when ${highM} then (case when ${highR} then (case when ${highF} then 'important_value' else 'important_develop' end)
                                  else (case when ${highF} then 'important_keep' else 'important_retain' end) end)
           else (case when ${highR} then (case when ${highF} then 'general_value' else 'general_develop' end)
                 else (case when ${highF} then 'general_keep' else 'general_retain' end) end) end)`;
}
