/**
 * The 会员 page in a real browser (the packaged Chromium, through playwright-core) against a real
 * Flywheel started in process: the tier pyramid and the points liability as the report gives them,
 * the program settings form (a threshold below the tier before refused on the page, a key used twice
 * refused by the server beside its field, a good change saved as version 1), a member's points
 * ledger, and the page in English for a viewer (read only). Screenshots land in artifacts/console/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { CustomerPoints, InitResult, LoyaltyProgramResult, LoyaltyReport } from '@flywheel/contracts';
import { ConsoleHarness, rowsOf, type Fw } from './testing/console-harness';

const DAY = 86_400_000;
let h: ConsoleHarness;
let fw: Fw;
let shop: InitResult;
const viewer = { email: `viewer-${Date.now()}@loyalty.example`, password: 'viewer-pass-1', name: '只读同学' };
const http = <T = unknown>(method: string, url: string, key: string, body?: unknown) => h.http<T>(method, url, key, body);
/** Pages with the packaged Chinese font (the machine may have none), so screenshots read. */
const newPage = (lang: 'zh-CN' | 'en' = 'zh-CN') => h.newPage(lang, { font: true });
const login = (page: Page, email: string, password: string) => h.loggedIn(page, email, password);
const chartsDrawn = (page: Page) => h.chartsDrawn(page);

/** Four customers: c1 spends 2,500元 (gold), c2 12,000元 (diamond), c3 300元, c4 nothing; c3 signs in, c4 gets 50 points by hand. */
async function loadShop() {
  const at = (days: number) => new Date(Date.now() - days * DAY).toISOString();
  const customers = ['c1', 'c2', 'c3', 'c4'].map((id) => ({ externalId: id, name: `会员${id}`, registeredAt: at(20) }));
  const order = (id: string, customerId: string, amount: number, days: number) => ({
    externalId: id, customerId, status: 'paid', placedAt: at(days), paidAt: at(days), items: [{ sku: 'P1', quantity: 1, unitPrice: amount }], payableAmount: amount,
  });
  const orders = [order('o1', 'c1', 150_000, 12), order('o2', 'c1', 100_000, 10), order('o3', 'c2', 1_200_000, 9), order('o4', 'c3', 30_000, 2)];
  for (const [entity, records] of [['customers', customers], ['orders', orders]] as const) {
    const r = await http<{ rejected: unknown[] }>('POST', `/v1/${entity}/batch`, shop.secretKey, { records });
    expect(r.body.rejected, entity).toEqual([]);
  }
  await fw.projector.drain();
  await fw.runtime.drain();
  expect((await http('POST', '/v1/loyalty/sign-in', shop.secretKey, { customerId: 'c3' })).status).toBe(200);
  expect((await http('POST', '/v1/points/adjust', shop.secretKey, { customerId: 'c4', amount: 50, reason: '客服补偿', idempotencyKey: 'b-1' })).status).toBe(200);
}

const tierRow = (page: Page, i: number) => page.getByTestId('loyalty-tiers-table').locator('tbody tr.ant-table-row').nth(i);

beforeAll(async () => {
  h = await ConsoleHarness.start();
  fw = h.fw;
  shop = await fw.shops.createShop({ name: '会员页测试店' });
  await h.invite(shop.secretKey, viewer, 'viewer');
  await loadShop();
});

afterAll(async () => {
  await h?.close();
});

