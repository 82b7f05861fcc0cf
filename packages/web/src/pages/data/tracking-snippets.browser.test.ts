/**
 * The 埋点代码 page's snippet, pasted into a storefront page of another origin and opened in Chromium:
 * it loads /sdk.js from a running Flywheel and the page's events arrive in /v1/events/recent, those
 * sent before the script had loaded included.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { InitResult, RecentEvents } from '@flywheel/contracts';
import { launchBrowser, startFlywheel } from '../../../../server/src/testing/harness';
import { scriptSnippet } from './tracking-snippets';

let fw: Awaited<ReturnType<typeof startFlywheel>>;
let flywheelUrl: string;
let shop: InitResult;
let storefront: http.Server;
let storefrontUrl: string;
let browser: Browser;

beforeAll(async () => {
  fw = await startFlywheel();
  await fw.http.listen({ port: 0, host: '127.0.0.1' });
  flywheelUrl = `http://127.0.0.1:${(fw.http.server.address() as AddressInfo).port}`;
  shop = await fw.shops.createShop({ name: '西湖小铺' });
  // The shop's own site, on another origin (localhost, not 127.0.0.1), with the snippet in its <head>.
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>真丝连衣裙</title>
${scriptSnippet(flywheelUrl, shop.publishableKey)}
<script>flywheel.track('Product Viewed', { product_id: 'SPU-1001', price: 199 });</script>
</head><body><button id="add" onclick="flywheel.track('Product Added', { product_id: 'SPU-1001', quantity: 1 }); flywheel.flush()">加入购物车</button></body></html>`;
  storefront = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
  await new Promise<void>((resolve) => storefront.listen(0, '127.0.0.1', resolve));
  storefrontUrl = `http://localhost:${(storefront.address() as AddressInfo).port}/products/SPU-1001?utm_source=xiaohongshu&utm_medium=social`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => storefront?.close(resolve));
  await fw?.close();
});

async function recent(): Promise<RecentEvents['events']> {
  const res = await fetch(`${flywheelUrl}/v1/events/recent?limit=50`, { headers: { authorization: `Bearer ${shop.secretKey}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as RecentEvents).events;
}

describe('the <script> snippet of the tracking page', { timeout: 120_000 }, () => {
  it('loads /sdk.js from the server into a storefront of another origin, and its events arrive', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const script = page.waitForResponse((r) => r.url() === `${flywheelUrl}/sdk.js`);
    await page.goto(storefrontUrl);
    expect((await script).status()).toBe(200);
    // Once loaded, window.flywheel is the tracker itself.
    await page.waitForFunction(() => !Array.isArray((window as { flywheel?: unknown }).flywheel));
    await page.click('#add');
    await expect.poll(async () => (await recent()).map((e) => e.event ?? e.type).sort(), { timeout: 30_000 }).toEqual(['Product Added', 'Product Viewed', 'page']);
    const events = await recent();
    const anonymousIds = new Set(events.map((e) => e.anonymousId));
    expect(anonymousIds.size).toBe(1);
    // The landing page's UTM parameters made the visit a social one.
    expect(events.every((e) => e.channel === 'social')).toBe(true);
    expect(events.find((e) => e.event === 'Product Viewed')?.properties).toMatchObject({ product_id: 'SPU-1001', price: 199 });
    expect(errors).toEqual([]);
    await context.close();
  });
});
