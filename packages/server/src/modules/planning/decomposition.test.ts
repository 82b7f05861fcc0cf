import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderText } from '@flywheel/contracts';
import type { Target } from '@flywheel/contracts';
import { decompose, type ChildSpec } from './decomposition';
import { planChecks } from './plan-checks';

const months = (history: (number | null)[]): ChildSpec[] => history.map((h, i) => ({ key: `2026-${String(i + 1).padStart(2, '0')}`, basis: 30, lastYear: h }));

describe('decomposing an additive target', () => {
  it('splits 5亿 by last year\'s months so 双11 carries most, to the fen', () => {
    const history = [10, 10, 10, 10, 10, 30, 10, 10, 10, 40, 50, 10];
    const out = decompose({ metric: 'sales', parentValue: 50_000_000_000, method: 'seasonal', children: months(history) });
    expect(out.method).toBe('seasonal');
    expect(out.values.reduce((a, b) => a + b, 0)).toBe(50_000_000_000);
    // 11,904,761,904.76: its .76 is the smallest remainder of the year (the 10/210 months have .95), so no extra fen
    expect(out.values[10]).toBe(11_904_761_904);
    expect(out.values[10]).toBeGreaterThan(out.values[9]);
    expect(out.values[9]).toBeGreaterThan(out.values[5]);
  });

  it('children sum exactly to the parent for any parent and history, even and seasonal', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 1e13 }),
      fc.array(fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: null }), { minLength: 1, maxLength: 53 }),
      fc.constantFrom('even' as const, 'seasonal' as const),
      fc.constantFrom('sales' as const, 'orders' as const, 'uv' as const, 'spend' as const),
      (parent, history, method, metric) => {
        const out = decompose({ metric, parentValue: parent, method, children: history.map((h, i) => ({ key: String(i), basis: 1 + (i % 7), lastYear: h })) });
        expect(out.values.reduce((a, b) => a + b, 0)).toBe(parent);
        expect(out.values.every(Number.isInteger)).toBe(true);
        expect(out.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      },
    ), { numRuns: 300 });
  });

  it('falls back to even when a month has no history, and says so', () => {
    const out = decompose({ metric: 'sales', parentValue: 1200, method: 'seasonal', children: months([null, ...Array(11).fill(5)]) });
    expect(out.method).toBe('even');
    expect(out.values).toEqual(Array(12).fill(100));
    expect(out.note).toEqual({ key: 'plan.seasonal.missing', values: { missing: '2026-01' } });
  });

  it('accepts manual values only when they add up to the fen', () => {
    const children = months([null, null, null]);
    const manual = (values: number[]) => new Map(values.map((v, i) => [children[i].key, v]));
    expect(decompose({ metric: 'sales', parentValue: 1000, method: 'manual', children, manual: manual([200, 300, 500]) }).values).toEqual([200, 300, 500]);
    expect(() => decompose({ metric: 'sales', parentValue: 1000, method: 'manual', children, manual: manual([200, 300, 499]) })).toThrow(/sum to 999.*off by -1/);
    expect(() => decompose({ metric: 'sales', parentValue: 1000, method: 'manual', children, manual: manual([200, 300.5, 499.5]) })).toThrow(/minor units/);
    expect(() => decompose({ metric: 'sales', parentValue: 1000, method: 'manual', children, manual: new Map([['2026-01', 1000]]) })).toThrow(/missing 2026-02, 2026-03/);
    expect(() => decompose({ metric: 'sales', parentValue: 1000, method: 'manual', children, manual: new Map([...manual([200, 300, 500]), ['2027-01', 0]]) })).toThrow(/2027-01 is not one of/);
  });
});

