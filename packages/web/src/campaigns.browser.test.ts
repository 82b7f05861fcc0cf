/**
 * The 秒杀 page in a real browser (the packaged Chromium, through playwright-core) against a real
 * Flywheel started in process: a flash sale made in the form (a bad price refused at its field),
 * its stock bar following reservations and a payment made through the API without a reload, and the
 * list in English for a viewer. Screenshots land in artifacts/campaigns/ (gitignored).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { FlashSale, FlashSaleReservation, InitResult } from '@flywheel/contracts';
import { ConsoleHarness, rowsOf, type Fw } from './testing/console-harness';

let h: ConsoleHarness;
let fw: Fw;
let shop: InitResult;
const viewer = { email: `flash-viewer-${Date.now()}@shop.example`, password: 'viewer-pass-1', name: 'Read Only' };
/** Calls with the shop's secret key. */
const http = <T = unknown>(method: string, url: string, body?: unknown) => h.http<T>(method, url, shop.secretKey, body);
/** Pages with the packaged Chinese font, in the shop's time zone. */
const newPage = (lang: 'zh-CN' | 'en' = 'zh-CN') => h.newPage(lang, { font: true, timezoneId: 'Asia/Shanghai' });
/** The stock bar moves on the page's own refresh (every 3 s), so a poll waits a few of them. */
const live = { timeout: 15_000, interval: 250 };
const summaryOf = (page: Page) => rowsOf(page, 'flash-sales-table').first().getByTestId('stock-summary').innerText();

beforeAll(async () => {
  h = await ConsoleHarness.start('campaigns');
  fw = h.fw;
  shop = await fw.shops.createShop({ name: '秒杀页测试店' });
  const products = [{ externalId: 'P-DRESS', title: '连衣裙', category: '服饰/女装/连衣裙', skus: [{ sku: 'DRESS-S', price: 19900, cost: 6000 }] }];
  expect((await http<{ rejected: unknown[] }>('POST', '/v1/products/batch', { records: products })).body.rejected).toEqual([]);
  expect((await http<{ rejected: unknown[] }>('POST', '/v1/customers/batch', { records: [{ externalId: 'c1', name: '张伟' }, { externalId: 'c2', name: '李娜' }] })).body.rejected).toEqual([]);
  await fw.runtime.drain();
  await h.invite(shop.secretKey, viewer, 'viewer');
});

afterAll(async () => {
  await h?.close();
});

