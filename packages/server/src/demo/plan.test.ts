import { describe, expect, it } from 'vitest';
import { buildDemoPlan, type DemoPlanInput, type MonthFigures } from './plan';

/** Fourteen months of a shop: Nov 2025 to the 3rd of Dec 2026, sales growing 20% a year, 双11 three times a month. */
function figures(): DemoPlanInput {
  const months: MonthFigures[] = [];
  for (let i = 0; i < 14; i++) {
    const y = 2025 + Math.floor((10 + i) / 12);
    const m = ((10 + i) % 12) + 1;
    const month = `${y}-${String(m).padStart(2, '0')}`;
    const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const daysMeasured = month === '2026-12' ? 2 : daysInMonth;
    const scale = (y === 2026 ? 1.2 : 1) * (m === 11 ? 3 : 1) * (daysMeasured / daysInMonth);
    months.push({ month, daysMeasured, daysInMonth, sales: Math.round(10_000_000 * scale), newBuyers: Math.round(300 * scale), spend: { paid_search: Math.round(2_000_000 * scale), private_domain: Math.round(500_000 * scale) } });
  }
  const quarters = ['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'].map((quarter) => ({ quarter, daysMeasured: 90, repurchaseRate: 0.12, perCustomerSpend: 25_000 }));
  return { seed: 42, year: 2026, months, quarters };
}

describe('the demo plan', () => {
  it('plans the year from what the shop did: months done at their figure, months to come at last year grown', () => {
    const plan = buildDemoPlan(figures());
    expect(plan.period).toBe('2026');
    expect(plan.targets.map((t) => t.metric)).toEqual(['sales', 'buyers', 'new_buyers', 'repurchase_rate', 'per_customer_spend']);
    const months = plan.splits.filter((s) => s.by === 'month').flatMap((s) => s.values);
    expect(months.map((m) => m.key)).toEqual(Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`));
    // A month done: about 8% over what it did (12,000,000); December, 2 days in: last December grown by the year's 20%.
    const october = months.find((m) => m.key === '2026-10')!.value;
    expect(october).toBeGreaterThan(12_000_000 * 1.0);
    expect(october).toBeLessThan(12_000_000 * 1.2);
    const december = months.find((m) => m.key === '2026-12')!.value;
    expect(december).toBeGreaterThan(10_000_000 * 1.2);
    expect(december).toBeLessThan(10_000_000 * 1.45);
    // 双11 makes November the biggest month, and the parts add up to the year.
    expect(Math.max(...months.map((m) => m.value))).toBe(months.find((m) => m.key === '2026-11')!.value);
    const quarters = plan.splits.find((s) => s.metric === 'sales' && s.by === 'quarter')!.values;
    expect(quarters.reduce((sum, q) => sum + q.value, 0)).toBe(plan.targets[0].value);
    expect(months.reduce((sum, m) => sum + m.value, 0)).toBe(plan.targets[0].value);
    // 复购率 two points up, 客单价 about 5% up, by quarter.
    const repurchase = plan.splits.find((s) => s.metric === 'repurchase_rate')!.values;
    expect(repurchase.every((q) => q.value === 0.14)).toBe(true);
    // 客单价 about 5% up, with the buyers it implies: sales / buyers is 客单价 to the 分, by quarter and for the year.
    const buyers = plan.splits.find((s) => s.metric === 'buyers')!.values;
    plan.splits.find((s) => s.metric === 'per_customer_spend')!.values.forEach((q, i) => {
      expect(q.value / 25_000).toBeGreaterThan(1.02);
      expect(Math.abs(quarters[i].value / buyers[i].value - q.value)).toBeLessThanOrEqual(0.5);
    });
    const [sales, yearBuyers, , yearRepurchase, yearPerCustomer] = plan.targets.map((t) => t.value);
    expect(Math.abs(sales / yearBuyers - yearPerCustomer)).toBeLessThanOrEqual(0.5);
    expect(yearRepurchase).toBeCloseTo(0.14, 6);
  });

  it('budgets every channel the shop spends on, every month, the paid ones with a ROAS floor', () => {
    const plan = buildDemoPlan(figures());
    expect(new Set(plan.budgets.map((b) => b.channel))).toEqual(new Set(['paid_search', 'private_domain']));
    expect(plan.budgets.filter((b) => b.channel === 'paid_search')).toHaveLength(12);
    expect(plan.budgets.every((b) => b.amount > 0 && b.amount % 10_000 === 0)).toBe(true);
    expect(plan.budgets.find((b) => b.channel === 'paid_search')!.roasFloor).toBe(1.5);
  });

  it('is the same plan for the same seed, and another for another', () => {
    expect(buildDemoPlan(figures())).toEqual(buildDemoPlan(figures()));
    expect(buildDemoPlan({ ...figures(), seed: 43 }).targets[0].value).not.toBe(buildDemoPlan(figures()).targets[0].value);
  });
});
