/**
 * 秒杀 flash sales through the HTTP API on a real Flywheel (PGlite here, Postgres in CI's second run):
 * create, list and read with live counts, bad input named by field, reservations (idempotent,
 * limits, window), no oversell under 1,000 concurrent attempts, sold out answered from memory, the
 * hold's expiry giving units back while a confirmed reservation keeps them, and the order's payment
 * and cancellation through commerce's domain events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { call, newShop, startFlywheel } from '../../testing/harness';

let fw: Flywheel;
let key: string;
let shopId: string;

const MINUTE = 60_000;
const DAY = 86_400_000;
const sale = (body: Record<string, unknown> = {}) => ({
  name: '618 秒杀 连衣裙', sku: 'DRESS-S', price: 9900, stock: 100, perCustomer: 2,
  startsAt: new Date(Date.now() - DAY).toISOString(), endsAt: new Date(Date.now() + DAY).toISOString(), holdMinutes: 15, ...body,
});
const reserve = (id: string, customerId: string, idempotencyKey: string, quantity = 1) => call(fw, 'POST', `/v1/flash-sales/${id}/reserve`, key, { customerId, quantity, idempotencyKey });
/** Runs the timers due by `at` and what they ask for next (the give-back after an expiry). */
const runJobsAt = async (at: Date) => { await fw.runtime.jobs.work(at); await fw.runtime.jobs.work(at); };

beforeAll(async () => {
  fw = await startFlywheel();
  const shop = await newShop(fw, 'Flash');
  key = shop.secretKey;
  shopId = shop.shopId;
});
afterAll(async () => { await fw?.close(); });

describe('flash sales: create, list, read', () => {
  it('creates a sale with defaults and reads it with its counts, in the list too', async () => {
    const created = await call(fw, 'POST', '/v1/flash-sales', key, { sku: 'TEE', price: 1990, stock: 50, startsAt: sale().startsAt, endsAt: sale().endsAt });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'TEE', sku: 'TEE', price: 1990, stock: 50, perCustomer: 1, holdMinutes: 15, state: 'live', reserved: 0, sold: 0, remaining: 50 });
    expect(created.body.id).toMatch(/^fs_/);
    const read = await call(fw, 'GET', `/v1/flash-sales/${created.body.id}`, key);
    expect(read.body).toEqual(created.body);
    const later = await call(fw, 'POST', '/v1/flash-sales', key, sale({ startsAt: new Date(Date.now() + DAY).toISOString(), endsAt: new Date(Date.now() + 2 * DAY).toISOString() }));
    expect(later.body.state).toBe('scheduled');
    const list = await call(fw, 'GET', '/v1/flash-sales', key);
    expect(list.body.flashSales.map((s: { id: string }) => s.id).slice(0, 2)).toEqual([later.body.id, created.body.id]);
  });

  it('refuses bad input by field, and answers 404 for another shop\'s sale', async () => {
    const backwards = await call(fw, 'POST', '/v1/flash-sales', key, sale({ endsAt: new Date(Date.now() - 2 * DAY).toISOString() }));
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.field).toBe('endsAt');
    const fraction = await call(fw, 'POST', '/v1/flash-sales', key, sale({ price: 99.5 }));
    expect(fraction.body.error.field).toBe('price');
    expect((await call(fw, 'POST', '/v1/flash-sales', key, sale({ stock: 0 }))).body.error.field).toBe('stock');
    const mine = await call(fw, 'POST', '/v1/flash-sales', key, sale());
    const other = await newShop(fw, 'Other');
    expect((await call(fw, 'GET', `/v1/flash-sales/${mine.body.id}`, other.secretKey)).status).toBe(404);
    expect((await call(fw, 'POST', `/v1/flash-sales/${mine.body.id}/reserve`, other.secretKey, { customerId: 'c1', quantity: 1, idempotencyKey: 'k' })).status).toBe(404);
  });
});

