import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { addOperator, call, newShop, paidOrder, startFlywheel } from '../../testing/harness';

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
    await addOperator(fw, owner.token, { email: 'Viewer@Example.com', name: '小王', password: 'viewer-pass-1', role: 'viewer' });
    const viewer = await call(fw, 'POST', '/v1/auth/login', undefined, { email: 'viewer@example.com', password: 'viewer-pass-1' });
    expect(viewer.status).toBe(200);
    const token = viewer.body.token;
    expect((await call(fw, 'GET', '/v1/shop', token)).status).toBe(200);
    expect((await call(fw, 'POST', '/v1/orders/batch', token, { records: [paidOrder('x', 'c', 1)] })).status).toBe(403);
    expect((await call(fw, 'PATCH', '/v1/shop', token, { name: 'hacked' })).status).toBe(403);
    expect((await call(fw, 'GET', '/v1/shop', token)).body.name).toBe('Test shop');
    // An operator may write data but not manage keys.
    await addOperator(fw, owner.token, { email: 'op@example.com', name: '运营', password: 'operator-pass', role: 'operator' });
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

  it('colours changes red up, green down unless the shop asks for good news in green', async () => {
    const s = await newShop(fw);
    expect((await call(fw, 'GET', '/v1/shop', s.secretKey)).body.changeColours).toBe('red_up');
    expect((await call(fw, 'PATCH', '/v1/shop', s.secretKey, { changeColours: 'good_green' })).body.changeColours).toBe('good_green');
    expect((await call(fw, 'GET', '/v1/shop', s.secretKey)).body).toMatchObject({ changeColours: 'good_green', timezone: 'Asia/Shanghai' });
    expect((await call(fw, 'PATCH', '/v1/shop', s.secretKey, { changeColours: 'rainbow' })).body.error.field).toBe('changeColours');
  });
});

