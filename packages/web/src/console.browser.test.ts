/**
 * The console in a real browser (the packaged Chromium of platform/browser.ts, through playwright-core) against a real Flywheel
 * started in process, with a shop loaded through the public APIs. Screenshots of each main page land
 * in artifacts/console/ (gitignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { metricCatalog, type InitResult, type MetricsResult } from '@flywheel/contracts';
import { addDays, presetPeriod, todayIn } from './format/dates';
import { formatMetric, formatMoney } from './format/numbers';
import { ConsoleHarness, type Fw } from './testing/console-harness';
import { catalog } from './testing/demo-data';

let artifacts: string;
const TIMEZONE = 'Asia/Shanghai';
const overviewMetrics = ['sales', 'orders', 'buyers', 'per_customer_spend', 'uv', 'conversion_rate', 'repurchase_rate', 'roas'] as const;
/** Three Latin words in a row: an English sentence (ids such as paid_social and acronyms such as ROAS are not). */
const englishSentence = /[A-Za-z]+[ ,.;:]+[A-Za-z]+[ ,.;:]+[A-Za-z]+/;

let h: ConsoleHarness;
let fw: Fw;
let baseUrl: string;
let shop: InitResult;
const viewer = { email: `viewer-${Date.now()}@shop.example`, password: 'viewer-pass-1', name: '只读同学' };

const http = <T = unknown>(method: string, url: string, key: string, body?: unknown) => h.http<T>(method, url, key, body);

/** Invites the viewer person to a shop with a role, as the invitation link does. */
const invite = (key: string, role: string) => h.invite(key, viewer, role);

const upsert = (entity: string, records: unknown[]) => h.upsert(shop.secretKey, entity, records);

const loadShop = (today: string) => h.loadDemoShop(shop, today);

const newPage = (locale = 'zh-CN') => h.newPage(locale);

const login = (page: Page, email: string, password: string) => h.login(page, email, password);

const screenshot = (page: Page, name: string) => h.screenshot(page, name);

const chartsDrawn = (page: Page) => h.chartsDrawn(page);

beforeAll(async () => {
  h = await ConsoleHarness.start();
  ({ fw, baseUrl, artifacts } = h);
  shop = await fw.shops.createShop({ name: '西湖小铺' });
  await invite(shop.secretKey, 'viewer');
});

afterAll(async () => {
  await h?.close();
});

