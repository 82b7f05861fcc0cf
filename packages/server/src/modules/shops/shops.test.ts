import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { call, newShop, paidOrder, startFlywheel } from '../../testing/harness';

let fw: Flywheel;
beforeAll(async () => { fw = await startFlywheel(); });
afterAll(async () => { await fw?.close(); });

describe('shops, operators and keys', () => {
  it('keeps shops apart: a key of one shop never sees or changes another shop’s data', async () => {
    const a = await newShop(fw, 'A');
    const b = await newShop(fw, 'B');
    expect((await call(fw, 'POST', '/v1/orders/batch', b.secretKey, { records: [paidOrder('o-1', 'c-1', 9900)] })).body.accepted).toBe(1);
    expect((await call(fw, 'GET', '/v1/orders/o-1', b.secretKey)).status).toBe(200);
    const fromA = await call(fw, 'GET', '/v1/orders/o-1', a.secretKey);
    expect(fromA.status).toBe(404);
    // Same external id in shop A is a different order; B's stays as it was.
    await call(fw, 'POST', '/v1/orders/batch', a.secretKey, { records: [paidOrder('o-1', 'c-9', 100)] });
    expect((await call(fw, 'GET', '/v1/orders/o-1', b.secretKey)).body.payableAmount).toBe(9900);
    expect((await call(fw, 'GET', '/v1/commerce/counts', a.secretKey)).body.orders).toBe(1);
  });

  it('lets a publishable key only track', async () => {
    const s = await newShop(fw);
    expect((await call(fw, 'POST', '/v1/track', s.publishableKey, { event: 'Product Viewed', anonymousId: 'a1' })).status).toBe(200);
    const denied = await call(fw, 'POST', '/v1/orders/batch', s.publishableKey, { records: [] });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    expect((await call(fw, 'GET', '/v1/shop', s.publishableKey)).status).toBe(403);
  });

  it('logs operators in and enforces their roles: a viewer reads but changes nothing', async () => {
    const s = await newShop(fw);
    const owner = (await call(fw, 'POST', '/v1/auth/login', undefined, { email: s.ownerEmail, password: s.ownerPassword })).body;
    expect(owner.role).toBe('owner');
    const added = await call(fw, 'POST', '/v1/operators', owner.token, { email: 'Viewer@Example.com', name: '小王', password: 'viewer-pass-1', role: 'viewer' });
    expect(added.status).toBe(201);
    const viewer = await call(fw, 'POST', '/v1/auth/login', undefined, { email: 'viewer@example.com', password: 'viewer-pass-1' });
    expect(viewer.status).toBe(200);
    const token = viewer.body.token;
    expect((await call(fw, 'GET', '/v1/shop', token)).status).toBe(200);
    expect((await call(fw, 'POST', '/v1/orders/batch', token, { records: [paidOrder('x', 'c', 1)] })).status).toBe(403);
    expect((await call(fw, 'PATCH', '/v1/shop', token, { name: 'hacked' })).status).toBe(403);
    expect((await call(fw, 'GET', '/v1/shop', token)).body.name).toBe('Test shop');
    // An operator may write data but not manage keys.
    await call(fw, 'POST', '/v1/operators', owner.token, { email: 'op@example.com', name: '运营', password: 'operator-pass', role: 'operator' });
    const op = (await call(fw, 'POST', '/v1/auth/login', undefined, { email: 'op@example.com', password: 'operator-pass' })).body.token;
    expect((await call(fw, 'POST', '/v1/orders/batch', op, { records: [paidOrder('y', 'c', 1)] })).status).toBe(200);
    expect((await call(fw, 'POST', '/v1/api-keys', op, { kind: 'secret' })).status).toBe(403);
  });

  it('refuses wrong passwords, missing and revoked keys with 401', async () => {
    const s = await newShop(fw);
    expect((await call(fw, 'POST', '/v1/auth/login', undefined, { email: s.ownerEmail, password: 'nope' })).status).toBe(401);
    expect((await call(fw, 'GET', '/v1/shop')).status).toBe(401);
    const created = await call(fw, 'POST', '/v1/api-keys', s.secretKey, { kind: 'secret', label: 'erp' });
    expect(created.status).toBe(201);
    expect((await call(fw, 'GET', '/v1/shop', created.body.key)).status).toBe(200);
    expect((await call(fw, 'DELETE', `/v1/api-keys/${created.body.id}`, s.secretKey)).status).toBe(200);
    expect((await call(fw, 'GET', '/v1/shop', created.body.key)).status).toBe(401);
  });

  it('records who changed what in the audit log', async () => {
    const s = await newShop(fw);
    await call(fw, 'PATCH', '/v1/shop', s.secretKey, { timezone: 'Europe/Berlin' });
    const audit = await call(fw, 'GET', '/v1/audit', s.secretKey);
    expect(audit.body[0].action).toBe('shop.update');
    expect((await call(fw, 'PATCH', '/v1/shop', s.secretKey, { timezone: 'Mars/Olympus' })).body.error.field).toBe('timezone');
  });
});
