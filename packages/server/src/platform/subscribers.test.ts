import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../app';
import { call, newShop, paidOrder, startFlywheel } from '../testing/harness';
import { EventFeed } from './event-feed';
import { Subscribers } from './subscribers';

/** Domain events and behaviour triggers: each subscriber acts on an event once, its checkpoint committed with the effect. */
describe('the levers runtime: subscribers and behaviour triggers', () => {
  let fw: Flywheel;
  let shop: Awaited<ReturnType<typeof newShop>>;
  const run = Math.random().toString(36).slice(2, 8);
  beforeAll(async () => {
    fw = await startFlywheel();
    shop = await newShop(fw);
    await sql`create table if not exists subscriber_effects (subscriber text, shop_id text, key text, topic text)`.execute(fw.db);
  });
  afterAll(async () => { await fw.close(); });

  const effects = async (subscriber: string) => (await sql<{ key: string; topic: string }>`select key, topic from subscriber_effects where subscriber = ${subscriber} and shop_id = ${shop.shopId} order by key, topic`.execute(fw.db)).rows;

  it('hands each subscriber the topics it asked for, once, and only what was committed after its checkpoint', async () => {
    const name = `${run}:points`;
    const subscribers = new Subscribers(fw.db, 3);
    subscribers.subscribe(name, ['order.paid'], async (trx, events) => {
      for (const e of events) await sql`insert into subscriber_effects values (${name}, ${e.shopId}, ${e.key}, ${e.topic})`.execute(trx);
    });
    await subscribers.drainOne(name); // what the outbox held before this shop's orders belongs to others
    await sql`delete from subscriber_effects where subscriber = ${name}`.execute(fw.db);
    const orders = Array.from({ length: 7 }, (_, i) => paidOrder(`o${i}`, `c${i}`, 1000 + i));
    expect((await call(fw, 'POST', '/v1/orders/batch', shop.secretKey, { records: orders })).body.accepted).toBe(7);
    // An update of a paid order is order.upserted only: not handed to a subscriber of order.paid.
    await call(fw, 'POST', '/v1/orders/batch', shop.secretKey, { records: [{ ...orders[0], status: 'shipped', shippedAt: '2026-11-12T10:00:00+08:00' }] });
    expect(await subscribers.drainOne(name)).toBe(7);
    expect(await subscribers.drainOne(name)).toBe(0);
    // A second process (a second Subscribers on the same database) continues from the same checkpoint.
    const again = new Subscribers(fw.db);
    again.subscribe(name, ['order.paid'], async () => { throw new Error('nothing is left to hand over'); });
    expect(await again.drainOne(name)).toBe(0);
    expect((await effects(name)).map((e) => e.key)).toEqual(['o0', 'o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
  });

  it('keeps the checkpoint where it was when the effect fails, so nothing is lost', async () => {
    const name = `${run}:failing`;
    let fail = true;
    const subscribers = new Subscribers(fw.db);
    subscribers.subscribe(name, ['refund.upserted'], async (trx, events) => {
      for (const e of events) await sql`insert into subscriber_effects values (${name}, ${e.shopId}, ${e.key}, ${e.topic})`.execute(trx);
      if (fail) throw new Error('the loyalty ledger is down');
    });
    await subscribers.drainOne(name).catch(() => undefined);
    await call(fw, 'POST', '/v1/refunds/batch', shop.secretKey, { records: [{ externalId: 'r1', orderId: 'o1', amount: 100, createdAt: '2026-11-13T10:00:00+08:00' }] });
    await expect(subscribers.drainOne(name)).rejects.toThrow('the loyalty ledger is down');
    expect(await effects(name)).toEqual([]); // rolled back with the checkpoint
    fail = false;
    expect(await subscribers.drainOne(name)).toBeGreaterThanOrEqual(1);
    expect(await effects(name)).toEqual([{ key: 'r1', topic: 'refund.upserted' }]);
  });

  it('hands behaviour events past their mark to triggers, with the person after identity stitching', async () => {
    const name = `${run}:cart`;
    const feed = new EventFeed(fw.db, fw.store, 4);
    const seen: { person: string; event: string; sku: unknown }[] = [];
    feed.subscribe(name, ['Product Added'], async (_trx, events) => {
      for (const e of events.filter((x) => x.shopId === shop.shopId)) seen.push({ person: e.personId, event: e.event, sku: e.properties.sku });
    });
    await feed.drainOne(name);
    const batch = [
      { type: 'track', event: 'Product Viewed', anonymousId: 'phone-1', messageId: `${run}-1`, properties: { sku: 'A' } },
      { type: 'track', event: 'Product Added', anonymousId: 'phone-1', messageId: `${run}-2`, properties: { sku: 'A' } },
      { type: 'identify', anonymousId: 'phone-1', userId: 'c-9', messageId: `${run}-3` },
      ...Array.from({ length: 5 }, (_, i) => ({ type: 'track', event: 'Product Added', userId: 'c-9', messageId: `${run}-4${i}`, properties: { sku: `B${i}` } })),
    ];
    expect((await call(fw, 'POST', '/v1/batch', shop.publishableKey, { batch })).status).toBe(200);
    await feed.drainOne(name);
    expect(seen.map((s) => s.sku)).toEqual(['A', 'B0', 'B1', 'B2', 'B3', 'B4']);
    expect(new Set(seen.map((s) => s.person))).toEqual(new Set(['c-9'])); // the device's add before sign-in is the customer's
    await feed.drainOne(name);
    expect(seen).toHaveLength(6);
  });
});