describe('the 会员 page in Chromium', { timeout: 120_000 }, () => {
  let owner: { context: BrowserContext; page: Page };
  beforeAll(async () => {
    owner = await newPage();
    await login(owner.page, shop.ownerEmail, shop.ownerPassword);
  });

  it('draws the tier pyramid and the points liability as the report gives them', async () => {
    const { page } = owner;
    await page.getByTestId('navigation').getByText('会员', { exact: true }).click();
    await page.waitForURL(/\/loyalty$/);
    await chartsDrawn(page);
    // The page's period: the report it asked for, asked again here.
    const asked = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).find((n) => n.includes('/v1/loyalty/report')));
    const report = (await http<LoyaltyReport>('GET', new URL(asked!).pathname + new URL(asked!).search, shop.secretKey)).body;
    expect(report.tiers.map((t) => [t.key, t.members])).toEqual([['normal', 2], ['gold', 1], ['diamond', 1]]);
    // The table lists the top tier first, as the pyramid has it.
    await expect.poll(() => rowsOf(page, 'loyalty-tiers').count()).toBe(3);
    const members = await rowsOf(page, 'loyalty-tiers').locator('td:nth-child(3)').allInnerTexts();
    expect(members).toEqual(['1', '1', '2']);
    expect(await rowsOf(page, 'loyalty-tiers').first().innerText()).toContain('钻石会员');
    expect(await rowsOf(page, 'loyalty-tiers').first().innerText()).toContain('¥12,000.00');
    // The period (the last 30 days) ends at today's start: 2,500 + 12,000 + 300 points of the orders
    // (today's sign-in and adjustment come after it), ¥148.00 at 100 points a 元.
    expect(report.points.outstanding).toBe(14_800);
    expect(await page.getByTestId('loyalty-liability').innerText()).toContain('¥148.00');
    expect(await page.getByTestId('loyalty-kpis').innerText()).toContain('14,800');
    await h.screenshot(page, 'loyalty');
  });

  it('shows a member\'s tier, balances and ledger', async () => {
    const { page } = owner;
    await page.getByTestId('loyalty-member').locator('input').first().fill('c1');
    await page.getByTestId('loyalty-member').locator('input').first().press('Enter');
    await page.waitForURL(/\/loyalty\?customer=c1$/);
    await expect.poll(() => page.getByTestId('loyalty-member-tier').innerText()).toContain('黄金会员');
    const api = (await http<CustomerPoints>('GET', '/v1/customers/c1/points', shop.secretKey)).body;
    await expect.poll(() => rowsOf(page, 'loyalty-ledger').count()).toBe(api.ledger.length);
    expect(await rowsOf(page, 'loyalty-ledger').first().innerText()).toContain('消费获得');
    expect(await page.getByTestId('loyalty-member-balance').innerText()).toContain(api.available.toLocaleString('en-US'));
    await h.screenshot(page, 'loyalty-member');
  });

  it('refuses a threshold below the tier before on the page, a key used twice at its field, and saves a good change as version 1', async () => {
    const { page } = owner;
    const diamondMin = tierRow(page, 2).locator('td:nth-child(3) input');
    await diamondMin.fill('2000');
    await page.getByTestId('loyalty-program-save').click();
    await expect.poll(() => tierRow(page, 2).innerText()).toContain('须高于上一等级的门槛');
    expect((await http<LoyaltyProgramResult>('GET', '/v1/loyalty/program', shop.secretKey)).body.version).toBe(0);

    await diamondMin.fill('8000');
    const goldKey = tierRow(page, 1).locator('td:nth-child(1) input');
    await goldKey.fill('normal');
    await page.getByTestId('loyalty-program-save').click();
    // The server's refusal, beside the field it names (tiers[1].key).
    await expect.poll(() => tierRow(page, 1).innerText()).toContain('is used by another tier');
    expect((await http<LoyaltyProgramResult>('GET', '/v1/loyalty/program', shop.secretKey)).body.version).toBe(0);

    await goldKey.fill('gold');
    await page.getByTestId('loyalty-program-save').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('已保存：第 1 版');
    const saved = (await http<LoyaltyProgramResult>('GET', '/v1/loyalty/program', shop.secretKey)).body;
    expect([saved.version, saved.tiers[2].minGrowth, saved.tiers[1].key]).toEqual([1, 8000, 'gold']);
    await expect.poll(() => page.getByTestId('loyalty-program-version').innerText()).toContain('第 1 版');
    await h.screenshot(page, 'loyalty-program');
  });

  it('reads in English for a viewer, who may not change the program', async () => {
    const { context, page } = await newPage('en');
    await login(page, viewer.email, viewer.password);
    await page.getByTestId('navigation').getByText('Membership', { exact: true }).click();
    await page.waitForURL(/\/loyalty$/);
    await chartsDrawn(page);
    await page.getByTestId('read-only').waitFor();
    expect(await page.getByTestId('loyalty-program-save').count()).toBe(0);
    const header = await page.getByTestId('loyalty-tiers').locator('thead').innerText();
    expect(header).toMatch(/Tier[\s\S]*Members[\s\S]*Sales \(paid\) per member/);
    expect(await page.getByTestId('loyalty-kpis').innerText()).toMatch(/Points liability[\s\S]*¥148\.00/);
    expect(await page.getByTestId('loyalty-program').innerText()).toContain('Version 1, in force since');
    await h.screenshot(page, 'loyalty-en');
    await context.close();
  });
});
