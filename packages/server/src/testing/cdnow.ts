/**
 * The CDNOW sample (shared/data/cdnow: 6,919 purchases of 2,357 customers, January 1997 to June 1998,
 * the log of the customer-lifetime-value literature) as lines, and loaded into a fresh shop as paid
 * orders through the public API. The shop is in UTC and USD, so a line's date is its local date.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Flywheel } from '../app';
import { call } from './harness';

const sample = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data/cdnow/CDNOW_sample.txt');

export interface CdnowLine { customer: string; date: string; cents: number }

/** The sample's lines: customer id, local date, amount in cents. */
export function cdnowLines(): CdnowLine[] {
  if (!fs.existsSync(sample)) throw new Error(`${sample} is missing: this test reads the project's shared folder (shared/data/cdnow), kept beside the repository`);
  return fs.readFileSync(sample, 'utf8').trim().split('\n').map((row) => {
    const [customer, , ymd, , amount] = row.trim().split(/\s+/);
    return { customer, date: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`, cents: Math.round(Number(amount) * 100) };
  });
}

/** A CDNOW shop with every line a paid order, projected; returns its secret key. */
export async function loadCdnow(fw: Flywheel, lines: readonly CdnowLine[]): Promise<string> {
  const shop = await fw.shops.createShop({ name: 'CDNOW', currency: 'USD', timezone: 'UTC' });
  const orders = lines.map((l, i) => ({
    externalId: `t${i}`, customerId: l.customer, status: 'paid', placedAt: `${l.date}T12:00:00Z`, paidAt: `${l.date}T12:00:00Z`,
    items: [{ sku: 'CD', quantity: 1, unitPrice: l.cents }], payableAmount: l.cents, currency: 'USD',
  }));
  for (let i = 0; i < orders.length; i += 1000) {
    const r = await call(fw, 'POST', '/v1/orders/batch', shop.secretKey, { records: orders.slice(i, i + 1000) });
    expect(r.body.rejected).toEqual([]);
  }
  await fw.projector.drain();
  return shop.secretKey;
}
