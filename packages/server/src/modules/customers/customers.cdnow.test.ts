/**
 * Lifecycle and RFM on real data: the CDNOW sample (6,919 purchases of 2,357 customers, January 1997
 * to June 1998), loaded as paid orders through the public API, against a count made here in plain
 * TypeScript from the file. The shop is in UTC, so a line's date is its local date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { cdnowLines, loadCdnow } from '../../testing/cdnow';
import { call, startFlywheel } from '../../testing/harness';

const lines = cdnowLines();
const days = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/** The count by hand: each customer's purchases up to asOf, in days before it. */
function byHand(asOf: string) {
  const customers = new Map<string, { d: number; cents: number }[]>();
  for (const l of lines) {
    if (l.date > asOf) continue;
    customers.set(l.customer, [...(customers.get(l.customer) ?? []), { d: days(l.date, asOf), cents: l.cents }]);
  }
  const stages = { new: 0, active: 0, dormant: 0, churned: 0 };
  for (const purchases of customers.values()) {
    const first = Math.max(...purchases.map((p) => p.d));
    const last = Math.min(...purchases.map((p) => p.d));
    if (first <= 30) stages.new++;
    else if (last <= 90) stages.active++;
    else if (last <= 180) stages.dormant++;
    else stages.churned++;
  }
  const population = [...customers.values()].map((ps) => ps.filter((p) => p.d <= 365)).filter((ps) => ps.length > 0)
    .map((ps) => ({ r: Math.min(...ps.map((p) => p.d)), f: ps.length, m: ps.reduce((s, p) => s + p.cents, 0) }));
  const n = population.length;
  const sum = { r: 0, f: 0, m: 0 };
  for (const c of population) { sum.r += c.r; sum.f += c.f; sum.m += c.m; }
  const names: Record<string, string> = {
    HHH: 'important_value', HLH: 'important_develop', LHH: 'important_keep', LLH: 'important_retain',
    HHL: 'general_value', HLL: 'general_develop', LHL: 'general_keep', LLL: 'general_retain',
  };
  const classes = new Map<string, { customers: number; netSales: number }>(Object.values(names).map((c) => [c, { customers: 0, netSales: 0 }]));
  for (const c of population) {
    const key = `${c.r * n <= sum.r ? 'H' : 'L'}${c.f * n >= sum.f ? 'H' : 'L'}${c.m * n >= sum.m ? 'H' : 'L'}`;
    const cls = classes.get(names[key])!;
    cls.customers++;
    cls.netSales += c.m;
  }
  return { stages, n, means: { r: sum.r / n, f: sum.f / n, m: sum.m / n }, classes };
}

let fw: Flywheel;
let key: string;

beforeAll(async () => {
  fw = await startFlywheel();
  key = await loadCdnow(fw, lines);
});
afterAll(async () => { await fw?.close(); });

describe('lifecycle and RFM on the CDNOW sample', () => {
  for (const asOf of ['1997-03-31', '1997-09-30', '1998-06-30']) {
    it(`matches a hand count as of ${asOf}`, async () => {
      const hand = byHand(asOf);
      const lifecycle = await call(fw, 'GET', `/v1/lifecycle?asOf=${asOf}`, key);
      const counts = Object.fromEntries(lifecycle.body.stages.map((s: { stage: string; customers: number }) => [s.stage, s.customers]));
      // Every CDNOW customer bought on their first day in the log, so none is a prospect once they appear.
      expect(counts).toEqual({ prospect: 0, ...hand.stages });

      const rfm = await call(fw, 'GET', `/v1/rfm?asOf=${asOf}`, key);
      expect(rfm.body.customers).toBe(hand.n);
      expect(rfm.body.means.r).toBeCloseTo(hand.means.r, 9);
      expect(rfm.body.means.f).toBeCloseTo(hand.means.f, 9);
      expect(rfm.body.means.m).toBeCloseTo(hand.means.m, 6);
      expect(Object.fromEntries(rfm.body.classes.map((c: { class: string; customers: number; netSales: number }) => [c.class, { customers: c.customers, netSales: c.netSales }])))
        .toEqual(Object.fromEntries(hand.classes));
    });
  }

  it('counts the stages at each month end in /v1/metrics, as the hand count does', async () => {
    const stages = ['new', 'active', 'dormant', 'churned'] as const;
    const res = await call(fw, 'GET', `/v1/metrics?metrics=${stages.map((s) => `lifecycle_${s}`).join(',')}&from=1997-01-01&to=1998-07-01&grain=month&compare=previous_period`, key);
    expect(res.status).toBe(200);
    expect(res.body.series).toHaveLength(18);
    for (const point of res.body.series as { start: string; values: Record<string, number> }[]) {
      const [y, m] = point.start.split('-').map(Number);
      const monthEnd = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
      const hand = byHand(monthEnd).stages;
      expect(point.values, monthEnd).toEqual(Object.fromEntries(stages.map((s) => [`lifecycle_${s}`, hand[s]])));
    }
    // The total is the period's last day, compared with the last day of the 18 months before.
    expect(res.body.totals.lifecycle_dormant).toBe(byHand('1998-06-30').stages.dormant);
    expect(res.body.comparison.lifecycle_churned.previous).toBe(0);
    const cut = await call(fw, 'GET', '/v1/metrics?metrics=lifecycle_dormant&from=1997-01-01&to=1998-07-01&breakdown=channel', key);
    expect(cut.status).toBe(400);
    expect(cut.body.error.field).toBe('breakdown');
  });

  it('lists every churned customer over cursor pages today, and a segment counts those with five orders or more as the file does', async () => {
    const asOfToday = await call(fw, 'GET', '/v1/lifecycle', key);
    // Long after June 1998, every CDNOW customer has churned.
    expect(asOfToday.body.stages.find((s: { stage: string }) => s.stage === 'churned').customers).toBe(new Set(lines.map((l) => l.customer)).size);
    const perCustomer = new Map<string, number>();
    for (const l of lines) perCustomer.set(l.customer, (perCustomer.get(l.customer) ?? 0) + 1);
    const loyal = [...perCustomer.values()].filter((n) => n >= 5).length;
    const preview = await call(fw, 'POST', '/v1/segments/preview', key, { rule: { orders: {}, measure: 'count', op: 'gte', value: 5 }, sampleSize: 3 });
    expect(preview.body.size).toBe(loyal);
    expect(preview.body.sample.map((c: { orders: number }) => c.orders >= 5)).toEqual([true, true, true]);
    let listed = 0;
    let cursor: string | null = null;
    do {
      const page: { body: { customers: unknown[]; nextCursor: string | null } } = await call(fw, 'GET', `/v1/customers?lifecycle=churned&limit=500${cursor ? `&cursor=${cursor}` : ''}`, key);
      listed += page.body.customers.length;
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed).toBe(perCustomer.size);
  });
});
