import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from '@flywheel/contracts';
import type { Flywheel } from '../../app';
import { call, newShop, startFlywheel } from '../../testing/harness';
import { eventTime } from './prepare';
import { TrackingService } from './service';

let fw: Flywheel;
beforeAll(async () => { fw = await startFlywheel(); });
afterAll(async () => { await fw?.close(); });

const count = async (shopId: string, where = 'true') => (await fw.store.one<{ n: number }>(`select count(*) n from events where shop_id = ? and ${where}`, [shopId]))!.n;

describe('tracking', () => {
  it('accepts a Segment batch with Basic auth and de-duplicates by messageId', async () => {
    const s = await newShop(fw);
    const basic = `Basic ${Buffer.from(`${s.publishableKey}:`).toString('base64')}`;
    const batch = {
      batch: [
        { type: 'page', messageId: 'm1', anonymousId: 'a1', name: '首页', context: { page: { url: 'https://shop.cn/?utm_source=baidu&utm_medium=cpc&utm_campaign=双11' } } },
        { type: 'track', messageId: 'm2', anonymousId: 'a1', event: 'Product Viewed', properties: { product_id: 'p-1', sku: 'p-1-S', category: '服饰' } },
        { type: 'track', messageId: 'm2', anonymousId: 'a1', event: 'Product Viewed' },
      ],
    };
    const first = await call(fw, 'POST', '/v1/batch', undefined, batch, { authorization: basic });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ success: true, accepted: 2, duplicates: 1 });
    const again = await call(fw, 'POST', '/v1/batch', undefined, batch, { authorization: basic });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await count(s.shopId)).toBe(2);
    const rows = await fw.store.all(`select channel, utm_campaign, product_id, category, session_id from events where shop_id = ? order by message_id`, [s.shopId]);
    // Each event keeps the channel it names itself (the product view names none); sessions and their
    // channels are cut by event time by analytics. The visit id is the arrival-order hint.
    expect(rows.map(({ session_id: _, ...r }) => r)).toEqual([
      { channel: 'paid_search', utm_campaign: '双11', product_id: null, category: null },
      { channel: 'direct', utm_campaign: null, product_id: 'p-1', category: '服饰' },
    ]);
    expect(rows[0].session_id).toBe(rows[1].session_id);
  });

  it('stitches a visitor’s earlier anonymous events to the customer after identify', async () => {
    const s = await newShop(fw);
    await call(fw, 'POST', '/v1/track', s.publishableKey, { anonymousId: 'anon-7', event: 'Product Added', messageId: 'x1' });
    await call(fw, 'POST', '/v1/page', s.publishableKey, { anonymousId: 'anon-7', messageId: 'x2' });
    await call(fw, 'POST', '/v1/identify', s.publishableKey, { anonymousId: 'anon-7', userId: 'c-42', traits: { phone: '138' }, messageId: 'x3' });
    await call(fw, 'POST', '/v1/track', s.publishableKey, { userId: 'c-42', event: 'Order Completed', properties: { order_id: 'o-1' }, messageId: 'x4' });
    await call(fw, 'POST', '/v1/alias', s.publishableKey, { previousId: 'old-device', userId: 'c-42', messageId: 'x5' });
    await call(fw, 'POST', '/v1/track', s.publishableKey, { anonymousId: 'old-device', event: 'Signed In', messageId: 'x6' });
    const people = await fw.store.all(`select distinct person_id from tracked_events where shop_id = ?`, [s.shopId]);
    expect(people).toEqual([{ person_id: 'c-42' }]);
  });

  it('links a device to the customer it was first linked to by event time, whatever order the calls arrive in', async () => {
    const s = await newShop(fw);
    const send = (calls: object[]) => fw.tracking.ingest(s.shopId, { kind: 'calls', calls });
    // A shared tablet: u1 signed in at 10:00, u2 at 11:00. The calls arrive newest first.
    await send([{ type: 'track', event: 'Product Viewed', messageId: 'k3', anonymousId: 'tablet', userId: 'u1', timestamp: '2026-03-01T12:00:00+08:00' }]);
    await send([{ type: 'identify', messageId: 'k2', anonymousId: 'tablet', userId: 'u2', timestamp: '2026-03-01T11:00:00+08:00' }]);
    await send([{ type: 'identify', messageId: 'k1', anonymousId: 'tablet', userId: 'u1', timestamp: '2026-03-01T10:00:00+08:00' }]);
    expect(await fw.store.all(`select user_id from identity_links where shop_id = ?`, [s.shopId])).toEqual([{ user_id: 'u1' }]);
  });

  it('corrects client clock skew from sentAt', async () => {
    const received = Date.parse('2026-11-11T12:00:10Z');
    // The phone's clock runs one hour ahead: it says it sent at 13:00:10 an event of 13:00:00.
    expect(new Date(eventTime('2026-11-11T13:00:00Z', '2026-11-11T13:00:10Z', received)).toISOString()).toBe('2026-11-11T12:00:00.000Z');
    expect(eventTime(undefined, undefined, received)).toBe(received);
  });

  it('reports invalid calls by field, keeps the valid ones of a batch, and refuses oversize bodies with 413', async () => {
    const s = await newShop(fw);
    const bad = await call(fw, 'POST', '/v1/track', s.publishableKey, { anonymousId: 'a', properties: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_field', field: 'event' });
    const mixed = await call(fw, 'POST', '/v1/batch', s.publishableKey, { batch: [
      { type: 'track', event: 'Signed In', userId: 'u1' }, { type: 'track', event: 'Signed In' }, { type: 'track', userId: 'u1' },
      { type: 'purchase', userId: 'u1' }, { type: 'toString', userId: 'u1' },
    ] });
    expect(mixed.status).toBe(200);
    expect(mixed.body.accepted).toBe(1);
    expect(mixed.body.rejected.map((r: { field: string }) => r.field)).toEqual(['batch[1].anonymousId', 'batch[2].event', 'batch[3].type', 'batch[4].type']);
    const huge = await call(fw, 'POST', '/v1/batch', s.publishableKey, { batch: [{ type: 'track', event: 'x', userId: 'u', properties: { blob: 'x'.repeat(MAX_BATCH_BYTES + 100 * 1024) } }] });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const tooMany = await call(fw, 'POST', '/v1/batch', s.publishableKey, { batch: Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => ({ type: 'track', event: 'x', userId: 'u' })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'invalid_field', field: 'batch' });
    const broken = await call(fw, 'POST', '/v1/batch', s.publishableKey, '{"batch": [', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_request');
    // navigator.sendBeacon: text/plain, no headers, the publishable key in the body
    const beacon = await call(fw, 'POST', '/v1/batch', undefined, JSON.stringify({ writeKey: s.publishableKey, batch: [{ type: 'track', event: 'Cart Viewed', anonymousId: 'b1' }] }), { 'content-type': 'text/plain' });
    expect(beacon.status).toBe(200);
    expect(await count(s.shopId, `event = 'Cart Viewed'`)).toBe(1);
  });

  it('applies the shop’s own channel mapping', async () => {
    const s = await newShop(fw);
    const put = await call(fw, 'PUT', '/v1/shop/channel-mapping', s.secretKey, { rules: [{ source: ['douyin'], channel: 'kol' }] });
    expect(put.status).toBe(200);
    await call(fw, 'POST', '/v1/page', s.publishableKey, { anonymousId: 'a', context: { campaign: { source: 'douyin', medium: 'social' } } });
    expect(await count(s.shopId, `channel = 'kol'`)).toBe(1);
  });

  it('shows the newest events to the live debugger, and only newer ones after its cursor', async () => {
    const s = await newShop(fw);
    await call(fw, 'POST', '/v1/track', s.publishableKey, { anonymousId: 'a', event: 'Product Viewed', properties: { sku: 'S1' } });
    const first = await call(fw, 'GET', '/v1/events/recent', s.secretKey);
    expect(first.body.events).toHaveLength(1);
    expect(first.body.events[0]).toMatchObject({ event: 'Product Viewed', properties: { sku: 'S1' }, channel: 'direct' });
    await call(fw, 'POST', '/v1/track', s.publishableKey, { anonymousId: 'a', event: 'Product Added' });
    const next = await call(fw, 'GET', `/v1/events/recent?after=${encodeURIComponent(first.body.cursor)}`, s.secretKey);
    expect(next.body.events.map((e: { event: string }) => e.event)).toEqual(['Product Added']);
    expect((await call(fw, 'GET', '/v1/events/recent', s.publishableKey)).status).toBe(403);
  });

  it('stores a history backfilled twice at once, or again after a restart, only once', async () => {
    const s = await newShop(fw);
    const history = Array.from({ length: 3000 }, (_, i) => ({ type: 'track', event: 'Product Viewed', anonymousId: `v${i % 7}`, messageId: `h${i}`, timestamp: new Date(Date.UTC(2025, 5, 1) + i * 60_000).toISOString() }));
    const results = await Promise.all([0, 1, 2, 3].map(() => fw.tracking.ingest(s.shopId, { kind: 'calls', calls: history }, { historical: true })));
    expect(results.map((r) => r.accepted).sort()).toEqual([0, 0, 0, 3000]);
    // A fresh service over the same store (a restarted server) still recognises the stored history.
    const restarted = new TrackingService(fw.store, (shopId) => fw.shops.getShop(shopId), 24);
    await restarted.init();
    const again = await restarted.ingest(s.shopId, { kind: 'calls', calls: history.slice(1000, 1100) }, { historical: true });
    await restarted.close();
    expect(again).toMatchObject({ accepted: 0, duplicates: 100 });
    expect(await count(s.shopId)).toBe(3000);
  });

  it('answers browsers’ CORS preflight', async () => {
    const res = await fw.http.inject({ method: 'OPTIONS', url: '/v1/batch', headers: { origin: 'https://shop.example.cn', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example.cn');
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a key exceeds its rate', async () => {
    // 1 request a second with a burst of 2: ten calls at once cannot all pass, however slow the machine.
    const limited = await startFlywheel({ rateLimitPerSecond: 1 });
    try {
      const s = await newShop(limited);
      const results = await Promise.all(Array.from({ length: 10 }, () => call(limited, 'POST', '/v1/track', s.publishableKey, { event: 'x', anonymousId: 'a' })));
      const limitedCalls = results.filter((r) => r.status === 429);
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
      expect(limitedCalls.length).toBeGreaterThan(0);
      expect(limitedCalls[0].headers['retry-after']).toBeDefined();
      expect(limitedCalls[0].body.error.code).toBe('rate_limited');
    } finally {
      await limited.close();
    }
  });
});