describe('accounts belong to their holders', () => {
  const login = (email: string, password: string, shopId?: string) => call(fw, 'POST', '/v1/auth/login', undefined, { email, password, shopId });

  it('never lets another shop set, use or learn anything of an existing account', async () => {
    const a = await newShop(fw, 'A');
    const b = await newShop(fw, 'B');
    await addOperator(fw, a.secretKey, { email: 'Holder@Example.com', password: 'holders-own-pass', name: '店长A', role: 'operator' });
    // Shop B adds the same email (in other case) and the same with a fresh one: both answers look alike and echo nothing.
    const known = await call(fw, 'POST', '/v1/operators', b.secretKey, { email: 'HOLDER@example.com', role: 'owner' });
    const unknown = await call(fw, 'POST', '/v1/operators', b.secretKey, { email: 'nobody-yet@example.com', role: 'owner' });
    expect(known.status).toBe(201);
    expect(unknown.status).toBe(201);
    expect(Object.keys(known.body).sort()).toEqual(Object.keys(unknown.body).sort());
    expect(JSON.stringify(known.body)).not.toContain('店长A');
    expect(known.body.email).toBe('holder@example.com');
    // A password in the request is refused, not silently ignored or set.
    const withPassword = await call(fw, 'POST', '/v1/operators', b.secretKey, { email: 'holder@example.com', role: 'owner', password: 'chosen-by-b-123' });
    expect(withPassword.status).toBe(400);
    expect(withPassword.body.error.field).toBe('password');
    // B cannot accept the invitation for the holder: it needs the holder's own password.
    const hijack = await call(fw, 'POST', '/v1/auth/accept-invitation', undefined, { token: known.body.token, password: 'chosen-by-b-123' });
    expect(hijack.status).toBe(401);
    expect((await login('holder@example.com', 'chosen-by-b-123')).status).toBe(401);
    // The holder still logs in to A only, with their own password.
    const holder = await login('holder@example.com', 'holders-own-pass');
    expect(holder.status).toBe(200);
    expect(holder.body.shops.map((s: { id: string }) => s.id)).toEqual([a.shopId]);
    // Once the holder accepts, they are in B too, with B's role, and their password is unchanged.
    const accepted = await call(fw, 'POST', '/v1/auth/accept-invitation', undefined, { token: known.body.token, password: 'holders-own-pass' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ shopId: b.shopId, role: 'owner' });
    expect((await login('holder@example.com', 'holders-own-pass', a.shopId)).body.role).toBe('operator');
    // An invitation works once.
    expect((await call(fw, 'POST', '/v1/auth/accept-invitation', undefined, { token: known.body.token, password: 'holders-own-pass' })).status).toBe(404);
  });

  it('lets a shop list and revoke the invitations not accepted yet', async () => {
    const s = await newShop(fw);
    const invite = await call(fw, 'POST', '/v1/operators', s.secretKey, { email: 'later@example.com', role: 'viewer' });
    expect((await call(fw, 'GET', '/v1/operators/invitations', s.secretKey)).body.map((i: { email: string }) => i.email)).toEqual(['later@example.com']);
    expect((await call(fw, 'DELETE', `/v1/operators/invitations/${invite.body.id}`, s.secretKey)).status).toBe(200);
    expect((await call(fw, 'POST', '/v1/auth/accept-invitation', undefined, { token: invite.body.token, password: 'whatever-123' })).status).toBe(404);
    expect((await call(fw, 'GET', '/v1/operators/invitations', s.secretKey)).body).toEqual([]);
  });

  it('locks an account after 5 wrong passwords, even against the right one, and an address after 30', async () => {
    const s = await newShop(fw);
    for (let i = 0; i < 5; i++) expect((await login(s.ownerEmail, `wrong-${i}`)).status).toBe(401);
    const locked = await login(s.ownerEmail, s.ownerPassword);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Guessing across many accounts from one address stops too (each account below its own limit).
    const address = { 'x-forwarded-for': '203.0.113.77' };
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await call(fw, 'POST', '/v1/auth/login', undefined, { email: `guess-${i}@example.com`, password: 'x' }, address)).status);
    expect(statuses.slice(0, 30).every((st) => st === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  it('gives the console its session as an httpOnly cookie, and refuses a cookie call that changes something without the CSRF header', async () => {
    const s = await newShop(fw);
    const loggedIn = await login(s.ownerEmail, s.ownerPassword);
    const cookie = String(loggedIn.headers['set-cookie']);
    expect(cookie).toMatch(/^flywheel_session=fws_\w+; HttpOnly; SameSite=Strict; Path=\//);
    const jar = { cookie: cookie.split(';')[0] };
    expect((await call(fw, 'GET', '/v1/shop', undefined, undefined, jar)).status).toBe(200);
    const forged = await call(fw, 'PATCH', '/v1/shop', undefined, { name: 'forged' }, jar);
    expect(forged.status).toBe(403);
    expect(forged.body.error.message).toContain('x-flywheel-csrf');
    expect((await call(fw, 'PATCH', '/v1/shop', undefined, { name: 'mine' }, { ...jar, 'x-flywheel-csrf': '1' })).body.name).toBe('mine');
    const out = await call(fw, 'POST', '/v1/auth/logout', undefined, undefined, { ...jar, 'x-flywheel-csrf': '1' });
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await call(fw, 'GET', '/v1/shop', undefined, undefined, jar)).status).toBe(401);
  });

  it('switches an operator to another of their shops without the password, and never to a shop they are not in', async () => {
    const a = await newShop(fw, 'A');
    const b = await newShop(fw, 'B');
    const c = await newShop(fw, 'C');
    const inA = await addOperator(fw, a.secretKey, { email: 'two-shops@example.com', password: 'two-shops-pass', role: 'analyst' });
    await addOperator(fw, b.secretKey, { email: 'two-shops@example.com', password: 'two-shops-pass', role: 'viewer' });
    const inB = await call(fw, 'POST', '/v1/auth/switch-shop', inA.token, { shopId: b.shopId });
    expect(inB.body).toMatchObject({ shopId: b.shopId, role: 'viewer' });
    expect((await call(fw, 'GET', '/v1/shop', inB.body.token)).body.id).toBe(b.shopId);
    expect((await call(fw, 'POST', '/v1/auth/switch-shop', inA.token, { shopId: c.shopId })).status).toBe(403);
  });
});
