/**
 * The customers pages in a real browser (the packaged Chromium, through playwright-core) against a real
 * Flywheel started in process: the list, the profile (用户画像), lifecycle and RFM, and the segment
 * builder with its live preview, in Chinese and in English, for an owner and for a viewer (masked
 * phones). Screenshots land in artifacts/console/ (gitignored).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { InitResult, RfmResult } from '@flywheel/contracts';
import { addDays, todayIn } from './format/dates';
import { ConsoleHarness, rowsOf, type Fw } from './testing/console-harness';

const TIMEZONE = 'Asia/Shanghai';
let h: ConsoleHarness;
let fw: Fw;
let shop: InitResult;
const viewer = { email: `viewer-${Date.now()}@shop.example`, password: 'viewer-pass-1', name: '只读同学' };
const http = <T = unknown>(method: string, url: string, key: string, body?: unknown) => h.http<T>(method, url, key, body);
/** Pages with the packaged Chinese font (the machine may have none), so screenshots read. */
const newPage = (lang: 'zh-CN' | 'en' = 'zh-CN') => h.newPage(lang, { font: true });
const login = (page: Page, email: string, password: string) => h.loggedIn(page, email, password);
const chartsDrawn = (page: Page) => h.chartsDrawn(page);

/** Eight customers: three in 广东, with orders from 3 to 300 days ago, one who never bought. */
async function loadShop() {
  const today = todayIn(TIMEZONE);
  const at = (days: number) => `${addDays(today, -days)}T12:00:00+08:00`;
  const people = [
    ['c1', '张伟', '13812345678', '广东', [3, 40]], ['c2', '李娜', '13900001111', '广东', [100]], ['c3', '王芳', '13700002222', '浙江', [10]],
    ['c4', '刘洋', '13600003333', '北京', [200, 250, 300]], ['c5', '陈静', '13500004444', '广东', []], ['c6', '杨磊', '13400005555', '上海', [60]],
    ['c7', '赵敏', '13300006666', '江苏', [20, 25, 30, 35]], ['c8', '孙丽', '13200007777', '四川', [150]],
  ] as const;
  const products = [{ externalId: 'P1', title: '精华液', category: '美妆/护肤', skus: [{ sku: 'P1', price: 29900 }] }];
  const customers = people.map(([id, name, phone, province]) => ({ externalId: id, name, phone, province, gender: 'female' }));
  const orders = people.flatMap(([id, , , , days], i) => days.map((d, k) => ({
    externalId: `${id}-o${k}`, customerId: id, status: 'paid', placedAt: at(d), paidAt: at(d),
    items: [{ sku: 'P1', quantity: 1, unitPrice: 10000 * (i + 1) }], payableAmount: 10000 * (i + 1),
  })));
  for (const [entity, records] of [['products', products], ['customers', customers], ['orders', orders]] as const) {
    const r = await http<{ rejected: unknown[] }>('POST', `/v1/${entity}/batch`, shop.secretKey, { records });
    expect(r.body.rejected, entity).toEqual([]);
  }
  // 张伟 holds a coupon.
  const template = await http<{ id: string }>('POST', '/v1/coupon-templates', shop.secretKey, { name: '回购10元券', discount: { off: 1000 }, minSpend: 9900, validity: { days: 30 }, total: 100 });
  expect((await http('POST', '/v1/coupons/claim', shop.secretKey, { templateId: template.body.id, customerId: 'c1', idempotencyKey: 'c1-welcome' })).status).toBe(201);
  // Loyalty earns on the orders (a week pending, then available), and the list reads its tiers.
  await fw.projector.drain();
  await fw.runtime.drain();
  await fw.projector.drain();
}


beforeAll(async () => {
  h = await ConsoleHarness.start();
  fw = h.fw;
  shop = await fw.shops.createShop({ name: '客户页测试店' });
  await h.invite(shop.secretKey, viewer, 'viewer');
  await loadShop();
});

afterAll(async () => {
  await h?.close();
});