describe('decomposing a ratio target', () => {
  const children: ChildSpec[] = [
    { key: 'paid_search', basis: 1, lastYear: 40000, lastYearDenominator: 100 },
    { key: 'kol', basis: 1, lastYear: 60000, lastYearDenominator: 300 },
  ];

  it('seasonal: children follow last year\'s relative level and recombine to the parent through buyers', () => {
    // last year: sales 4,000,000 + 18,000,000 over 400 buyers = 55,000 per buyer
    const out = decompose({ metric: 'per_customer_spend', parentValue: 50000, method: 'seasonal', children, parentLastYear: 55000 });
    expect(out.method).toBe('seasonal');
    expect(out.values).toEqual([Math.round(50000 * 40000 / 55000), Math.round(50000 * 60000 / 55000)]);
    const recombined = out.values[0] * 0.25 + out.values[1] * 0.75;
    expect(Math.abs(recombined - 50000)).toBeLessThanOrEqual(1);
  });

  it('even: every child keeps the parent ratio', () => {
    expect(decompose({ metric: 'conversion_rate', parentValue: 0.04, method: 'even', children }).values).toEqual([0.04, 0.04]);
  });

  it('manual: checks the children through the ratio\'s parts (planned buyers, else last year\'s)', () => {
    const manual = (a: number, b: number) => new Map([['paid_search', a], ['kol', b]]);
    // weighted by last year's buyers (1:3): 0.25 x 62000 + 0.75 x 46000 = 50000
    expect(decompose({ metric: 'per_customer_spend', parentValue: 50000, method: 'manual', children, manual: manual(62000, 46000) }).values).toEqual([62000, 46000]);
    expect(() => decompose({ metric: 'per_customer_spend', parentValue: 50000, method: 'manual', children, manual: manual(60000, 60000) })).toThrow(/give per_customer_spend 60000, the parent is 50000/);
    // the plan's own buyer targets (1:1) win over last year's
    const planned = children.map((c) => ({ ...c, plannedDenominator: 500 }));
    expect(() => decompose({ metric: 'per_customer_spend', parentValue: 50000, method: 'manual', children: planned, manual: manual(62000, 46000) })).toThrow(/plan's buyers targets/);
    expect(decompose({ metric: 'per_customer_spend', parentValue: 50000, method: 'manual', children: planned, manual: manual(55000, 45000) }).values).toEqual([55000, 45000]);
  });
});

describe('plan checks', () => {
  const t = (id: string, metric: Target['metric'], value: number, extra: Partial<Target> = {}): Target => ({
    id, planId: 'p', parentId: null, metric, value, period: { label: '2026', from: '2026-01-01', to: '2027-01-01', grain: 'year' },
    dimension: null, dimensionValue: null, owner: null, note: null, splitBy: null, method: null, assumptions: null, createdAt: '', updatedAt: '', ...extra,
  });

  it('derives the buyers a 客单价 target implies, and flags ratios that disagree with their parts', () => {
    const implied = planChecks([t('s', 'sales', 50_000_000_000), t('p', 'per_customer_spend', 50_000)]);
    expect(implied).toEqual([expect.objectContaining({ targetId: 'p', kind: 'implied', implied: { buyers: 1_000_000 } })]);
    const clash = planChecks([t('s', 'sales', 50_000_000_000), t('b', 'buyers', 800_000), t('p', 'per_customer_spend', 50_000)]);
    expect(clash).toEqual([expect.objectContaining({ targetId: 'p', kind: 'ratio_parts', ok: false })]);
    expect(clash[0].message).toBe('客单价为 ¥500.00，但支付金额 / 支付买家数的目标得出 ¥625.00');
    expect(renderText('en', clash[0].text)).toBe('Spend per buyer is ¥500.00 but the sales (paid) / buyers targets give ¥625.00');
  });

  it('flags children that no longer sum to an edited parent', () => {
    const month = (id: string, v: number) => t(id, 'sales', v, { parentId: 's', splitBy: 'month' });
    expect(planChecks([t('s', 'sales', 300), month('a', 100), month('b', 200)])).toEqual([]);
    const edited = planChecks([t('s', 'sales', 301), month('a', 100), month('b', 200)]);
    expect(edited).toEqual([expect.objectContaining({ kind: 'children_sum', ok: false, targetId: 's' })]);
    expect(edited[0].message).toBe('按月拆分的子目标合计 ¥3.00，上级目标为 ¥3.01：请重新拆分');
  });
});
