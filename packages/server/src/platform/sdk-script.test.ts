import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../app';
import { startFlywheel } from '../testing/harness';
import { SDK_CACHE_CONTROL } from './sdk-script';

let fw: Flywheel;
beforeAll(async () => { fw = await startFlywheel(); });
afterAll(async () => { await fw?.close(); });

describe('GET /sdk.js', () => {
  it('serves the tracker as one browser script, cached a day with an ETag, to any origin', async () => {
    const res = await fw.http.inject({ method: 'GET', url: '/sdk.js', headers: { origin: 'https://shop.example' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe(SDK_CACHE_CONTROL);
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    // an IIFE: no import/export a classic <script> would choke on; no zod (the tracker imports types only)
    expect(res.body).not.toMatch(/^\s*(import|export)\s/m);
    expect(res.body).toContain('/v1/batch');
    expect(res.body).not.toContain('ZodError');
    expect(res.body.length).toBeLessThan(40_000);
    // revalidation costs a 304, and the bundle is built once
    const again = await fw.http.inject({ method: 'GET', url: '/sdk.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect((await fw.http.inject({ method: 'GET', url: '/sdk.js' })).headers.etag).toBe(etag);
  });
});