describe('flash sales: reservations', () => {
  it('reserves idempotently by key, within the per-customer limit, only in the window', async () => {
    const s = (await call(fw, 'POST', '/v1/flash-sales', key, sale({ stock: 10, perCustomer: 2 }))).body;
    const first = await reserve(s.id, 'c1', 'k1');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ flashSaleId: s.id, customerId: 'c1', sku: 'DRESS-S', price: 9900, quantity: 1, state: 'held', orderId: null });
    expect(Date.parse(first.body.expiresAt) - Date.parse(first.body.createdAt)).toBe(15 * MINUTE);
    expect((await reserve(s.id, 'c1', 'k1')).body).toEqual(first.body);
    const tooMany = await reserve(s.id, 'c2', 'k2', 3);
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error).toMatchObject({ code: 'limit_reached', field: 'quantity' });
    expect((await reserve(s.id, 'c1', 'k3')).status).toBe(201);
    const third = await reserve(s.id, 'c1', 'k4');
    expect(third.status).toBe(409);
    expect(third.body.error).toMatchObject({ code: 'limit_reached', field: 'customerId' });
    expect(third.body.error.message).toMatch(/at most 2 unit/);
    expect((await call(fw, 'GET', `/v1/flash-sales/${s.id}`, key)).body).toMatchObject({ stock: 10, reserved: 2, sold: 0, remaining: 8 });
    expect((await call(fw, 'GET', `/v1/flash-sales/${s.id}/reservations/${first.body.reservationId}`, key)).body).toEqual(first.body);

    const soon = (await call(fw, 'POST', '/v1/flash-sales', key, sale({ startsAt: new Date(Date.now() + DAY).toISOString(), endsAt: new Date(Date.now() + 2 * DAY).toISOString() }))).body;
    expect((await reserve(soon.id, 'c1', 'k1')).body.error.code).toBe('not_started');
    const past = (await call(fw, 'POST', '/v1/flash-sales', key, sale({ startsAt: new Date(Date.now() - 2 * DAY).toISOString(), endsAt: new Date(Date.now() - DAY).toISOString() }))).body;
    const ended = await reserve(past.id, 'c1', 'k1');
    expect(ended.status).toBe(409);
    expect(ended.body.error.code).toBe('ended');
  });

  it('1,000 concurrent reservations of 1 unit against stock 100 give exactly 100; the rest are sold_out', async () => {
    const s = (await call(fw, 'POST', '/v1/flash-sales', key, sale({ stock: 100, perCustomer: 1 }))).body;
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => reserve(s.id, `buyer-${i}`, `flood-${i}`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(100);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.error.code === 'sold_out')).toBe(true);
    expect(new Set(results.filter((r) => r.status === 201).map((r) => r.body.reservationId)).size).toBe(100);
    expect((await call(fw, 'GET', `/v1/flash-sales/${s.id}`, key)).body).toMatchObject({ stock: 100, reserved: 100, sold: 0, remaining: 0 });
    const stored = await fw.db.selectFrom('flash_sale_reservations').select((eb) => eb.fn.sum<number>('quantity').as('units')).where('shop_id', '=', shopId).where('flash_sale_id', '=', s.id).executeTakeFirstOrThrow();
    expect(Number(stored.units)).toBe(100);
    const ledger = await fw.db.selectFrom('flash_sale_ledger').select((eb) => eb.fn.countAll().as('n')).where('shop_id', '=', shopId).where('flash_sale_id', '=', s.id).where('kind', '=', 'reserved').executeTakeFirstOrThrow();
    expect(Number(ledger.n)).toBe(100);
  });

  it('once sold out, answers sold_out without Postgres, and a retry of a reservation with its own answer', async () => {
    const s = (await call(fw, 'POST', '/v1/flash-sales', key, sale({ stock: 1, perCustomer: 1 }))).body;
    const won = await reserve(s.id, 'c1', 'won');
    expect(won.status).toBe(201);
    expect((await reserve(s.id, 'c2', 'lost')).body.error.code).toBe('sold_out');
    // Postgres is out of reach now: the service must answer from what it remembers.
    const db = fw.db as unknown as Record<string, unknown>;
    const methods = ['selectFrom', 'insertInto', 'updateTable', 'transaction', 'executeQuery'];
    for (const m of methods) db[m] = () => { throw new Error(`Postgres touched (${m})`); };
    try {
      for (let i = 0; i < 50; i++) {
        await expect(fw.campaigns.flashSales.reserve(shopId, s.id, { customerId: `late-${i}`, quantity: 1, idempotencyKey: `late-${i}` })).rejects.toMatchObject({ code: 'sold_out' });
      }
    } finally {
      for (const m of methods) delete db[m];
    }
    const retry = await fw.campaigns.flashSales.reserve(shopId, s.id, { customerId: 'c1', quantity: 1, idempotencyKey: 'won' });
    expect(retry).toEqual(won.body);
  });
});

