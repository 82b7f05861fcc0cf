/**
 * A 秒杀 reservation through cart pricing, on a real Flywheel: a quote prices the reserved units at the
 * sale's price (an item-stage price beating a 限时折扣), says why a reservation cannot price (another
 * customer's, more units than reserved), and checkout makes the reservation the order's, holding the
 * cart no longer than the reservation; the order's payment sells the unit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { call, newShop, startFlywheel } from '../../testing/harness';

let fw: Flywheel;
let key: string;
const DAY = 86_400_000;
const window = { startsAt: new Date(Date.now() - DAY).toISOString(), endsAt: new Date(Date.now() + DAY).toISOString() };

beforeAll(async () => {
  fw = await startFlywheel();
  key = (await newShop(fw, '秒杀结算')).secretKey;
  await call(fw, 'POST', '/v1/products/batch', key, { records: [{ externalId: 'P-DRESS', title: '连衣裙', category: '服饰/女装', skus: [{ sku: 'DRESS-S', price: 19900 }, { sku: 'DRESS-M', price: 19900 }] }] });
  await call(fw, 'POST', '/v1/customers/batch', key, { records: [{ externalId: 'c1' }, { externalId: 'c2' }] });
  await fw.runtime.drain();
});
afterAll(async () => { await fw?.close(); });

describe('秒杀 in cart pricing', () => {
  it('prices reserved units at the sale price, refuses what the reservation does not cover, and checkout sells the unit when the order is paid', async () => {
    // A 10% 限时折扣 on the dress: 17,910; the 秒杀 price 9,900 is lower and wins on the reserved unit.
    await call(fw, 'POST', '/v1/promotions', key, { name: '夏季九折', kind: 'timed_discount', ...window, status: 'live', scope: { skus: ['DRESS-S'] }, rule: { percentOff: 10 } });
    const sale = (await call(fw, 'POST', '/v1/flash-sales', key, { name: '618 秒杀', sku: 'DRESS-S', price: 9900, stock: 5, perCustomer: 1, ...window, holdMinutes: 15 })).body;
    const reservation = (await call(fw, 'POST', `/v1/flash-sales/${sale.id}/reserve`, key, { customerId: 'c1', quantity: 1, idempotencyKey: 'r1' })).body;
    expect(reservation.state).toBe('held');

    const cart = { customerId: 'c1', items: [{ sku: 'DRESS-S', quantity: 1, reservationId: reservation.reservationId }, { sku: 'DRESS-S', quantity: 1 }] };
    const quote = (await call(fw, 'POST', '/v1/pricing/quote', key, cart)).body;
    expect(quote.lines.map((l: { quantity: number; total: number }) => [l.quantity, l.total])).toEqual([[1, 9900], [1, 17910]]);
    expect(quote.applied).toContainEqual(expect.objectContaining({ source: sale.id, kind: 'flash_sale', name: '618 秒杀', amount: 10000 }));
    expect(quote.total).toBe(9900 + 17910);

    // Another customer's reservation, or two units on a reservation of one: priced without it, and said why.
    const stranger = (await call(fw, 'POST', '/v1/pricing/quote', key, { customerId: 'c2', items: [cart.items[0]] })).body;
    expect(stranger.total).toBe(17910);
    expect(stranger.notApplied).toContainEqual(expect.objectContaining({ source: sale.id, code: 'reservation_of_another_customer' }));
    const greedy = (await call(fw, 'POST', '/v1/pricing/quote', key, { customerId: 'c1', items: [{ ...cart.items[0], quantity: 2 }] }, { 'accept-language': 'zh-CN' })).body;
    expect(greedy.notApplied).toContainEqual(expect.objectContaining({ code: 'reservation_mismatch', message: '秒杀资格（618 秒杀）只适用于抢到的商品和件数（DRESS-S）' }));
    expect(greedy.total).toBe(2 * 17910);

    // Checkout: the reservation becomes order o1's, the hold lasts no longer than the reservation.
    const checkout = (await call(fw, 'POST', '/v1/pricing/checkout', key, { ...cart, orderId: 'o1' })).body;
    expect(checkout.total).toBe(9900 + 17910);
    expect(Date.parse(checkout.hold.expiresAt)).toBeLessThanOrEqual(Date.parse(reservation.expiresAt));
    expect((await call(fw, 'GET', `/v1/flash-sales/${sale.id}/reservations/${reservation.reservationId}`, key)).body).toMatchObject({ state: 'held', orderId: 'o1' });
    // Another order cannot price with it.
    const second = (await call(fw, 'POST', '/v1/pricing/checkout', key, { ...cart, orderId: 'o2' })).body;
    expect(second.total).toBe(2 * 17910);
    expect(second.notApplied).toContainEqual(expect.objectContaining({ source: sale.id, code: 'reservation_held' }));

    // o1 paid: the unit is sold.
    const paidAt = new Date().toISOString();
    await call(fw, 'POST', '/v1/orders/batch', key, { records: [{
      externalId: 'o1', customerId: 'c1', status: 'paid', placedAt: paidAt, paidAt, payableAmount: checkout.total, paidAmount: checkout.total,
      items: checkout.lines.map((l: { sku: string; quantity: number; unitPrice: number; discount: number }) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, discount: l.discount })),
    }] });
    await fw.runtime.drain();
    expect((await call(fw, 'GET', `/v1/flash-sales/${sale.id}`, key)).body).toMatchObject({ stock: 5, reserved: 0, sold: 1, remaining: 4 });
  });
});
