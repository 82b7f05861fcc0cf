/**
 * The 营销 pages in a real browser (the packaged Chromium, through playwright-core) against a real
 * Flywheel started in process: a 满减 promotion made in the tier editor (with its validation) and
 * published, a coupon template and its claim counts, the 试算 simulator showing each line's
 * allocation and the hints, the promotion's results after a paid checkout, and the list in English.
 * Screenshots land in artifacts/console/ (gitignored).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { InitResult } from '@flywheel/contracts';
import { ConsoleHarness, rowsOf, type Fw } from './testing/console-harness';

let h: ConsoleHarness;
let fw: Fw;
let shop: InitResult;
/** Calls with the shop's secret key. */
const http = <T = unknown>(method: string, url: string, body?: unknown) => h.http<T>(method, url, shop.secretKey, body);
/** Pages with the packaged Chinese font, in the shop's time zone. */
const newPage = (lang: 'zh-CN' | 'en' = 'zh-CN') => h.newPage(lang, { font: true, timezoneId: 'Asia/Shanghai' });
const withFont = (page: Page) => h.withFont(page);
const login = (page: Page) => h.loggedIn(page, shop.ownerEmail, shop.ownerPassword);

async function loadShop() {
  const products = [
    { externalId: 'P-DRESS', title: '连衣裙', category: '服饰/女装/连衣裙', skus: [{ sku: 'DRESS-S', price: 15000, cost: 6000 }] },
    { externalId: 'P-TEE', title: 'T恤', category: '服饰/男装', skus: [{ sku: 'TEE', price: 8000, cost: 3000 }] },
  ];
  expect((await http<{ rejected: unknown[] }>('POST', '/v1/products/batch', { records: products })).body.rejected).toEqual([]);
  expect((await http<{ rejected: unknown[] }>('POST', '/v1/customers/batch', { records: [{ externalId: 'c1', name: '张伟' }] })).body.rejected).toEqual([]);
  await fw.runtime.drain();
}

beforeAll(async () => {
  h = await ConsoleHarness.start();
  fw = h.fw;
  shop = await fw.shops.createShop({ name: '营销页测试店' });
  await loadShop();
});

afterAll(async () => {
  await h?.close();
});

