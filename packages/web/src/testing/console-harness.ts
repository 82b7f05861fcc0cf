/**
 * What the console's browser tests share: a real Flywheel listening on a free port and serving the
 * built console, the packaged Chromium, HTTP calls to the API, pages (optionally with the packaged
 * Chinese font, so screenshots read on a machine without CJK fonts), logging in, waiting for charts,
 * and screenshots under artifacts/<name>/ (gitignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { serveCjkFont } from '../../../server/src/platform/browser';
import { launchBrowser, startFlywheel } from '../../../server/src/testing/harness';
import { catalog, customers, orderRecords, plannedOrders, spendRecords, trackingCalls } from './demo-data';

const here = path.dirname(fileURLToPath(import.meta.url));
const distIndex = path.resolve(here, '../../dist/index.html');

export type Fw = Awaited<ReturnType<typeof startFlywheel>>;
export interface ConsolePage { context: BrowserContext; page: Page }
export interface Person { email: string; password: string; name: string }

export interface PageOptions {
  /** The browser's time zone (the console shows the shop's own either way). */
  timezoneId?: string;
  /** Serve the packaged Chinese font (CSP bypassed for its test-only host) and pin the console's language to `lang`. */
  font?: boolean;
}

export class ConsoleHarness {
  private readonly fonts = new WeakMap<Page, string>();

  private constructor(readonly fw: Fw, readonly baseUrl: string, readonly browser: Browser, readonly artifacts: string) {}

  /** Starts Flywheel and the browser; `artifacts` names the folder of screenshots under artifacts/. */
  static async start(artifacts = 'console'): Promise<ConsoleHarness> {
    if (!fs.existsSync(distIndex)) throw new Error(`The console is not built (${distIndex} is missing): run \`npm run build -w @flywheel/web\` (npm install does it too) before this test.`);
    const dir = path.resolve(here, '../../../../artifacts', artifacts);
    fs.mkdirSync(dir, { recursive: true });
    const fw = await startFlywheel();
    await fw.http.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${(fw.http.server.address() as AddressInfo).port}`;
    return new ConsoleHarness(fw, baseUrl, await launchBrowser(), dir);
  }

  async close() {
    await this.browser.close();
    await this.fw.close();
  }

  async http<T = unknown>(method: string, url: string, key: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: response.status, body: parsed as T };
  }

  /** Sends commerce records in batches through the API; every one must be accepted. */
  async upsert(key: string, entity: string, records: unknown[]) {
    for (let i = 0; i < records.length; i += 1000) {
      const r = await this.http<{ accepted: number; rejected: unknown[] }>('POST', `/v1/${entity}/batch`, key, { records: records.slice(i, i + 1000) });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.rejected, `${entity} rejected`).toEqual([]);
    }
  }

  /**
   * The console tests' shop (testing/demo-data.ts): its catalogue, customers, the orders planned for
   * the days before `today`, spend and the visits that led to them, sent through the API and projected.
   * Returns the planned orders, for counting by hand.
   */
  async loadDemoShop(shop: { secretKey: string; publishableKey: string }, today: string) {
    const orders = plannedOrders(today);
    await this.upsert(shop.secretKey, 'products', catalog);
    await this.upsert(shop.secretKey, 'customers', customers());
    await this.upsert(shop.secretKey, 'orders', orderRecords(orders));
    await this.upsert(shop.secretKey, 'spend', spendRecords(today));
    const calls = trackingCalls(orders, today);
    for (let i = 0; i < calls.length; i += 500) {
      const r = await this.http('POST', '/v1/batch', shop.publishableKey, { batch: calls.slice(i, i + 500) });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    await this.fw.projector.drain();
    return orders;
  }

  /** Invites a person to the shop of `key` with a role and accepts with their password, as the invitation link does. */
  async invite(key: string, person: Person, role: string) {
    const invitation = await this.http<{ token: string }>('POST', '/v1/operators', key, { email: person.email, name: person.name, role });
    expect(invitation.status, JSON.stringify(invitation.body)).toBe(201);
    const accepted = await this.http('POST', '/v1/auth/accept-invitation', '', { token: invitation.body.token, password: person.password, name: person.name });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  }

  async newPage(lang = 'zh-CN', options: PageOptions = {}): Promise<ConsolePage> {
    const context = await this.browser.newContext({ locale: lang, timezoneId: options.timezoneId ?? 'Europe/London', viewport: { width: 1440, height: 960 }, bypassCSP: options.font === true });
    if (options.font) await context.addInitScript((l) => localStorage.setItem('flywheel.lang', l), lang);
    const page = await context.newPage();
    if (options.font) this.fonts.set(page, await serveCjkFont(page));
    page.on('pageerror', (error) => console.error('[browser error]', error.message));
    return { context, page };
  }

  /** Fills in the login form and submits it (the answer is the test's to check). */
  async login(page: Page, email: string, password: string) {
    await page.goto(`${this.baseUrl}/login`);
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(password);
    await page.locator('button[type=submit]').click();
  }

  /** Logs in and waits for the overview; a page with the packaged font gets it applied. */
  async loggedIn(page: Page, email: string, password: string) {
    await this.login(page, email, password);
    await page.waitForURL(/\/overview$/);
    await this.withFont(page);
  }

  /** The packaged Chinese font again, after a full load of the page. */
  async withFont(page: Page) {
    const css = this.fonts.get(page);
    if (css) await page.addStyleTag({ content: `${css}\nbody, body * { font-family: 'Noto Sans SC', sans-serif !important; }` });
  }

  /** Waits until ECharts says every chart on the page has finished drawing. */
  async chartsDrawn(page: Page) {
    await page.waitForFunction(() => {
      const charts = [...document.querySelectorAll('[data-chart]')];
      return charts.length > 0 && charts.every((c) => c.getAttribute('data-drawn') === 'true');
    }, undefined, { timeout: 30_000 });
  }

  async screenshot(page: Page, name: string) {
    await page.screenshot({ path: path.join(this.artifacts, `${name}.png`), fullPage: true });
  }
}

/** The rows of an Ant Design table named by its test id. */
export const rowsOf = (page: Page, table: string) => page.getByTestId(table).locator('tbody tr.ant-table-row');
