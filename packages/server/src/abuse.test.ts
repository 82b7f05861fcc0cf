/**
 * Hostile input against a real listening server (sockets, not inject): huge bodies, bodies without
 * credentials, NUL bytes, cross-origin calls. Every answer is a readable 4xx with the error body.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InitResult } from '@flywheel/contracts';
import type { Flywheel } from './app';
import { newShop, startFlywheel } from './testing/harness';

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
