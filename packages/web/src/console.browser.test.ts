/**
 * The console in a real browser (Debian's chromium through playwright-core) against a real Flywheel
 * started in process, with a shop loaded through the public APIs. Screenshots of each main page land
 * in artifacts/console/ (gitignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { InitResult, MetricsResult } from '@flywheel/contracts';
import { startFlywheel } from '../../server/src/testing/harness';
import { todayIn, presetPeriod } from './format/dates';
import { formatMetric, formatMoney } from './format/numbers';
import { customers, catalog, orderRecords, plannedOrders, spendRecords, trackingCalls } from './testing/demo-data';

const here = path.dirname(fileURLToPath(import.meta.url));
const distIndex = path.resolve(here, '../dist/index.html');
const artifacts = path.resolve(here, '../../../artifacts/console');
const CHROMIUM = '/usr/bin/chromium';
const TIMEZONE = 'Asia/Shanghai';
const overviewMetrics = ['sales', 'orders', 'buyers', 'per_customer_spend', 'uv', 'conversion_rate', 'repurchase_rate', 'roas'] as const;

type Fw = Awaited<ReturnType<typeof startFlywheel>>;
let fw: Fw;
let baseUrl: string;
let shop: InitResult;
let browser: Browser;
const viewer = { email: 'viewer@shop.example', password: 'viewer-pass-1', name: '只读同学' };

async function http<T = unknown>(method: string, url: string, key: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, body: parsed as T };
}

async function upsert(entity: string, records: unknown[]) {
  for (let i = 0; i < records.length; i += 1000) {
    const r = await http<{ accepted: number; rejected: unknown[] }>('POST', `/v1/${entity}/batch`, shop.secretKey, { records: records.slice(i, i + 1000) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.rejected, `${entity} rejected`).toEqual([]);
  }
}

async function loadShop(today: string) {
  const orders = plannedOrders(today);
  await upsert('products', catalog);
  await upsert('customers', customers());
  await upsert('orders', orderRecords(orders));
  await upsert('spend', spendRecords(today));
  const calls = trackingCalls(orders, today);
  for (let i = 0; i < calls.length; i += 500) {
    const r = await http<{ accepted: number }>('POST', '/v1/batch', shop.publishableKey, { batch: calls.slice(i, i + 500) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  await fw.projector.drain();
  return orders;
}

async function newPage(locale = 'zh-CN'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale, timezoneId: 'Europe/London', viewport: { width: 1440, height: 960 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[browser error]', error.message));
  return { context, page };
}

async function login(page: Page, email: string, password: string) {
  await page.goto(`${baseUrl}/login`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('button[type=submit]').click();
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

/** Waits until ECharts says every chart on the page has finished drawing. */
async function chartsDrawn(page: Page) {
  await page.waitForFunction(() => {
    const charts = [...document.querySelectorAll('[data-chart]')];
    return charts.length > 0 && charts.every((c) => c.getAttribute('data-drawn') === 'true');
  }, undefined, { timeout: 30_000 });
}

beforeAll(async () => {
  if (!fs.existsSync(distIndex)) {
    throw new Error(`The console is not built (${distIndex} is missing): run \`npm run build -w @flywheel/web\` (npm install does it too) before this test.`);
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); CI does when .ci/browser exists.`);
  fs.mkdirSync(artifacts, { recursive: true });
  fw = await startFlywheel();
  await fw.http.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(fw.http.server.address() as AddressInfo).port}`;
  shop = await fw.shops.createShop({ name: '西湖小铺' });
  const added = await http('POST', '/v1/operators', shop.secretKey, { ...viewer, role: 'viewer' });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  // launch() gives the browser a fresh temporary profile (user-data-dir) of its own and removes it on close.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await fw?.close();
});

describe('console in Chromium', () => {
  let owner: { context: BrowserContext; page: Page };
  let today: string;

  it('logs in and draws the overview with the numbers the API gives', async () => {
    today = todayIn(TIMEZONE);
    const orders = await loadShop(today);
    owner = await newPage();
    const { page } = owner;

    // A wrong password is refused in the user's language.
    await login(page, shop.ownerEmail, 'not-the-password');
    await expect.poll(() => page.getByTestId('api-error').innerText()).toContain('账号密码错误');

    const started = Date.now();
    await login(page, shop.ownerEmail, shop.ownerPassword);
    await page.waitForURL(/\/overview$/);
    await page.getByTestId('kpi-cards').waitFor();
    await chartsDrawn(page);
    const elapsed = Date.now() - started;
    console.log(`[console timing] login to fully drawn overview: ${elapsed} ms`);

    const period = presetPeriod('last_30_days', today);
    const api = await http<MetricsResult>('GET', `/v1/metrics?metrics=${overviewMetrics.join(',')}&from=${period.from}&to=${period.to}&grain=day&compare=previous_period`, shop.secretKey);
    expect(api.status).toBe(200);
    for (const metric of overviewMetrics) {
      const shown = await page.getByTestId(`kpi-${metric}`).getByTestId('kpi-value').innerText();
      expect(shown, metric).toBe(formatMetric(metric, api.body.totals[metric], { lang: 'zh-CN', currency: 'CNY' }, { compact: true }));
    }
    // And by hand: paid orders and sales of the 30 days ending yesterday.
    const inPeriod = orders.filter((o) => o.date >= period.from && o.date < period.to);
    expect(api.body.totals.orders).toBe(inPeriod.length);
    expect(api.body.totals.sales).toBe(inPeriod.reduce((sum, o) => sum + o.amount, 0));
    expect(await page.getByTestId('kpi-sales').getByTestId('kpi-value').innerText()).toBe(formatMoney(api.body.totals.sales, 'CNY', 'zh-CN', { compact: true }));
    expect(await page.getByTestId('kpi-orders').getByTestId('kpi-value').innerText()).toBe(String(inPeriod.length));
    await screenshot(page, 'overview');
  });
});
