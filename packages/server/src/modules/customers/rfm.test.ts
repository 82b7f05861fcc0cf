import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsStore } from '../../platform/analytics-store';
import { quintileScores, rfmAnalysis, rfmClassOf, rfmClassSql, rfmHighs, rfmScoresSql, rfmSql, type RfmInput } from './rfm';

describe('RFM classes', () => {
  it('names the 8 classes by which of R, F and M are high', () => {
    const t = true, f = false;
    expect([
      rfmClassOf({ r: t, f: t, m: t }), rfmClassOf({ r: t, f: f, m: t }), rfmClassOf({ r: f, f: t, m: t }), rfmClassOf({ r: f, f: f, m: t }),
      rfmClassOf({ r: t, f: t, m: f }), rfmClassOf({ r: t, f: f, m: f }), rfmClassOf({ r: f, f: t, m: f }), rfmClassOf({ r: f, f: f, m: f }),
    ]).toEqual(['important_value', 'important_develop', 'important_keep', 'important_retain', 'general_value', 'general_develop', 'general_keep', 'general_retain']);
  });

  it('counts a value equal to the mean as high, even when the mean has endless decimals', () => {
    // R: 1, 2, 3 (mean 2); F: 1, 1, 2 (mean 4/3); M: 100, 200, 300 (mean 200)
    const pop: RfmInput[] = [{ r: 1, f: 1, m: 100 }, { r: 2, f: 1, m: 200 }, { r: 3, f: 2, m: 300 }];
    const sums = { r: 6, f: 4, m: 600 };
    expect(pop.map((c) => rfmHighs(c, 3, sums))).toEqual([
      { r: true, f: false, m: false }, { r: true, f: false, m: true }, { r: false, f: true, m: true },
    ]);
    // A mean of 1/3 day: R = 0 is high, R = 1 is not, though 1/3 as a double is slightly below 1/3.
    expect(rfmHighs({ r: 0, f: 1, m: 1 }, 3, { r: 1, f: 3, m: 3 }).r).toBe(true);
    expect(rfmHighs({ r: 1, f: 1, m: 1 }, 3, { r: 1, f: 3, m: 3 }).r).toBe(false);
  });

  it('gives the class table of a hand-made population', () => {
    const a = rfmAnalysis([{ r: 10, f: 3, m: 50000 }, { r: 200, f: 1, m: 3000 }, { r: 30, f: 1, m: 90000 }, { r: 300, f: 4, m: 1000 }]);
    // means: R 135, F 2.25, M 36000
    expect(a.means).toEqual({ r: 135, f: 2.25, m: 36000 });
    expect(a.customers.map((c) => c.class)).toEqual(['important_value', 'general_retain', 'important_develop', 'general_keep']);
    expect(a.classes.find((c) => c.class === 'important_develop')).toEqual({ class: 'important_develop', customers: 1, netSales: 90000 });
  });
});

describe('quintile scores', () => {
  it('gives each fifth of distinct values its score, 5 for the best', () => {
    expect(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'higher')).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'lower')).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(quintileScores([7, 7, 7], 'higher')).toEqual([1, 1, 1]);
  });

  it('always scores 1-5, equal values alike, and never lower for a better value', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 200 }), fc.constantFrom<'higher' | 'lower'>('higher', 'lower'), (values, better) => {
      const scores = quintileScores(values, better);
      for (let i = 0; i < values.length; i++) {
        expect(scores[i]).toBeGreaterThanOrEqual(1);
        expect(scores[i]).toBeLessThanOrEqual(5);
        for (let j = 0; j < values.length; j++) {
          const iBetter = better === 'higher' ? values[i] > values[j] : values[i] < values[j];
          if (values[i] === values[j]) expect(scores[i]).toBe(scores[j]);
          else if (iBetter) expect(scores[i]).toBeGreaterThanOrEqual(scores[j]);
        }
      }
    }));
  });
});

describe('RFM SQL', () => {
  let store: AnalyticsStore;
  beforeAll(async () => { store = await AnalyticsStore.open(null); });
  afterAll(async () => { await store.close(); });

  it('ranks and classifies as rfmAnalysis does, for any population', async () => {
    const customer = fc.record({ r: fc.integer({ min: 0, max: 365 }), f: fc.integer({ min: 1, max: 12 }), m: fc.integer({ min: 0, max: 2_000_000 }) });
    await fc.assert(fc.asyncProperty(fc.array(customer, { minLength: 1, maxLength: 80 }), async (population) => {
      const rows = await store.all<{ customer_id: string; cls: string; r_score: number; f_score: number; m_score: number }>(
        `with pop as (select r.customer_id, r.r, r.f, r.m from (select unnest(from_json($rows::json, '[{"customer_id":"VARCHAR","r":"BIGINT","f":"BIGINT","m":"BIGINT"}]')) as r)),
          classed as (${rfmSql('pop')}),
          scored as (${rfmScoresSql('pop', 'pop')})
        select c.customer_id, ${rfmClassSql('c.high_r', 'c.high_f', 'c.high_m')} as cls, s.r_score, s.f_score, s.m_score
        from classed c join scored s on s.customer_id = c.customer_id order by c.customer_id::integer`,
        { rows: JSON.stringify(population.map((c, i) => ({ customer_id: String(i), ...c }))) });
      const expected = rfmAnalysis(population);
      expect(rows.map((r) => [r.cls, r.r_score, r.f_score, r.m_score])).toEqual(expected.customers.map((c) => [c.class, c.scores.r, c.scores.f, c.scores.m]));
    }), { numRuns: 40 });
  });
});