describe('营销 pages in Chromium', { timeout: 120_000 }, () => {
  let owner: { context: BrowserContext; page: Page };
  beforeAll(async () => {
    owner = await newPage();
    await login(owner.page);
  });

  it('makes a 满减 promotion in the tier editor, refusing overlapping tiers, and publishes it', async () => {
    const { page } = owner;
    await page.getByTestId('navigation').getByText('营销', { exact: true }).click();
    await page.getByTestId('navigation').getByText('促销活动').click();
    await page.waitForURL(/\/promotions$/);
    await page.getByTestId('promotion-new').click();
    const form = page.getByTestId('promotion-form');
    await form.getByTestId('promotion-name').fill('服饰满200减20');
    await form.locator('#tier-0-min').fill('200');
    await form.locator('#tier-0-value').fill('20');
    await form.getByTestId('add-tier').click();
    await form.locator('#tier-1-min').fill('150');
    await form.locator('#tier-1-value').fill('30');
    await form.getByTestId('promotion-publish').click();
    await expect.poll(() => form.getByTestId('promotion-problems').innerText()).toContain('阶梯门槛需逐级升高');
    await form.locator('#tier-1-min').fill('300');
    await form.locator('#tier-1-value').fill('40');
    await expect.poll(() => form.getByTestId('rule-preview').innerText()).toBe('规则预览：满¥200减¥20；满¥300减¥40');
    await form.getByTestId('scope-categories').locator('input').fill('服饰');
    await form.getByTestId('scope-categories').locator('input').press('Enter');
    await h.screenshot(page, 'promotion-form');
    await form.getByTestId('promotion-publish').click();
    await expect.poll(() => rowsOf(page, 'promotions-table').count()).toBe(1);
    expect(await rowsOf(page, 'promotions-table').first().innerText()).toMatch(/服饰满200减20[\s\S]*满减 \/ 满折[\s\S]*满¥200减¥20；满¥300减¥40[\s\S]*进行中/);
    const api = await http<{ promotions: { scope: { categories: string[] }; rule: unknown }[] }>('GET', '/v1/promotions');
    expect(api.body.promotions[0]).toMatchObject({ scope: { categories: ['服饰'] }, rule: { basis: 'amount', tiers: [{ min: 20000, off: 2000 }, { min: 30000, off: 4000 }], repeat: false } });
    await h.screenshot(page, 'promotions');
  });

  it('makes a coupon template and shows its claim counts', async () => {
    const { page } = owner;
    await page.getByTestId('navigation').getByText('优惠券').click();
    await page.waitForURL(/\/promotions\/coupons$/);
    await page.getByTestId('coupon-new').click();
    const form = page.getByTestId('coupon-form');
    await form.getByTestId('coupon-name').fill('满100减10券');
    await form.locator('#coupon-off').fill('10');
    await form.locator('#coupon-min-spend').fill('100');
    await form.getByTestId('coupon-save').click();
    await expect.poll(() => rowsOf(page, 'coupons-table').count()).toBe(1);
    const templates = await http<{ templates: { id: string }[] }>('GET', '/v1/coupon-templates');
    const claimed = await http<{ code: string }>('POST', '/v1/coupons/claim', { templateId: templates.body.templates[0].id, customerId: 'c1', idempotencyKey: 'browser-1' });
    expect(claimed.status).toBe(201);
    await page.reload();
    await withFont(page);
    await expect.poll(() => rowsOf(page, 'coupons-table').first().innerText()).toMatch(/满100减10券\s+减¥10\s+¥100\s+领取后 7 天\s+1\s+999\s+0\s+0/);
    await h.screenshot(page, 'coupons');
  });

  it('prices a pasted cart in 试算 with each line\'s allocation and the hints', async () => {
    const { page } = owner;
    await page.getByTestId('navigation').getByText('试算').click();
    await page.waitForURL(/\/promotions\/simulator$/);
    await page.getByTestId('sim-cart').fill('DRESS-S 1\nTEE 1');
    await page.getByTestId('sim-run').click();
    // 23000 -> 满200减20 spread 1304 / 696; the next tier is ¥70 away.
    await expect.poll(() => page.getByTestId('sim-total').innerText()).toBe('¥210.00');
    const allocations = await page.getByTestId('sim-allocation').allInnerTexts();
    expect(allocations).toEqual(['服饰满200减20 ¥13.04', '服饰满200减20 ¥6.96']);
    expect(await page.getByTestId('sim-hints').innerText()).toContain('再买¥70.00 可减¥40');
    await h.screenshot(page, 'quote-simulator');
  });

  it('shows a promotion\'s results after a paid checkout', async () => {
    const { page } = owner;
    const checkout = await http<{ total: number }>('POST', '/v1/pricing/checkout', { orderId: 'web-1', customerId: 'c1', items: [{ sku: 'DRESS-S', quantity: 2 }] });
    // 30000 reaches the ¥300 tier: ¥40 off.
    expect(checkout.body.total).toBe(26000);
    await http('POST', '/v1/orders/batch', { records: [{ externalId: 'web-1', customerId: 'c1', status: 'paid', placedAt: '2026-06-18T10:00:00+08:00', paidAt: '2026-06-18T10:01:00+08:00', items: [{ sku: 'DRESS-S', quantity: 2, unitPrice: 15000, discount: 4000 }], payableAmount: 26000 }] });
    await fw.runtime.drain();
    await page.getByTestId('navigation').getByText('促销活动').click();
    await page.waitForURL(/\/promotions$/);
    await rowsOf(page, 'promotions-table').first().getByText('服饰满200减20').click();
    const report = page.getByTestId('promotion-report');
    await expect.poll(() => report.getByTestId('report-sales').innerText()).toContain('¥260.00');
    expect(await report.getByTestId('report-cost').innerText()).toContain('¥40.00');
    expect(await report.getByTestId('report-ratio').innerText()).toContain('6.50');
    expect(await report.innerText()).toContain('支付金额');
    await page.waitForFunction(() => document.querySelector('[data-chart="promotion-daily"]')?.getAttribute('data-drawn') === 'true', undefined, { timeout: 30_000 });
    await h.screenshot(page, 'promotion-report');
  });

  it('reads in English', async () => {
    const { context, page } = await newPage('en');
    await login(page);
    await page.getByTestId('navigation').getByText('Marketing', { exact: true }).click();
    await page.getByTestId('navigation').getByText('Promotions').click();
    await page.waitForURL(/\/promotions$/);
    await expect.poll(() => rowsOf(page, 'promotions-table').count()).toBe(1);
    const row = await rowsOf(page, 'promotions-table').first().innerText();
    expect(row).toMatch(/Spend threshold[\s\S]*¥20 off from ¥200; ¥40 off from ¥300[\s\S]*Live/);
    expect(await page.getByTestId('promotions-table').locator('thead').innerText()).not.toMatch(/[\u4e00-\u9fff]/);
    await page.getByTestId('navigation').getByText('Quote simulator').click();
    await page.getByTestId('sim-cart').fill('TEE 3');
    await page.getByTestId('sim-run').click();
    await expect.poll(() => page.getByTestId('sim-hints').innerText()).toContain('Spend');
    await h.screenshot(page, 'quote-simulator-en');
    await context.close();
  });
});
