/**
 * First-order cohorts on real data: the CDNOW sample (6,919 transactions of 2,357 customers from
 * January 1997 on, the log of the customer-lifetime-value literature), loaded through the public API.
 * Eight of its orders are of amount 0: a purchase all the same, as for `buyers`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { cdnowLines, loadCdnow } from '../../testing/cdnow';
import { call, startFlywheel } from '../../testing/harness';

const lines = cdnowLines();

let fw: Flywheel;
let key: string;

beforeAll(async () => {
  fw = await startFlywheel();
  key = await loadCdnow(fw, lines);
});
afterAll(async () => { await fw?.close(); });

describe('first-order cohorts on the CDNOW sample', () => {
  it('counts every cohort member as active in its own month, zero-amount first orders included, and matches a hand count after', async () => {
    const res = await call(fw, 'GET', '/v1/cohorts?by=first_order&grain=month&measure=retention&from=1997-01-01&to=1997-04-01&periods=3', key);
    expect(res.status).toBe(200);
    const byHand = (month: string, k: number) => {
      const first = new Map<string, string>();
      for (const l of lines) if (!first.has(l.customer) || l.date < first.get(l.customer)!) first.set(l.customer, l.date);
      const members = [...first].filter(([, d]) => d.startsWith(month)).map(([c]) => c);
      const target = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 + k, 1)).toISOString().slice(0, 7);
      const active = new Set(lines.filter((l) => l.date.startsWith(target)).map((l) => l.customer));
      return { size: members.length, share: members.filter((c) => active.has(c)).length / members.length };
    };
    for (const cohort of res.body.cohorts as { cohort: string; size: number; values: number[] }[]) {
      const month = cohort.cohort.slice(0, 7);
      expect(cohort.size, month).toBe(byHand(month, 0).size);
      expect(cohort.values[0], month).toBe(1);
      expect(cohort.values[1], month).toBeCloseTo(byHand(month, 1).share, 12);
      expect(cohort.values[2], month).toBeCloseTo(byHand(month, 2).share, 12);
    }
    expect(res.body.cohorts.map((c: { cohort: string }) => c.cohort)).toEqual(['1997-01-01', '1997-02-01', '1997-03-01']);
  });
});
