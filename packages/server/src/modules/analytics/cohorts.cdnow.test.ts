/**
 * First-order cohorts on real data: the CDNOW sample (6,919 transactions of 2,357 customers from
 * January 1997 on, the log of the customer-lifetime-value literature), loaded through the public API.
 * Eight of its orders are of amount 0: a purchase all the same, as for `buyers`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { call, startFlywheel } from '../../testing/harness';

const here = path.dirname(fileURLToPath(import.meta.url));
const sample = path.resolve(here, '../../../../../../shared/data/cdnow/CDNOW_sample.txt');

if (!fs.existsSync(sample)) throw new Error(`${sample} is missing: this test reads the project's shared folder (shared/data/cdnow), kept beside the repository`);

interface Line { customer: string; date: string; cents: number }
const lines: Line[] = fs.readFileSync(sample, 'utf8').trim().split('\n').map((row) => {
  const [customer, , ymd, , amount] = row.trim().split(/\s+/);
  return { customer, date: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`, cents: Math.round(Number(amount) * 100) };
});

let fw: Flywheel;
let key: string;

beforeAll(async () => {
  fw = await startFlywheel();
  const shop = await fw.shops.createShop({ name: 'CDNOW', currency: 'USD', timezone: 'UTC' });
  key = shop.secretKey;
  const orders = lines.map((l, i) => ({
    externalId: `t${i}`, customerId: l.customer, status: 'paid', placedAt: `${l.date}T12:00:00Z`, paidAt: `${l.date}T12:00:00Z`,
    items: [{ sku: 'CD', quantity: 1, unitPrice: l.cents }], payableAmount: l.cents, currency: 'USD',
  }));
  for (let i = 0; i < orders.length; i += 1000) {
    const r = await call(fw, 'POST', '/v1/orders/batch', key, { records: orders.slice(i, i + 1000) });
    expect(r.body.rejected).toEqual([]);
  }
  await fw.projector.drain();
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
