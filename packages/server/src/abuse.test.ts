/**
 * Hostile input against a real listening server (sockets, not inject): huge bodies, bodies without
 * credentials, NUL bytes, cross-origin calls. Every answer is a readable 4xx with the error body.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InitResult } from '@flywheel/contracts';
import type { Flywheel } from './app';
import { addOperator, newShop, startFlywheel } from './testing/harness';

let fw: Flywheel;
let base: string;
let shop: InitResult;
const METRICS_TOKEN = 'metrics-token-0123456789';

beforeAll(async () => {
  fw = await startFlywheel({ metricsToken: METRICS_TOKEN, corsOrigins: ['https://admin.example.com'] });
  await fw.http.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(fw.http.server.address() as AddressInfo).port}`;
  shop = await newShop(fw);
});
afterAll(async () => { await fw?.close(); });

/** Sends a request with a body of `size` bytes over a raw socket, as a client that keeps sending would, and reads the answer. */
function rawPost(path: string, headers: Record<string, string>, size: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(base);
    const socket = net.connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString();
      if (/\r\n\r\n[\s\S]*\}\s*$/.test(answer)) { socket.destroy(); resolve(answer); } // the whole JSON answer is in
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', (e) => (answer ? resolve(answer) : reject(e)));
    const head = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${size}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
    socket.write(head);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        if (!socket.write(chunk.subarray(0, n))) { socket.once('drain', pump); return; }
      }
    };
    pump();
  });
}

