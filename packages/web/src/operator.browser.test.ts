/**
 * What an operator opens first, in a real browser (the packaged Chromium) against a real Flywheel in
 * process: the overview, 实时 (today so far, refreshing by itself) and the 复盘 with its PDF, in
 * zh-CN and in English, with nobody meeting a raw id. Screenshots and the PDF land in
 * artifacts/operator/ (gitignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { dayRangeLabel, formatMetric, metricCatalog, type InitResult, type MetricsResult } from '@flywheel/contracts';
import { addDays, todayIn } from './format/dates';
import { ConsoleHarness, type Fw } from './testing/console-harness';
import { catalog } from './testing/demo-data';

let artifacts: string;
const TIMEZONE = 'Asia/Shanghai';
/** Ids no person should read on a page: channels, platforms, a metric key with its label. */
const rawIds = /\b(paid_social|paid_search|private_domain|organic_search|mini_program|third_party|customer_type)\b/;

let h: ConsoleHarness;
let fw: Fw;
let baseUrl: string;
let shop: InitResult;
let browser: Browser;
let today: string;

const http = <T = unknown>(method: string, url: string, key: string, body?: unknown) => h.http<T>(method, url, key, body);

const upsert = (entity: string, records: unknown[]) => h.upsert(shop.secretKey, entity, records);

/** A paid order at a local time of a day (HH:MM), on the mini program. */
const orderAt = (id: string, date: string, time: string, amount: number) => ({
  externalId: id, customerId: 'C001', status: 'paid', placedAt: `${date}T${time}:00+08:00`, paidAt: `${date}T${time}:00+08:00`,
  items: [{ sku: catalog[0].skus[0].sku, quantity: 1, unitPrice: amount }], payableAmount: amount, paidAmount: amount, platform: 'mini_program',
});
/** The local time in the shop's zone, a minute ago (an order "just now" that is not in the future). */
const justNow = () => new Intl.DateTimeFormat('en-GB', { timeZone: TIMEZONE, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(Date.now() - 60_000));

/** A page of the owner, logged in, with the console in the language of `locale`. */
async function newPage(locale: string): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await h.newPage(locale);
  await opened.page.goto(`${baseUrl}/login`);
  await opened.page.evaluate((lang) => localStorage.setItem('flywheel.lang', lang), locale === 'en' ? 'en' : 'zh-CN');
  await h.loggedIn(opened.page, shop.ownerEmail, shop.ownerPassword);
  return opened;
}

const chartsDrawn = (page: Page) => h.chartsDrawn(page);

const screenshot = (page: Page, name: string) => h.screenshot(page, name);

beforeAll(async () => {
  h = await ConsoleHarness.start('operator');
  ({ fw, baseUrl, browser, artifacts } = h);
  shop = await fw.shops.createShop({ name: '西湖小铺' });
  today = todayIn(TIMEZONE);
  await h.loadDemoShop(shop, today);
  // Today so far, yesterday and the same day last week, at early hours (before any "now").
  await upsert('orders', [orderAt('LIVE-T1', today, '00:05', 12_000), orderAt('LIVE-Y1', addDays(today, -1), '00:10', 8_000), orderAt('LIVE-W1', addDays(today, -7), '00:20', 5_000)]);
  await fw.projector.drain();
});

afterAll(async () => {
  await h?.close();
});