describe('秒杀 page in Chromium', { timeout: 120_000 }, () => {
  let owner: { context: BrowserContext; page: Page };
  beforeAll(async () => {
    owner = await newPage();
    await h.loggedIn(owner.page, shop.ownerEmail, shop.ownerPassword);
  });

  it('makes a flash sale in the form, refusing a price of 0 at its field', async () => {
    const { page } = owner;
    await page.getByTestId('navigation').getByText('营销', { exact: true }).click();
    await page.getByTestId('navigation').getByText('秒杀', { exact: true }).click();
    await page.waitForURL(/\/promotions\/flash-sales$/);
    await page.getByTestId('flash-sale-new').click();
    const form = page.getByTestId('flash-sale-form');
    await form.locator('#flash-sale-name').fill('618 连衣裙秒杀');
    await form.locator('#flash-sale-sku').fill('DRESS-S');
    await form.locator('#flash-sale-price').fill('0');
    await form.locator('#flash-sale-stock').fill('10');
    await form.locator('#flash-sale-per-customer').fill('2');
    await form.getByTestId('flash-sale-save').click();
    // The refusal is said at the price, the only field marked.
    const priceItem = form.locator('.ant-form-item', { has: page.locator('#flash-sale-price') });
    await expect.poll(() => priceItem.getByTestId('invalid-price').innerText()).toBe('秒杀价需大于 0');
    expect(await form.locator('.ant-form-item-has-error').count()).toBe(1);
    // The help slides in (antd's motion): the screenshot waits for it to land.
    await page.waitForFunction(() => document.getAnimations().every((a) => a.effect?.getTiming().iterations === Infinity || a.playState !== 'running'));
    expect((await http<{ flashSales: FlashSale[] }>('GET', '/v1/flash-sales')).body.flashSales).toEqual([]);
    await h.screenshot(page, 'flash-sale-form-refused');

    await form.locator('#flash-sale-price').fill('99');
    await form.getByTestId('flash-sale-save').click();
    await expect.poll(() => rowsOf(page, 'flash-sales-table').count()).toBe(1);
    const row = await rowsOf(page, 'flash-sales-table').first().innerText();
    expect(row).toMatch(/618 连衣裙秒杀[\s\S]*DRESS-S[\s\S]*¥99\.00[\s\S]*进行中[\s\S]*已售 0 · 已锁定 0 · 剩余 10 \/ 共 10[\s\S]*15 分钟/);
    const [sale] = (await http<{ flashSales: FlashSale[] }>('GET', '/v1/flash-sales')).body.flashSales;
    expect(sale).toMatchObject({ name: '618 连衣裙秒杀', sku: 'DRESS-S', price: 9900, stock: 10, perCustomer: 2, holdMinutes: 15, state: 'live' });
  });

  it('moves the stock bar by itself as units are reserved and paid for', async () => {
    const { page } = owner;
    const [sale] = (await http<{ flashSales: FlashSale[] }>('GET', '/v1/flash-sales')).body.flashSales;
    const reserve = (customerId: string, quantity: number) => http<FlashSaleReservation>('POST', `/v1/flash-sales/${sale.id}/reserve`, { customerId, quantity, idempotencyKey: `browser-${customerId}` });
    const first = await reserve('c1', 2);
    const second = await reserve('c2', 1);
    expect([first.status, second.status]).toEqual([201, 201]);
    // No reload, no click: the page asks again by itself.
    await expect.poll(() => summaryOf(page), live).toBe('已售 0 · 已锁定 3 · 剩余 7 / 共 10');
    const bar = rowsOf(page, 'flash-sales-table').first().getByTestId('stock-bar');
    expect(await bar.evaluate((el) => [el.dataset.sold, el.dataset.reserved, el.dataset.remaining])).toEqual(['0', '3', '7']);
    expect(await bar.locator('[data-part="reserved"]').evaluate((el) => (el as HTMLElement).style.width)).toBe('30%');

    // c2 checks out with the reservation and pays: one unit sold.
    const checkout = await http<{ total: number; lines: { sku: string; quantity: number; unitPrice: number; discount: number }[] }>('POST', '/v1/pricing/checkout', { orderId: 'flash-1', customerId: 'c2', items: [{ sku: 'DRESS-S', quantity: 1, reservationId: second.body.reservationId }] });
    expect(checkout.body.total).toBe(9900);
    const paidAt = new Date().toISOString();
    await http('POST', '/v1/orders/batch', { records: [{
      externalId: 'flash-1', customerId: 'c2', status: 'paid', placedAt: paidAt, paidAt, payableAmount: checkout.body.total, paidAmount: checkout.body.total,
      items: checkout.body.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, discount: l.discount })),
    }] });
    await fw.runtime.drain();
    await expect.poll(() => summaryOf(page), live).toBe('已售 1 · 已锁定 2 · 剩余 7 / 共 10');
    expect(await bar.locator('[data-part="sold"]').evaluate((el) => (el as HTMLElement).style.width)).toBe('10%');
    await h.screenshot(page, 'flash-sales');
  });

  it('reads in English for a viewer, without the new button', async () => {
    const { context, page } = await newPage('en');
    await h.loggedIn(page, viewer.email, viewer.password);
    await page.getByTestId('navigation').getByText('Marketing', { exact: true }).click();
    await page.getByTestId('navigation').getByText('Flash sales', { exact: true }).click();
    await page.waitForURL(/\/promotions\/flash-sales$/);
    await expect.poll(() => rowsOf(page, 'flash-sales-table').count()).toBe(1);
    expect(await rowsOf(page, 'flash-sales-table').first().innerText()).toMatch(/DRESS-S[\s\S]*¥99\.00[\s\S]*Live[\s\S]*1 sold · 2 reserved · 7 left of 10[\s\S]*15 min/);
    expect(await page.getByTestId('flash-sales-table').locator('thead').innerText()).not.toMatch(/[\u4e00-\u9fff]/);
    expect(await page.getByTestId('read-only').isVisible()).toBe(true);
    expect(await page.getByTestId('flash-sale-new').count()).toBe(0);
    expect(await page.getByTestId('flash-sales-page').innerText()).toContain('Refreshes every 3 s');
    await h.screenshot(page, 'flash-sales-en');
    await context.close();
  });
});