describe('customers pages in Chromium', { timeout: 120_000 }, () => {
  let owner: { context: BrowserContext; page: Page };
  beforeAll(async () => {
    owner = await newPage();
    await login(owner.page, shop.ownerEmail, shop.ownerPassword);
  });

  it('lists customers, searches, and opens a profile with its timeline', async () => {
    const { page } = owner;
    await page.getByTestId('navigation').getByText('客户', { exact: true }).click();
    await page.getByTestId('navigation').getByText('客户列表').click();
    await page.waitForURL(/\/customers$/);
    await expect.poll(() => rowsOf(page, 'customers-table').count()).toBe(8);
    // Sorted by net sales: 赵敏 (4 orders of ¥700: 2,800 growth, 黄金会员; all points released) first.
    const first = await rowsOf(page, 'customers-table').first().innerText();
    expect(first).toContain('赵敏');
    expect(first).toMatch(/黄金会员\s+2,800/);
    await page.getByTestId('customer-search').fill('张伟');
    await page.getByTestId('customer-search').press('Enter');
    await expect.poll(() => rowsOf(page, 'customers-table').count()).toBe(1);
    expect(await rowsOf(page, 'customers-table').first().innerText()).toContain('13812345678');
    await page.getByTestId('customer-link').first().click();
    await page.waitForURL(/\/customers\/c1$/);
    await expect.poll(() => page.getByTestId('profile-lifecycle').innerText()).toBe('活跃');
    expect(await page.getByTestId('profile-phone').innerText()).toBe('13812345678');
    await expect.poll(() => page.getByTestId('profile-timeline').locator('.ant-timeline-item').count()).toBe(2);
    expect(await page.getByTestId('profile-timeline').innerText()).toContain('订单 c1-o0（已支付）');
    // The member's points: 100 from the order 40 days ago available, 100 from 3 days ago still pending, both in the ledger.
    await expect.poll(() => page.getByTestId('loyalty-member-balance').innerText()).toMatch(/可用\s+100[\s\S]*待生效\s+100/);
    expect(await page.getByTestId('loyalty-member-tier').innerText()).toContain('普通会员');
    expect(await rowsOf(page, 'loyalty-ledger').count()).toBe(2);
    await expect.poll(() => rowsOf(page, 'customer-coupons').count()).toBe(1);
    expect(await rowsOf(page, 'customer-coupons').first().innerText()).toMatch(/回购10元券\s+减¥10\s+¥99\s+可使用/);
    await page.getByTestId('tag-input').fill('回访');
    await page.getByTestId('tag-input').press('Enter');
    await expect.poll(() => page.getByTestId('profile-tags').innerText()).toContain('回访');
    await chartsDrawn(page);
    await h.screenshot(page, 'customer-profile');
  });

  it('shows the RFM classes as the API gives them, each a click from its customers', async () => {
    const { page } = owner;
    await page.getByTestId('navigation').getByText('客户分层').click();
    await page.waitForURL(/\/customers\/layers$/);
    await chartsDrawn(page);
    const api = await http<RfmResult>('GET', '/v1/rfm', shop.secretKey);
    expect(api.body.customers).toBe(7);
    await expect.poll(() => rowsOf(page, 'rfm-table').count()).toBe(8);
    const counts = await rowsOf(page, 'rfm-table').locator('td:nth-child(3)').allInnerTexts();
    expect(counts.map(Number)).toEqual(api.body.classes.map((c) => c.customers));
    await h.screenshot(page, 'customer-layers');
    const biggest = api.body.classes.reduce((a, b) => (b.customers > a.customers ? b : a));
    await rowsOf(page, 'rfm-table').nth(api.body.classes.indexOf(biggest)).getByRole('link').click();
    await page.waitForURL(new RegExp(`/customers\\?rfmClass=${biggest.class}$`));
    await expect.poll(() => rowsOf(page, 'customers-table').count()).toBe(biggest.customers);
  });

  it('builds a segment with a live count, saves it and lists it', async () => {
    const { page } = owner;
    await page.getByTestId('navigation').getByText('人群分群').click();
    await page.waitForURL(/\/customers\/segments$/);
    // A condition without its value is named in Chinese, not previewed.
    await expect.poll(() => page.getByTestId('rule-issue').innerText()).toContain('还有条件没有填完');
    await page.getByTestId('condition-value').fill('广东');
    await expect.poll(() => page.getByTestId('preview-size').innerText(), { timeout: 10_000 }).toContain('3');
    await expect.poll(() => rowsOf(page, 'segment-sample').count()).toBe(3);
    await page.getByTestId('segment-name').fill('广东客户');
    await page.getByTestId('segment-save').click();
    await expect.poll(() => rowsOf(page, 'segments-table').count()).toBe(1);
    expect(await rowsOf(page, 'segments-table').first().innerText()).toMatch(/广东客户\s+3/);
    await h.screenshot(page, 'segments');
    await rowsOf(page, 'segments-table').first().click();
    await page.getByTestId('segment-drawer').getByTestId('segment-sample').waitFor();
    await chartsDrawn(page);
    const saved = await http<{ segments: { id: string; size: number }[] }>('GET', '/v1/segments', shop.secretKey);
    expect(saved.body.segments.map((s) => s.size)).toEqual([3]);
  });

  it('reads in English, with phones masked for a viewer', async () => {
    const { context, page } = await newPage('en');
    await login(page, viewer.email, viewer.password);
    await page.getByTestId('navigation').getByText('Customers', { exact: true }).click();
    await page.getByTestId('navigation').getByText('Customer list').click();
    await page.waitForURL(/\/customers$/);
    await page.getByTestId('masked-notice').waitFor();
    await expect.poll(() => rowsOf(page, 'customers-table').count()).toBe(8);
    const phones = await rowsOf(page, 'customers-table').locator('td:nth-child(2)').allInnerTexts();
    for (const phone of phones) expect(phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    const header = await page.getByTestId('customers-table').locator('thead').innerText();
    expect(header).toMatch(/Lifecycle[\s\S]*Net sales/);
    expect(header).not.toMatch(/[\u4e00-\u9fff]/);
    await page.getByTestId('navigation').getByText('Lifecycle & RFM').click();
    await chartsDrawn(page);
    expect(await page.getByTestId('rfm-table').innerText()).toContain('Important value');
    await h.screenshot(page, 'customer-layers-en');
    await context.close();
  });
});
