import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { call, newShop, startFlywheel } from '../../testing/harness';

/**
 * Money in the shop's currency through the real review and alert paths: a JPY shop (no minor digits)
 * sold 12,345 yen in October 2026 through paid_social, on 20,000 yen of spend.
 */
let fw: Flywheel;
let key: string;

const at = (date: string) => `${date}T10:00:00+08:00`;

beforeAll(async () => {
  fw = await startFlywheel();
  const shop = await newShop(fw, '東京の店');
  key = shop.secretKey;
  expect((await call(fw, 'PATCH', '/v1/shop', key, { currency: 'JPY' })).body.currency).toBe('JPY');
  const visit = { type: 'page', messageId: 'v1', userId: 'c1', timestamp: at('2026-10-03'), context: { page: { url: 'https://shop.jp/?utm_source=ads&utm_medium=feed' } } };
  expect((await call(fw, 'POST', '/v1/batch', shop.publishableKey, { batch: [visit] })).body.accepted).toBe(1);
  const order = { externalId: 'o1', customerId: 'c1', status: 'paid', currency: 'JPY', placedAt: at('2026-10-03'), paidAt: at('2026-10-03'), items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 12_345 }], payableAmount: 12_345 };
  expect((await call(fw, 'POST', '/v1/orders/batch', key, { records: [order] })).body.accepted).toBe(1);
  expect((await call(fw, 'POST', '/v1/spend/batch', key, { records: [{ date: '2026-10-05', channel: 'paid_social', amount: 20_000 }] })).body.accepted).toBe(1);
  await fw.projector.drain();
});
afterAll(async () => { await fw?.close(); });

describe('money in a JPY shop', () => {
  it('reviews 12,345 minor units of yen as ¥12,345, in the Markdown and the HTML report', async () => {
    const json = await call(fw, 'GET', '/v1/reviews?month=2026-10&asOf=2026-11-02', key);
    expect(json.body.kpis.find((k: { metric: string }) => k.metric === 'sales')).toMatchObject({ actual: 12_345 });
    for (const format of ['md', 'html']) {
      const report = await call(fw, 'GET', `/v1/reviews?month=2026-10&format=${format}&asOf=2026-11-02`, key);
      expect(report.status).toBe(200);
      expect(report.body).toContain('¥12,345');
      expect(report.body).toContain('¥20,000');
      expect(report.body).not.toMatch(/¥123\.45|¥200\.00/);
    }
  });

  it('says how much yen an alert is about', async () => {
    const res = await call(fw, 'POST', '/v1/alerts/evaluate', key, { asOf: '2026-10-15' });
    const roas = res.body.opened.find((a: { kind: string }) => a.kind === 'roas_below_floor');
    expect(roas.message).toContain('¥20,000');
    expect(roas.message).toContain('¥12,345');
  });
});