describe('console in Chromium', { timeout: 120_000 }, () => {
  let owner: { context: BrowserContext; page: Page };
  let today: string;
  let orders: Awaited<ReturnType<typeof loadShop>>;

  beforeAll(async () => {
    today = todayIn(TIMEZONE);
    orders = await loadShop(today);
    // A ROAS floor no channel reaches: every channel with spend this month opens an alert.
    expect((await http('PUT', '/v1/alerts/settings', shop.secretKey, { roasFloor: 1000 })).status).toBe(200);
    expect((await http<{ opened: unknown[] }>('POST', '/v1/alerts/evaluate', shop.secretKey, {})).body.opened.length).toBeGreaterThan(0);
    owner = await newPage();
  });

  it('logs in and draws the overview with the numbers the API gives', async () => {
    const { page } = owner;

    // A wrong password is refused in the user's language.
    await login(page, shop.ownerEmail, 'not-the-password');
    await expect.poll(() => page.getByTestId('api-error').innerText()).toContain('账号密码错误');

    const started = Date.now();
    await login(page, shop.ownerEmail, shop.ownerPassword);
    await page.waitForURL(/\/overview$/);
    const shell = Date.now() - started;
    await page.getByTestId('kpi-cards').waitFor();
    const kpis = Date.now() - started;
    await chartsDrawn(page);
    await page.waitForFunction(() => document.querySelectorAll('.ant-skeleton').length === 0);
    const elapsed = Date.now() - started;
    console.log(`[console timing] login to fully drawn overview: ${elapsed} ms (shell ${shell} ms, KPI cards ${kpis} ms, charts and planning panels ${elapsed} ms)`);

    const period = presetPeriod('last_30_days', today);
    const api = await http<MetricsResult>('GET', `/v1/metrics?metrics=${overviewMetrics.join(',')}&from=${period.from}&to=${period.to}&grain=day&compare=previous_period`, shop.secretKey);
    expect(api.status).toBe(200);
    for (const metric of overviewMetrics) {
      const shown = await page.getByTestId(`kpi-${metric}`).getByTestId('kpi-value').innerText();
      expect(shown, metric).toBe(formatMetric(metric, api.body.totals[metric], { lang: 'zh-CN', currency: 'CNY' }, { compact: true }));
      expect(await page.getByTestId(`kpi-${metric}`).locator('.ant-statistic-title').innerText(), metric).toBe(metricCatalog[metric].label['zh-CN']);
    }
    // Alerts read in Chinese: no English sentence.
    const alerts = await page.getByTestId('overview-alerts').getByTestId('alert-text').allInnerTexts();
    expect(alerts.length).toBeGreaterThan(0);
    for (const text of alerts) expect(text).not.toMatch(englishSentence);
    // And by hand: paid orders and sales of the 30 days ending yesterday.
    const inPeriod = orders.filter((o) => o.date >= period.from && o.date < period.to);
    expect(api.body.totals.orders).toBe(inPeriod.length);
    expect(api.body.totals.sales).toBe(inPeriod.reduce((sum, o) => sum + o.amount, 0));
    expect(await page.getByTestId('kpi-sales').getByTestId('kpi-value').innerText()).toBe(formatMoney(api.body.totals.sales, 'CNY', 'zh-CN', { compact: true }));
    expect(await page.getByTestId('kpi-orders').getByTestId('kpi-value').innerText()).toBe(String(inPeriod.length));
    await screenshot(page, 'overview');

    // Last month is compared with the whole month before it, the period the server measures.
    await page.getByTestId('period-picker').locator('.ant-select').first().click();
    await page.locator('.ant-select-item-option').filter({ hasText: /^上月$/ }).click();
    const [y, m] = today.split('-').map(Number);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const [before, beforeLast] = [day(Date.UTC(y, m - 3, 1)), day(Date.UTC(y, m - 2, 0))];
    await expect.poll(() => page.getByTestId('period-vs').innerText()).toContain(`对比 ${before} ~ ${beforeLast}`);
    const lastMonth = presetPeriod('last_month', today);
    const measured = await http<MetricsResult>('GET', `/v1/metrics?metrics=sales&from=${lastMonth.from}&to=${lastMonth.to}&compare=previous_period`, shop.secretKey);
    expect(measured.body.previous).toEqual({ from: before, to: addDays(beforeLast, 1) });
    await page.getByTestId('period-picker').locator('.ant-select').first().click();
    await page.locator('.ant-select-item-option').filter({ hasText: /^近 30 天$/ }).click();
    await expect.poll(() => page.getByTestId('kpi-cards').getAttribute('data-period')).toBe(`${period.from}/${period.to}`);
  });

  it('builds a funnel whose people per step equal the API', async () => {
    const { page } = owner;
    await page.getByTestId('navigation').getByText('分析').click();
    await page.getByTestId('navigation').getByText('漏斗').click();
    await page.waitForURL(/\/analyse\/funnels$/);
    await page.getByTestId('funnel-run').click();
    await page.getByTestId('funnel-table').waitFor();
    await chartsDrawn(page);
    const period = presetPeriod('last_30_days', today);
    const steps = ['$pageview', 'Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'].map((event) => ({ event }));
    const api = await http<{ steps: { people: number }[]; breakdown: { key: string }[] }>('POST', '/v1/funnels', shop.secretKey, { steps, window: '7d', from: period.from, to: period.to, breakdown: 'channel' });
    expect(api.status).toBe(200);
    const shown = await page.getByTestId('funnel-people').allInnerTexts();
    expect(shown).toEqual(api.body.steps.map((s) => s.people.toLocaleString('zh-CN')));
    expect(api.body.steps[0].people).toBeGreaterThan(api.body.steps[4].people);
    await expect.poll(() => page.getByTestId('funnel-breakdown').locator('tbody tr.ant-table-row').count()).toBe(api.body.breakdown.length);
    await screenshot(page, 'funnels');
  });

  it('switches to English, numbers and all', async () => {
    const { page } = owner;
    await page.getByTestId('language-switch').getByText('English').click();
    await page.getByTestId('navigation').getByText('Overview').click();
    await page.waitForURL(/\/overview$/);
    await expect.poll(() => page.getByTestId('kpi-sales').innerText()).toContain(metricCatalog.sales.label.en);
    for (const metric of overviewMetrics) expect(await page.getByTestId(`kpi-${metric}`).locator('.ant-statistic-title').innerText(), metric).toBe(metricCatalog[metric].label.en);
    await page.getByTestId('overview-alerts').getByTestId('alert-text').first().waitFor();
    const englishAlerts = await page.getByTestId('overview-alerts').getByTestId('alert-text').allInnerTexts();
    for (const text of englishAlerts) expect(text).toMatch(englishSentence);
    expect(englishAlerts.some((text) => /^ROAS of channel .* month to date, under its floor of 1,000.00/.test(text)), englishAlerts.join('\n')).toBe(true);
    const period = presetPeriod('last_30_days', today);
    const api = await http<MetricsResult>('GET', `/v1/metrics?metrics=sales,uv&from=${period.from}&to=${period.to}`, shop.secretKey);
    expect(await page.getByTestId('kpi-sales').getByTestId('kpi-value').innerText()).toBe(formatMetric('sales', api.body.totals.sales, { lang: 'en', currency: 'CNY' }, { compact: true }));
    expect(await page.locator('h3').first().innerText()).toBe('Overview');
    await chartsDrawn(page);
    await screenshot(page, 'overview-en');
  });

  it('imports a CSV and lists the bad row in the file\'s terms; asks 元 or 分 for whole numbers, in zh-CN and English', async () => {
    const day = addDays(today, -2);
    const header = '订单号,用户ID,商品编码,数量,单价,应付金额,实付金额,订单状态,下单时间,支付时间';
    const csv = [
      header,
      `IMP-1,C001,TEE-L,1,79.00,79.00,79.00,已付款,${day} 10:00:00,${day} 10:01:00`,
      `IMP-2,C002,TEE-L,两件,79.00,158.00,158.00,已付款,${day} 11:00:00,${day} 11:01:00`,
      `IMP-3,C003,MUG-1,2,39.00,78.00,78.00,已退款,${day} 12:00:00,${day} 12:01:00`,
      `IMP-4,C003,MUG-1,1,39.00,39.00,39.00,已付款,${day} 13:00:00,${day} 13:01:00`,
    ].join('\n');
    const whole = [header, `IMP-9,C004,MUG-1,1,3900,3900,3900,已付款,${day} 14:00:00,${day} 14:01:00`].join('\n');
    for (const lang of ['zh-CN', 'en'] as const) {
      const { context, page } = await newPage(lang);
      await login(page, shop.ownerEmail, shop.ownerPassword);
      await page.waitForURL(/\/overview$/);
      if (lang === 'en') await page.getByTestId('language-switch').getByText('English').click();
      await page.goto(`${baseUrl}/data/import`);
      await page.getByTestId('import-page').waitFor();
      await page.locator('input[type=file]').setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      const result = page.getByTestId('import-result');
      await result.waitFor({ timeout: 30_000 });
      expect(await result.innerText()).toContain(lang === 'en' ? 'Imported 2 of 4 rows (2 records); 2 rejected' : '文件共 4 行，成功 2 行（2 条记录），拒绝 2 行');
      expect(await result.innerText()).toContain(lang === 'en' ? 'Amounts were read in yuan.' : '金额按元读取。');
      const rows = await page.getByTestId('import-errors').locator('tbody tr').all();
      const [quantity, status] = await Promise.all(rows.map((row) => row.locator('td').allInnerTexts()));
      // The file's line, its own column and value, and the reason: no API field, no code.
      expect(quantity).toEqual(lang === 'en' ? ['3', '数量', '两件', '数量 must be a number (the file has "两件")'] : ['3', '数量', '两件', '数量应为数字（填的是“两件”）']);
      expect(status.slice(0, 3)).toEqual(['4', '订单状态', '已退款']);
      expect(status[3]).toContain(lang === 'en' ? 'is not one of: placed, paid' : '可填：待付款、待支付、已下单、已付款');
      if (lang === 'zh-CN') for (const text of await page.getByTestId('import-result').allInnerTexts()) expect(text).not.toMatch(englishSentence);
      await screenshot(page, `import-${lang}`);

      // Whole numbers: 3900 could be ¥3,900 or ¥39, so the page asks, with the server's reason.
      await page.locator('input[type=file]').setInputFiles({ name: 'whole.csv', mimeType: 'text/csv', buffer: Buffer.from(whole, 'utf8') });
      const question = page.getByTestId('import-money-question');
      await question.waitFor({ timeout: 30_000 });
      expect(await question.innerText()).toContain(lang === 'en' ? 'cannot tell the money unit' : '无法判断金额单位');
      await screenshot(page, `import-money-${lang}`);
      await page.getByTestId('import-money-major').click();
      await expect.poll(() => result.innerText(), { timeout: 30_000 }).toContain(lang === 'en' ? 'All 1 rows imported' : '全部导入成功');
      await context.close();
    }
    const imported = await http<{ paidAmount: number }>('GET', '/v1/orders/IMP-9', shop.secretKey);
    expect(imported.body.paidAmount).toBe(390000);
  });

  it('shows events as they arrive in the live debugger', async () => {
    const { page } = owner;
    await page.goto(`${baseUrl}/data/events`);
    await page.getByTestId('events-page').waitFor();
    const sent = await http('POST', '/v1/track', shop.publishableKey, { event: 'Products Searched', anonymousId: 'debugger-visitor', properties: { query: '连衣裙' }, messageId: 'live-1' });
    expect(sent.status).toBe(200);
    await expect.poll(() => page.getByTestId('events-table').innerText(), { timeout: 15_000 }).toContain('Products Searched');
    await screenshot(page, 'events');
  });

  it('writes a plan, splits its sales target by quarter and shows the 复盘 with a PDF', async () => {
    const { page } = owner;
    await page.getByTestId('language-switch').getByText('中文').click();
    await page.goto(`${baseUrl}/plan`);
    const form = page.getByTestId('new-plan');
    await form.waitFor();
    await form.locator('#name').fill('年度经营计划');
    await form.locator('#period').fill(today.slice(0, 4));
    await form.locator('#sales').fill('1200000');
    await form.locator('button[type=submit]').click();
    await page.getByTestId('target-tree').waitFor();
    await page.getByTestId('decomposition-editor').waitFor();
    await page.getByTestId('decomposition-editor').getByText('平均（按天数）').click();
    await page.getByTestId('decompose-run').click();
    await expect.poll(() => page.getByTestId('target-tree').locator('tbody tr.ant-table-row').count(), { timeout: 15_000 }).toBe(5);
    const plans = await http<{ plans: { id: string }[] }>('GET', '/v1/plans', shop.secretKey);
    const plan = await http<{ targets: { value: number; parentId: string | null }[] }>('GET', `/v1/plans/${plans.body.plans[0].id}`, shop.secretKey);
    const quarters = plan.body.targets.filter((x) => x.parentId);
    expect(quarters.reduce((sum, x) => sum + x.value, 0)).toBe(120_000_000);
    const shown = await page.getByTestId('target-value').allInnerTexts();
    expect(shown[0]).toBe(formatMoney(120_000_000, 'CNY', 'zh-CN'));
    await page.getByTestId('driver-tree').waitFor();
    await screenshot(page, 'plan');

    await page.goto(`${baseUrl}/review`);
    await page.getByTestId('review-report').waitFor({ timeout: 30_000 });
    await chartsDrawn(page);
    await screenshot(page, 'review');
    // Risks and next actions in Chinese, with no English sentence; in English in the English console.
    const prose = async () => [...await page.getByTestId('review-risks').locator('.ant-alert-message').allInnerTexts(), ...await page.getByTestId('review-actions').locator('.ant-list-item').allInnerTexts()];
    const chinese = await prose();
    expect(chinese.length).toBeGreaterThan(1);
    for (const text of chinese) expect(text).not.toMatch(englishSentence);
    await page.getByTestId('language-switch').getByText('English').click();
    await expect.poll(async () => (await prose()).join('\n')).toMatch(/Because: /);
    const english = await prose();
    expect(english.every((text) => englishSentence.test(text)), english.join('\n')).toBe(true);
    await page.getByTestId('language-switch').getByText('中文').click();
    await expect.poll(async () => (await prose()).join('\n')).toMatch(/原因：/);
    const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('review-pdf').click()]);
    const pdfPath = path.join(artifacts, 'review.pdf');
    await pdf.saveAs(pdfPath);
    expect(fs.readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');

    await page.goto(`${baseUrl}/overview`);
    await page.getByTestId('overview-pacing').getByTestId('pacing-row').first().waitFor();
  });

  it('draws every other page without an error', async () => {
    const { page } = owner;
    const pages: [string, string, boolean][] = [
      ['/analyse/metrics', 'metrics', true], ['/analyse/cohorts', 'cohorts', true], ['/analyse/attribution', 'attribution', true], ['/analyse/products', 'products', true],
      ['/data/api-keys', 'api-keys', false], ['/data/tracking', 'tracking', false],
      ['/settings/shop', 'settings-shop', false], ['/settings/channels', 'settings-channels', false], ['/settings/operators', 'settings-operators', false],
    ];
    for (const [url, name, hasCharts] of pages) {
      await page.goto(`${baseUrl}${url}`);
      await page.locator('h3').first().waitFor();
      await page.waitForFunction(() => document.querySelectorAll('.ant-skeleton, .ant-spin-spinning').length === 0, undefined, { timeout: 30_000 });
      if (hasCharts) await chartsDrawn(page);
      expect(await page.getByTestId('api-error').count(), `${url} shows an error: ${await page.getByTestId('api-error').allInnerTexts()}`).toBe(0);
      await screenshot(page, name);
    }

    // The explorer's table downloads as CSV (Excel-friendly UTF-8) and as XLSX.
    await page.goto(`${baseUrl}/analyse/metrics`);
    await page.getByTestId('explorer-table').waitFor();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csvText = fs.readFileSync((await csv.path())!, 'utf8');
    expect(csvText.split('\r\n')[0]).toBe('\uFEFF日期,支付金额,支付订单数');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByText('导出 Excel').click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(fs.readFileSync((await xlsx.path())!).subarray(0, 2).toString()).toBe('PK');
  });

  it('shows a campaign named like an HTML tag as text in a chart tooltip, running nothing', async () => {
    const { page } = owner;
    const hostile = '<img src=x onerror="window.__xss=1">';
    const yesterday = new Date(Date.parse(today) - 86_400_000).toISOString().slice(0, 10); // inside the default 30 days ending yesterday
    const when = `${yesterday}T12:00:00+08:00`;
    await upsert('orders', [{ externalId: 'xss-1', customerId: 'xss-c', status: 'paid', placedAt: when, paidAt: when, campaign: hostile, items: [{ sku: catalog[0].skus[0].sku, quantity: 1, unitPrice: 99_999_900 }], payableAmount: 99_999_900 }]);
    await fw.projector.drain();
    await page.goto(`${baseUrl}/analyse/metrics`);
    await page.getByTestId('explorer-table').waitFor();
    await page.locator('.ant-select-selector').filter({ hasText: '不拆分' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: /^活动$/ }).click();
    await chartsDrawn(page);
    const chart = page.locator('[data-chart]').first();
    const box = (await chart.boundingBox())!;
    let shown = '';
    for (let y = box.y + 12; y < box.y + box.height - 12 && !shown.includes('<img'); y += 8) {
      await page.mouse.move(box.x + box.width / 2, y);
      shown = await chart.innerText();
    }
    expect(shown).toContain(hostile);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await chart.locator('img').count()).toBe(0);
  });

  it('gives a viewer no edit buttons, and the API refuses a viewer\'s edits', async () => {
    const { context, page } = await newPage();
    await login(page, viewer.email, viewer.password);
    await page.waitForURL(/\/overview$/);
    await chartsDrawn(page);
    expect(await page.getByTestId('role').innerText()).toBe('只读');
    await screenshot(page, 'viewer-overview');

    const editLabels = /^(保存|添加|新建|吊销|删除|添加规则|添加成员|新建计划|拆解|设置预算|立即检查|新建公开密钥|保存假设)$/;
    for (const url of ['/settings/shop', '/settings/channels', '/settings/operators', '/data/import', '/data/api-keys', '/data/tracking', '/data/events', '/plan']) {
      await page.goto(`${baseUrl}${url}`);
      await page.locator('h3').first().waitFor();
      if (url !== '/data/tracking') await page.getByTestId('read-only').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('.ant-skeleton').length === 0);
      const buttons = await page.locator('main button, .ant-layout-content button').allInnerTexts();
      expect(buttons.filter((b) => editLabels.test(b.replace(/\s/g, ''))), url).toEqual([]);
      expect(await page.locator('input[type=file]').count(), url).toBe(0);
    }
    await screenshot(page, 'viewer-settings');

    // The session is in the httpOnly cookie, out of the page's reach; the test reads it from the browser.
    expect(await page.evaluate(() => document.cookie)).not.toContain('flywheel_session');
    expect(await page.evaluate(() => localStorage.getItem('flywheel.session') ?? '')).not.toContain('fws_');
    const token = (await context.cookies()).find((c) => c.name === 'flywheel_session')!.value;
    expect(token).toMatch(/^fws_/);
    expect((await http('PATCH', '/v1/shop', token, { timezone: 'UTC' })).status).toBe(403);
    expect((await http('PUT', '/v1/shop/channel-mapping', token, { rules: [] })).status).toBe(403);
    expect((await http('POST', '/v1/api-keys', token, { kind: 'secret' })).status).toBe(403);
    expect((await http('POST', '/v1/orders/batch', token, { records: [] })).status).toBe(403);
    expect((await http('POST', '/v1/plans', token, { name: 'x', period: today.slice(0, 4) })).status).toBe(403);

    // The same person is an analyst in a second shop: the switcher logs in again there.
    const branch = await fw.shops.createShop({ name: '断桥分店' });
    await invite(branch.secretKey, 'analyst');
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/login$/);
    expect((await http('GET', '/v1/shop', token)).status).toBe(401);
    await login(page, viewer.email, viewer.password);
    await page.getByTestId('shop-switcher').click();
    await page.getByText('断桥分店 · 分析师').click();
    await page.locator('.ant-modal input[type=password]').fill(viewer.password);
    await page.locator('.ant-modal .ant-btn-primary').click();
    await expect.poll(() => page.getByTestId('role').innerText()).toBe('分析师');
    expect(await page.getByTestId('shop-switcher').innerText()).toContain('断桥分店');
    await page.getByTestId('kpi-cards').waitFor();
    await context.close();
  });
});