describe('flash sales: expiry and confirmation', () => {
  it('an expired reservation returns its unit (and the customer\'s count); a confirmed one does not', async () => {
    const s = (await call(fw, 'POST', '/v1/flash-sales', key, sale({ stock: 2, perCustomer: 1, holdMinutes: 10 }))).body;
    const unpaid = (await reserve(s.id, 'c1', 'a')).body;
    const paid = (await reserve(s.id, 'c2', 'b')).body;
    expect((await reserve(s.id, 'c3', 'c')).body.error.code).toBe('sold_out');
    const confirmed = await fw.campaigns.flashSales.confirmReservation(shopId, paid.reservationId, 'ORDER-B');
    expect(confirmed).toMatchObject({ state: 'confirmed', orderId: 'ORDER-B' });
    expect((await call(fw, 'GET', `/v1/flash-sales/${s.id}`, key)).body).toMatchObject({ reserved: 1, sold: 1, remaining: 0 });

    await runJobsAt(new Date(Date.now() + 5 * MINUTE));
    expect((await fw.campaigns.flashSales.reservation(shopId, unpaid.reservationId)).state).toBe('held');
    await runJobsAt(new Date(Date.now() + 11 * MINUTE));
    expect((await fw.campaigns.flashSales.reservation(shopId, unpaid.reservationId)).state).toBe('expired');
    expect((await fw.campaigns.flashSales.reservation(shopId, paid.reservationId)).state).toBe('confirmed');
    expect((await call(fw, 'GET', `/v1/flash-sales/${s.id}`, key)).body).toMatchObject({ stock: 2, reserved: 0, sold: 1, remaining: 1 });
    // Its timer ran once: running the jobs again gives nothing back twice.
    await runJobsAt(new Date(Date.now() + 20 * MINUTE));
    expect((await call(fw, 'GET', `/v1/flash-sales/${s.id}`, key)).body.remaining).toBe(1);

    await expect(fw.campaigns.flashSales.confirmReservation(shopId, unpaid.reservationId, 'ORDER-A')).rejects.toMatchObject({ code: 'invalid_transition' });
    // The unit came back and so did c1's count: c1 may reserve it again.
    const again = await reserve(s.id, 'c1', 'a2');
    expect(again.status).toBe(201);
    expect((await call(fw, 'GET', `/v1/flash-sales/${s.id}`, key)).body).toMatchObject({ reserved: 1, sold: 1, remaining: 0 });
    const ledger = await fw.db.selectFrom('flash_sale_ledger').select(['kind', 'reservation_id', 'reverses']).where('shop_id', '=', shopId).where('flash_sale_id', '=', s.id).orderBy('id').execute();
    expect(ledger.map((e) => e.kind)).toEqual(['reserved', 'reserved', 'confirmed', 'expired', 'reserved']);
    expect(ledger[3]).toMatchObject({ reservation_id: unpaid.reservationId, reverses: `reserved:${unpaid.reservationId}` });
  });

  it('the order checkout attached is confirmed when paid and gives its units back when cancelled', async () => {
    const s = (await call(fw, 'POST', '/v1/flash-sales', key, sale({ stock: 5, perCustomer: 2 }))).body;
    const r = (await reserve(s.id, 'c9', 'o1', 2)).body;
    const attached = await fw.campaigns.flashSales.attachToOrder(shopId, r.reservationId, 'FS-ORDER-1');
    expect(attached).toMatchObject({ state: 'held', orderId: 'FS-ORDER-1' });
    await expect(fw.campaigns.flashSales.attachToOrder(shopId, r.reservationId, 'FS-ORDER-2')).rejects.toMatchObject({ code: 'invalid_transition' });
    const order = (status: string) => ({
      externalId: 'FS-ORDER-1', customerId: 'c9', status, placedAt: '2026-06-18T10:00:00+08:00', items: [{ sku: 'DRESS-S', quantity: 2, unitPrice: 9900 }], payableAmount: 19800,
      paidAt: '2026-06-18T10:05:00+08:00', paidAmount: 19800, ...(status === 'cancelled' ? { cancelledAt: '2026-06-18T10:10:00+08:00' } : {}),
    });
    expect((await call(fw, 'POST', '/v1/orders/batch', key, { records: [order('paid')] })).body.accepted).toBe(1);
    await fw.runtime.drain();
    expect((await fw.campaigns.flashSales.reservation(shopId, r.reservationId)).state).toBe('confirmed');
    expect((await call(fw, 'GET', `/v1/flash-sales/${s.id}`, key)).body).toMatchObject({ reserved: 0, sold: 2, remaining: 3 });
    // Paid, its timer changes nothing.
    await runJobsAt(new Date(Date.now() + 30 * MINUTE));
    expect((await call(fw, 'GET', `/v1/flash-sales/${s.id}`, key)).body).toMatchObject({ sold: 2, remaining: 3 });

    const cancel = await call(fw, 'POST', '/v1/orders/batch', key, { records: [order('cancelled')] });
    expect(cancel.body.rejected).toEqual([]);
    await fw.runtime.drain();
    await fw.runtime.jobs.work();
    expect((await fw.campaigns.flashSales.reservation(shopId, r.reservationId)).state).toBe('cancelled');
    expect((await call(fw, 'GET', `/v1/flash-sales/${s.id}`, key)).body).toMatchObject({ reserved: 0, sold: 0, remaining: 5 });
  });
});