describe('what an operator opens first', { timeout: 180_000 }, () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    it(`draws the overview with the API's numbers, the shop named once and 复购率 by week (${lang})`, async () => {
      const { context, page } = await newPage(lang);
      await page.getByTestId('kpi-cards').waitFor();
      await chartsDrawn(page);
      const period = { from: addDays(today, -30), to: today };
      const api = await http<MetricsResult>('GET', `/v1/metrics?metrics=sales,repurchase_rate&from=${period.from}&to=${period.to}&compare=previous_period`, shop.secretKey);
      expect(await page.getByTestId('kpi-sales').getByTestId('kpi-value').innerText()).toBe(formatMetric('sales', api.body.totals.sales, { lang, currency: 'CNY' }, { compact: true }));
      // The header: the shop by its name (its role in the tag beside it), the person by email, no "Owner".
      expect(await page.getByTestId('shop-switcher').innerText()).toBe('西湖小铺');
      expect(await page.getByTestId('operator-name').innerText()).toBe(shop.ownerEmail);
      // 复购率 is drawn week by week: a handful of points, not 30 days of zeros.
      await page.getByTestId('kpi-repurchase_rate').click();
      await expect.poll(() => page.getByTestId('trend').getAttribute('data-grain')).toBe('week');
      const points = (await page.getByTestId('kpi-repurchase_rate').getByTestId('sparkline').locator('polyline').getAttribute('points'))!.split(' ').length;
      expect(points).toBeLessThanOrEqual(6);
      // Compared with last year, the cards say so.
      await page.getByTestId('period-picker').locator('.ant-select').nth(1).click();
      await page.locator('.ant-select-item-option').filter({ hasText: lang === 'zh-CN' ? /^去年同期$/ : /^Same period last year$/ }).first().click();
      await expect.poll(() => page.getByTestId('kpi-sales').innerText()).toContain(lang === 'zh-CN' ? '去年同期' : 'Last year');
      expect(await page.locator('main, .ant-layout-content').first().innerText()).not.toMatch(rawIds);
      await chartsDrawn(page);
      await screenshot(page, `overview-${lang}`);
      await context.close();
    });

    it(`shows today so far against yesterday and last week, hour by hour, refreshing by itself (${lang})`, async () => {
      const { context, page } = await newPage(lang);
      await page.getByTestId('navigation').getByText(lang === 'zh-CN' ? '实时' : 'Live', { exact: true }).click();
      await page.waitForURL(/\/live$/);
      await page.getByTestId('live-cards').waitFor();
      await chartsDrawn(page);
      expect(await page.getByTestId('live-cards').getAttribute('data-date')).toBe(today);
      const todayApi = async () => (await http<MetricsResult>('GET', `/v1/metrics?metrics=sales,orders&from=${today}&to=${addDays(today, 1)}`, shop.secretKey)).body.totals;
      const before = await todayApi();
      expect(before.sales).toBeGreaterThanOrEqual(12_000);
      const shown = () => page.getByTestId('live-sales').getByTestId('live-value').innerText();
      expect(await shown()).toBe(formatMetric('sales', before.sales, { lang, currency: 'CNY' }, { compact: true }));
      // In the day's first hour no hour is complete yet: the card then shows yesterday's whole day instead.
      const firstHour = new Intl.DateTimeFormat('en-GB', { timeZone: TIMEZONE, hour: '2-digit', hour12: false }).format(new Date()) === '00';
      const comparison = firstHour ? (lang === 'zh-CN' ? '昨日全天' : 'Yesterday, whole day') : (lang === 'zh-CN' ? '较昨日同时段' : 'vs yesterday');
      expect(await page.getByTestId('live-sales').innerText()).toContain(comparison);
      await screenshot(page, `live-${lang}`);
      // The hours of the three days download as a spreadsheet.
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
      const lines = fs.readFileSync((await csv.path())!, 'utf8').split('\r\n');
      expect(lines[0].startsWith(`\uFEFF${lang === 'zh-CN' ? '时段' : 'Hour'},`)).toBe(true);
      expect(lines[1].split(',')[0]).toBe('00:00');
      // An order paid a minute ago reaches the page without a reload.
      await upsert('orders', [orderAt(`LIVE-NOW-${lang}`, today, justNow(), 3_300)]);
      await fw.projector.drain();
      const after = await todayApi();
      expect(after.sales).toBe((before.sales ?? 0) + 3_300);
      await expect.poll(shown, { timeout: 60_000, interval: 2_000 }).toBe(formatMetric('sales', after.sales, { lang, currency: 'CNY' }, { compact: true }));
      await context.close();
    });
  }

  it('shows the 复盘 in Chinese and English with its periods by their last day and its attainment as a number, and prints a PDF that reads like one', async () => {
    const year = today.slice(0, 4);
    const plan = await http<{ id: string; targets: { id: string }[] }>('POST', '/v1/plans', shop.secretKey, { name: '年度经营计划', period: year, targets: [{ metric: 'sales', value: 12_000_000 }] });
    expect(plan.status).toBe(201);
    expect((await http('POST', `/v1/plans/${plan.body.id}/targets/${plan.body.targets[0].id}/decompose`, shop.secretKey, { by: 'month', method: 'even' })).status).toBe(200);
    const lastMonth = addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
    const month = { from: `${lastMonth}-01`, to: `${today.slice(0, 7)}-01` };
    for (const lang of ['zh-CN', 'en'] as const) {
      const { context, page } = await newPage(lang);
      await page.goto(`${baseUrl}/review`);
      await page.getByTestId('review-report').waitFor({ timeout: 60_000 });
      await chartsDrawn(page);
      const period = await page.getByTestId('review-period').innerText();
      expect(period).toContain(dayRangeLabel(month));
      expect(period).not.toContain(`~ ${month.to}`);
      // 达成率 is a number, not only a bar.
      expect(await page.getByTestId('attainment').first().innerText()).toMatch(/\d+\.\d{2}%/);
      expect(await page.getByTestId('review-report').innerText()).not.toMatch(rawIds);
      if (lang === 'zh-CN') expect(await page.getByTestId('review-kpis').innerText()).toContain(metricCatalog.conversion_rate.label['zh-CN']);
      await screenshot(page, `review-${lang}`);
      const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.getByTestId('review-pdf').click()]);
      const pdfPath = path.join(artifacts, `review-${lang}.pdf`);
      await pdf.saveAs(pdfPath);
      const bytes = fs.readFileSync(pdfPath);
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      // A month's review fits a few pages, with no page left mostly empty by sections that refused to break.
      const pages = (bytes.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      expect(pages).toBeGreaterThan(0);
      expect(pages).toBeLessThanOrEqual(5);
      await context.close();
    }
    // The report the PDF is printed from, as the boss reads it: its first page says how the month went.
    const html = await http<string>('GET', `/v1/reviews?month=${lastMonth}&format=html&lang=zh-CN`, shop.secretKey);
    const text = html.body.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<[^>]+>/g, ' ');
    expect(text).toContain(dayRangeLabel(month));
    expect(text).not.toMatch(rawIds);
    expect(text.indexOf('达成率')).toBeLessThan(text.indexOf('指标：目标 vs 实际'));
    const printed = await browser.newPage({ viewport: { width: 794, height: 1123 } });
    await printed.setContent(html.body);
    await printed.emulateMedia({ media: 'print' });
    await printed.screenshot({ path: path.join(artifacts, 'review-print-page1.png') });
    await printed.close();
  });
});