describe('abuse: bodies', () => {
  it('answers a 10 MB tracking batch with a 413 the client can read, not a reset connection', async () => {
    const answer = await rawPost('/v1/batch', { authorization: `Bearer ${shop.publishableKey}`, 'content-type': 'application/json' }, 10 * 1024 * 1024);
    expect(answer).toMatch(/^HTTP\/1.1 413/);
    expect(answer).toContain('"code":"payload_too_large"');
  });

  it('refuses an unauthenticated upload before reading its body', async () => {
    const answer = await rawPost('/v1/import/orders?fileName=orders.csv', { 'content-type': 'text/csv' }, 150 * 1024 * 1024);
    expect(answer).toMatch(/^HTTP\/1.1 401/);
    expect(answer).toContain('"code":"unauthenticated"');
  });

  it('gives a JSON route a small limit: a 5 MB settings body is 413', async () => {
    const response = await fetch(`${base}/v1/shop`, { method: 'PATCH', headers: { authorization: `Bearer ${shop.secretKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(5 * 1024 * 1024) }) });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('payload_too_large');
  });
});

describe('abuse: URLs, origins and headers', () => {
  it('refuses a NUL byte in a path id with 400, and keeps serving', async () => {
    const response = await fetch(`${base}/v1/orders/o%00-1`, { headers: { authorization: `Bearer ${shop.secretKey}` } });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_request');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('allows any origin on tracking routes but only configured origins on the admin API', async () => {
    const preflight = (path: string, origin: string) => fetch(`${base}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect((await preflight('/v1/batch', 'https://shop.example.com')).headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect((await preflight('/v1/orders/batch', 'https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight('/v1/orders/batch', 'https://admin.example.com')).headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
  });

  it('sends a CSP that forbids inline scripts and framing, and nosniff, on every answer', async () => {
    const response = await fetch(`${base}/v1/shop`, { headers: { authorization: `Bearer ${shop.secretKey}` } });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline\'; script');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('keeps /metrics behind its token when one is set', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('flywheel_http_requests_total');
  });
});

describe('abuse: records', () => {
  const post = (path: string, body: unknown, key = shop.secretKey) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const order = (externalId: string, extra: Record<string, unknown> = {}) => ({
    externalId, customerId: 'c1', status: 'paid', placedAt: '2026-11-11T10:00:00+08:00', paidAt: '2026-11-11T10:00:00+08:00',
    items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 1000 }], payableAmount: 1000, ...extra,
  });

  it('rejects a record holding a NUL by index and field, and keeps the valid one beside it', async () => {
    const response = await post('/v1/orders/batch', { records: [order('nul\u0000-1'), order('ok-1'), order('ok-2', { campaign: 'a\u0000b' })] });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r: { index: number; field: string }) => [r.index, r.field])).toEqual([[0, 'externalId'], [2, 'campaign']]);
    const customers = await post('/v1/customers/batch', { records: [{ externalId: 'c-nul', name: '张\u0000三' }, { externalId: 'c-ok', name: '李四' }] });
    expect((await customers.json()).rejected).toEqual([expect.objectContaining({ index: 0, field: 'name' })]);
    expect((await fetch(`${base}/v1/orders/ok-1`, { headers: { authorization: `Bearer ${shop.secretKey}` } })).status).toBe(200);
  });

  it('refuses a NUL in any other body whole, naming the field', async () => {
    const response = await fetch(`${base}/v1/shop`, { method: 'PATCH', headers: { authorization: `Bearer ${shop.secretKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'a\u0000' }) });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'invalid_field', field: 'name' });
  });

  it('says an amount past the bound is too large, and keeps the valid orders', async () => {
    const response = await post('/v1/orders/batch', { records: [order('big-1', { payableAmount: 2 ** 53 + 2 }), order('big-2', { payableAmount: 9007199254740991 }), order('fine-1')] });
    const body = await response.json();
    expect(body.accepted).toBe(1);
    expect(body.rejected).toHaveLength(2);
    for (const r of body.rejected) expect(r).toMatchObject({ field: 'payableAmount', message: expect.stringMatching(/too large: at most 1,000,000,000,000 minor units/) });
    const review = await fetch(`${base}/v1/metrics?metrics=gmv,sales&from=2026-11-01&to=2026-12-01`, { headers: { authorization: `Bearer ${shop.secretKey}` } });
    expect(review.status).toBe(200);
  });

  it('refuses times in the years 0001 and 9999', async () => {
    const body = await (await post('/v1/orders/batch', { records: [order('y1', { placedAt: '0001-01-01T00:00:00Z' }), order('y9', { paidAt: '9999-12-31T00:00:00Z' })] })).json();
    expect(body.rejected.map((r: { field: string; message: string }) => [r.field, /between 1970 and 2100/.test(r.message)])).toEqual([['placedAt', true], ['paidAt', true]]);
  });

  it('rejects null and typeless tracking items by index and lands the valid ones', async () => {
    const valid = { type: 'track', event: 'Product Viewed', anonymousId: 'a-1', timestamp: '2026-11-11T10:00:00+08:00' };
    const response = await post('/v1/batch', { batch: [null, valid, { event: 'x', anonymousId: 'a-2' }, 'text', { ...valid, messageId: 'm-2', properties: { k: 'a\u0000' } }] }, shop.publishableKey);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([0, 2, 3, 4]);
  });

  it('keeps the file parsers to the import route: a CSV body elsewhere is 415', async () => {
    const response = await fetch(`${base}/v1/orders/batch`, { method: 'POST', headers: { authorization: `Bearer ${shop.secretKey}`, 'content-type': 'text/csv' }, body: 'externalId\nE1' });
    expect(response.status).toBe(415);
  });
});

describe('abuse: queries', () => {
  const get = async (path: string, key = shop.secretKey) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: await response.json() };
  };

  it('refuses a day series over centuries at once, naming grain, and keeps /healthz answering', async () => {
    const started = Date.now();
    const [answer, health] = await Promise.all([get('/v1/metrics?metrics=gmv&from=1000-01-01&to=9999-01-01&grain=day'), fetch(`${base}/healthz`)]);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'invalid_field', field: 'from' } } });
    expect(health.status).toBe(200);
    const long = await get('/v1/metrics?metrics=gmv&from=1990-01-01&to=2026-01-01&grain=day');
    expect(long).toMatchObject({ status: 400, body: { error: { field: 'grain', message: expect.stringMatching(/more than 1500 points/) } } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await get('/v1/metrics?metrics=gmv&from=1990-01-01&to=2026-01-01&grain=year')).status).toBe(200);
  });

  it('refuses a filter on an unknown dimension rather than answering unfiltered totals', async () => {
    expect(await get('/v1/metrics?metrics=gmv&from=2026-11-01&to=2026-12-01&filter.chanel=paid_search')).toMatchObject({ status: 400, body: { error: { field: 'filter.chanel' } } });
  });

  it('lets a viewer see aggregates but not people or raw events', async () => {
    const viewer = await addOperator(fw, shop.secretKey, { email: `viewer-${Date.now()}@example.com`, password: 'viewer-password-1', role: 'viewer' });
    expect((await get('/v1/metrics?metrics=gmv&from=2026-11-01&to=2026-12-01', viewer.token)).status).toBe(200);
    const people = await fetch(`${base}/v1/funnels/people`, {
      method: 'POST', headers: { authorization: `Bearer ${viewer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ steps: [{ event: 'Product Viewed' }, { event: 'Order Completed' }], from: '2026-11-01', to: '2026-12-01', step: 2 }),
    });
    expect(people.status).toBe(403);
    expect((await get('/v1/events/recent', viewer.token)).status).toBe(403);
  });
});

// Last: it uses up the failed logins allowed from 127.0.0.1 for the next 15 minutes.
describe('abuse: concurrent guessing', () => {
  it('stops 40 concurrent wrong logins for one account at the limit, and the right password then waits too', async () => {
    const s = await newShop(fw);
    const attempt = (password: string) => fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: s.ownerEmail, password }) });
    const statuses = (await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(`wrong-${i}`)))).map((r) => r.status);
    expect(statuses.every((st) => st === 401 || st === 429)).toBe(true);
    expect(statuses.filter((st) => st === 429).length).toBeGreaterThan(0);
    expect((await attempt(s.ownerPassword)).status).toBe(429);
  });
});
