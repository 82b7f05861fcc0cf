import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '@flywheel/contracts';
import type { Flywheel } from '../../app';
import { addOperator, call, newShop, startFlywheel } from '../../testing/harness';

/**
 * Plans through the real HTTP stack on a shop with a hand-made history (Asia/Shanghai):
 *
 * 2025 (last year): one order on the 5th of every month, 10,000 fen, except June 30,000 and November
 *   50,000; October has a second order on the 20th, 30,000. Year total 210,000; no tracked visitors.
 * 2026-09: c4 pays 40,000 on the 12th after a paid_social visit; 2 more paid_social visitors.
 * 2026-10: c1 pays 20,000 on the 3rd (paid_social), c2 10,000 on the 10th (paid_search), c3 50,000 on the
 *   25th (paid_social, campaign 双11预热); 7 anonymous paid_social visitors (4 before the 15th).
 *   Spend: paid_social 25,000 (双11预热) + 15,000, paid_search 5,000.
 */
let fw: Flywheel;
let key: string;
let shopId: string;

const at = (date: string, time = '10:00:00') => `${date}T${time}+08:00`;
const order = (id: string, customerId: string, amount: number, date: string, extra: Record<string, unknown> = {}) => ({
  externalId: id, customerId, status: 'paid', placedAt: at(date), paidAt: at(date), items: [{ sku: 'SKU-1', quantity: 1, unitPrice: amount }], payableAmount: amount, ...extra,
});
const visit = (id: string, who: { userId?: string; anonymousId?: string }, date: string, medium: string) => ({
  type: 'page', messageId: id, ...who, timestamp: at(date, '09:00:00'), context: { page: { url: `https://shop.cn/?utm_source=ads&utm_medium=${medium}` } },
});

beforeAll(async () => {
  fw = await startFlywheel();
  const shop = await newShop(fw, '花间服饰');
  key = shop.secretKey;
  shopId = shop.shopId;
  const lastYear = Array.from({ length: 12 }, (_, i) => {
    const month = String(i + 1).padStart(2, '0');
    return order(`ly-${month}`, `c-ly-${month}`, i === 5 ? 30_000 : i === 10 ? 50_000 : 10_000, `2025-${month}-05`);
  });
  const orders = [
    ...lastYear,
    order('ly-10b', 'c-ly-13', 30_000, '2025-10-20'),
    order('o-sep', 'c4', 40_000, '2026-09-12'),
    order('o-oct-1', 'c1', 20_000, '2026-10-03'),
    order('o-oct-2', 'c2', 10_000, '2026-10-10'),
    order('o-oct-3', 'c3', 50_000, '2026-10-25', { campaign: '双11预热' }),
  ];
  expect((await call(fw, 'POST', '/v1/orders/batch', key, { records: orders })).body.accepted).toBe(orders.length);
  const spend = await call(fw, 'POST', '/v1/spend/batch', key, {
    records: [
      { date: '2026-10-05', channel: 'paid_social', campaign: '双11预热', amount: 25_000 },
      { date: '2026-10-12', channel: 'paid_social', amount: 15_000 },
      { date: '2026-10-10', channel: 'paid_search', amount: 5_000 },
    ],
  });
  expect(spend.body.accepted).toBe(3);
  const anonymous = ['2026-10-02', '2026-10-06', '2026-10-08', '2026-10-12', '2026-10-16', '2026-10-20', '2026-10-28'].map((d, i) => visit(`v-a${i}`, { anonymousId: `anon-${i}` }, d, 'feed'));
  const events = [
    visit('v-c4', { userId: 'c4' }, '2026-09-12', 'feed'),
    visit('v-s1', { anonymousId: 'sep-1' }, '2026-09-13', 'feed'),
    visit('v-s2', { anonymousId: 'sep-2' }, '2026-09-14', 'feed'),
    visit('v-c1', { userId: 'c1' }, '2026-10-03', 'feed'),
    visit('v-c2', { userId: 'c2' }, '2026-10-10', 'cpc'),
    visit('v-c3', { userId: 'c3' }, '2026-10-25', 'feed'),
    ...anonymous,
  ];
  expect((await call(fw, 'POST', '/v1/batch', shop.publishableKey, { batch: events })).body.accepted).toBe(events.length);
  await fw.projector.drain();
});
afterAll(async () => { await fw?.close(); });

/** Three Latin words in a row: an English sentence (identifiers such as paid_social and ROAS are not). */
const englishSentence = /[A-Za-z]+[ ,.;:]+[A-Za-z]+[ ,.;:]+[A-Za-z]+/;

const ok = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, status = 200) => {
  const res = await call(fw, method, url, key, body);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};

let planId: string;
let annualId: string;
let octoberId: string;

describe('plans, targets and decomposition', () => {
  it('creates a plan with targets on any metric and says what a 客单价 target implies', async () => {
    const plan = await ok('POST', '/v1/plans', {
      name: '2026 年度经营计划', period: '2026', owner: '运营经理',
      targets: [
        { metric: 'sales', value: 1_050_000, owner: '运营经理', note: 'GMV 同比 +20%' },
        { metric: 'per_customer_spend', value: 50_000, note: '客单价 500元' },
        { metric: 'repurchase_rate', value: 0.4, note: '复购率 40%' },
      ],
    }, 201);
    planId = plan.id;
    expect(plan.period).toEqual({ label: '2026', from: '2026-01-01', to: '2027-01-01', grain: 'year' });
    expect(plan.targets).toHaveLength(3);
    annualId = plan.targets.find((t: { metric: string }) => t.metric === 'sales').id;
    const implied = plan.checks.find((c: { kind: string }) => c.kind === 'implied');
    expect(implied.implied).toEqual({ buyers: 21 }); // 1,050,000 / 50,000
    expect(implied.message).toBe('支付金额 ¥10,500.00、客单价 ¥500.00，意味着支付买家数 21');
    expect(renderText('en', implied.text)).toBe('with sales (paid) ¥10,500.00, spend per buyer ¥500.00 implies buyers 21');
    expect((await ok('GET', '/v1/plans')).plans.map((p: { id: string }) => p.id)).toContain(planId);
  });

  it('refuses targets a metric cannot take, outside the plan, or twice', async () => {
    const fen = await call(fw, 'POST', `/v1/plans/${planId}/targets`, key, { metric: 'sales', value: 100.5, period: '2026-03' });
    expect(fen.status).toBe(400);
    expect(fen.body.error).toMatchObject({ code: 'invalid_field', field: 'target.value' });
    const outside = await call(fw, 'POST', `/v1/plans/${planId}/targets`, key, { metric: 'sales', value: 100, period: '2027-01' });
    expect(outside.body.error.field).toBe('target.period');
    const bogus = await call(fw, 'POST', `/v1/plans/${planId}/targets`, key, { metric: 'happiness', value: 1 });
    expect(bogus.body.error.field).toBe('metric');
    expect((await call(fw, 'POST', `/v1/plans/${planId}/targets`, key, { metric: 'sales', value: 1 })).status).toBe(409);
    const other = await newShop(fw, 'another shop');
    expect((await call(fw, 'GET', `/v1/plans/${planId}`, other.secretKey)).status).toBe(404);
  });

  it('lets a viewer read plans but not change them', async () => {
    await addOperator(fw, key, { email: 'viewer@flywheel.test', name: '看板', password: 'viewer-pass-1', role: 'viewer' });
    const login = await call(fw, 'POST', '/v1/auth/login', undefined, { email: 'viewer@flywheel.test', password: 'viewer-pass-1', shopId });
    expect(login.status).toBe(200);
    expect((await call(fw, 'GET', `/v1/plans/${planId}`, login.body.token)).status).toBe(200);
    expect((await call(fw, 'POST', `/v1/plans/${planId}/targets`, login.body.token, { metric: 'orders', value: 10 })).status).toBe(403);
  });

  it('splits the annual target by month along last year\'s curve, to the fen', async () => {
    const r = await ok('POST', `/v1/plans/${planId}/targets/${annualId}/decompose`, { by: 'month', method: 'seasonal' });
    expect(r.method).toBe('seasonal');
    expect(r.basis).toEqual({ from: '2025-01-01', to: '2026-01-01' });
    const byMonth = Object.fromEntries(r.children.map((c: { period: { label: string }; value: number }) => [c.period.label, c.value]));
    // 1,050,000 x (10,000 | 30,000 | 40,000 | 50,000) / 210,000
    expect(byMonth).toMatchObject({ '2026-01': 50_000, '2026-06': 150_000, '2026-10': 200_000, '2026-11': 250_000, '2026-12': 50_000 });
    expect(r.children.reduce((a: number, c: { value: number }) => a + c.value, 0)).toBe(1_050_000);
    expect(r.weights.reduce((a: number, w: { weight: number }) => a + w.weight, 0)).toBeCloseTo(1, 12);
    octoberId = r.children.find((c: { period: { label: string } }) => c.period.label === '2026-10').id;
    // Splitting again replaces the split rather than adding a second one.
    await ok('POST', `/v1/plans/${planId}/targets/${annualId}/decompose`, { by: 'month', method: 'seasonal' });
    const plan = await ok('GET', `/v1/plans/${planId}`);
    expect(plan.targets.filter((t: { splitBy: string | null }) => t.splitBy === 'month')).toHaveLength(12);
    octoberId = plan.targets.find((t: { period: { label: string }; splitBy: string }) => t.period.label === '2026-10' && t.splitBy === 'month').id;
  });

  it('splits a month into clipped weeks by days, and by channel only with values that add up', async () => {
    const weeks = await ok('POST', `/v1/plans/${planId}/targets/${octoberId}/decompose`, { by: 'week', method: 'even' });
    // 4 + 7 + 7 + 7 + 6 days of 31: 25,806.45 45,161.29 (x3) 38,709.68: the 2 fen left go to .68 and .45
    expect(weeks.children.map((c: { value: number }) => c.value)).toEqual([25_807, 45_161, 45_161, 45_161, 38_710]);
    const bad = await call(fw, 'POST', `/v1/plans/${planId}/targets/${octoberId}/decompose`, key, { by: 'channel', method: 'manual', values: [{ key: 'paid_social', value: 150_000 }, { key: 'paid_search', value: 49_999 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_field', field: 'values' });
    expect(bad.body.error.message).toMatch(/sum to 199999.*off by -1/);
    const channels = await ok('POST', `/v1/plans/${planId}/targets/${octoberId}/decompose`, { by: 'channel', method: 'manual', values: [{ key: 'paid_social', value: 150_000 }, { key: 'paid_search', value: 50_000 }] });
    expect(channels.children.map((c: { dimension: string; dimensionValue: string; value: number }) => [c.dimension, c.dimensionValue, c.value])).toEqual([['channel', 'paid_social', 150_000], ['channel', 'paid_search', 50_000]]);
  });

  it('falls back to an even split when the shop has no history for the metric, and says so', async () => {
    const uv = await ok('POST', `/v1/plans/${planId}/targets`, { metric: 'uv', value: 310, period: '2026-10' }, 201);
    const r = await ok('POST', `/v1/plans/${planId}/targets/${uv.id}/decompose`, { by: 'week', method: 'seasonal' });
    expect(r.requestedMethod).toBe('seasonal');
    expect(r.method).toBe('even');
    expect(r.noteText.key).toBe('plan.seasonal.no_history');
    expect(r.note).toBe('无季节性：店铺去年同期没有数据，因此平均拆分');
    expect(r.children.map((c: { value: number }) => c.value)).toEqual([40, 70, 70, 70, 60]);
  });
});

describe('driver tree', () => {
  it('builds on the plan\'s 客单价 target and says what is missing', async () => {
    const tree = await ok('GET', `/v1/plans/${planId}/targets/${annualId}/drivers`);
    expect(tree.assumptions.perCustomerSpend).toEqual({ value: 50_000, source: 'plan' });
    expect(tree.assumptions.conversionRate).toEqual({ value: null, source: 'none' }); // no visitors last year
    expect(tree.implied).toMatchObject({ buyers: 21, uv: null });
    expect(tree.notes).toContainEqual({ key: 'plan.drivers.missing', values: { rate: 'conversion_rate' } });
    expect(tree.note).toMatch(/没有可依据的支付转化率/);
    expect(tree.lastYear).toMatchObject({ sales: 210_000, buyers: 13 });
  });

  it('answers "how many visitors a month" from editable assumptions', async () => {
    const tree = await ok('PUT', `/v1/plans/${planId}/targets/${annualId}/assumptions`, { conversionRate: 0.25, perCustomerSpend: 40_000 });
    expect(tree.assumptions.conversionRate).toEqual({ value: 0.25, source: 'assumption' });
    expect(tree.implied).toMatchObject({ buyers: 27, uv: 105 }); // 1,050,000 / 40,000 = 26.25 -> 27; / 0.25 = 105
    const october = tree.months.find((m: { period: { label: string } }) => m.period.label === '2026-10');
    expect(october).toMatchObject({ sales: 200_000, buyers: 5, uv: 20 });
    expect(tree.months.reduce((a: number, m: { sales: number }) => a + m.sales, 0)).toBe(1_050_000);
  });
});

describe('pacing', () => {
  it('expects October along last year\'s curve, not a straight line, and forecasts the run rate', async () => {
    const r = await ok('GET', `/v1/plans/${planId}/pacing?asOf=2026-10-15`);
    const october = r.targets.find((t: { targetId: string }) => t.targetId === octoberId);
    // by 10-15 last October had done 10,000 of 40,000; this October has sold 30,000 of its 200,000
    expect(october).toMatchObject({ curve: 'seasonal', expectedShare: 0.25, expectedToDate: 50_000, actualToDate: 30_000, forecast: 120_000, status: 'off_track' });
    expect(october.interval.low).toBeGreaterThanOrEqual(30_000);
    expect(october.interval.high).toBeGreaterThan(120_000);
    const uv = r.targets.find((t: { metric: string; period: { label: string } }) => t.metric === 'uv' && t.period.label === '2026-10');
    // no visitors last year: a straight line; 6 visitors in the first 14 of 31 days
    expect(uv).toMatchObject({ curve: 'linear', expectedToDate: 140, actualToDate: 6, forecast: 13, status: 'off_track' });
    expect(uv.note).toMatch(/straight line/);
    const november = r.targets.find((t: { period: { label: string }; metric: string; splitBy?: string }) => t.metric === 'sales' && t.period.label === '2026-11');
    expect(november.status).toBe('not_started');
  });

  it('forecasts the year as its months\' actuals and forecasts added up, and calls a month that is over achieved or missed', async () => {
    const r = await ok('GET', `/v1/plans/${planId}/pacing?asOf=2026-10-15`);
    type Row = { targetId: string; metric: string; period: { label: string; grain: string }; dimension: string | null; forecast: number; status: string };
    const sales = (r.targets as Row[]).filter((t) => t.metric === 'sales' && !t.dimension);
    const year = sales.find((t) => t.targetId === annualId)!;
    const months = sales.filter((t) => t.period.grain === 'month');
    expect(months).toHaveLength(12);
    expect(months.reduce((a, t) => a + t.forecast, 0)).toBe(year.forecast);
    // September sold 40,000 of its target, January nothing: both are over, so missed, not "off track"
    const september = months.find((t) => t.period.label === '2026-09')!;
    expect(september.status).toBe('missed');
    expect(months.filter((t) => t.period.label < '2026-10').every((t) => t.status === 'achieved' || t.status === 'missed')).toBe(true);
  });
});

describe('budgets', () => {
  it('tracks spend against budget, and ROAS against its floor (default 1:2)', async () => {
    await ok('PUT', '/v1/budgets', {
      budgets: [
        { month: '2026-10', channel: 'paid_social', amount: 30_000 },
        { month: '2026-10', channel: 'paid_search', amount: 10_000, roasFloor: 2.5 },
        { month: '2026-10', channel: 'paid_social', campaign: '双11预热', amount: 20_000 },
      ],
    });
    const r = await ok('GET', '/v1/budgets?month=2026-10&asOf=2026-10-15');
    const row = (channel: string, campaign = '') => r.budgets.find((b: { channel: string; campaign: string }) => b.channel === channel && b.campaign === campaign);
    expect(row('paid_social')).toMatchObject({ amount: 30_000, spend: 40_000, remaining: -10_000, overBudget: true, sales: 70_000, roas: 1.75, roasFloor: 2, roasBelowFloor: true, expectedSpendToDate: Math.round(30_000 * 14 / 31) });
    expect(row('paid_search')).toMatchObject({ spend: 5_000, sales: 10_000, roas: 2, roasFloor: 2.5, roasBelowFloor: true, overBudget: false });
    expect(row('paid_social', '双11预热')).toMatchObject({ spend: 25_000, sales: 50_000, roas: 2, roasBelowFloor: false });
    expect(r.totals).toEqual({ amount: 40_000, spend: 45_000, remaining: -5_000 });
    const bad = await call(fw, 'PUT', '/v1/budgets', key, { budgets: [{ month: '2026-13', channel: 'kol', amount: 1 }] });
    expect(bad.body.error.field).toBe('budgets[0].month');
  });
});

describe('the 复盘 review', () => {
  it('explains October: target vs actual, the gap by driver adding up exactly, by channel, ROI, risks, actions', async () => {
    const r = await ok('GET', '/v1/reviews?month=2026-10&asOf=2026-11-02');
    expect(r.plan).toEqual({ id: planId, name: '2026 年度经营计划' });
    const kpi = (metric: string) => r.kpis.find((k: { metric: string }) => k.metric === metric);
    expect(kpi('sales')).toMatchObject({ target: 200_000, actual: 80_000, gap: -120_000, attainment: 0.4, previous: 40_000, targetSource: 'plan' });
    expect(kpi('uv')).toMatchObject({ actual: 10, target: 310 });
    expect(kpi('conversion_rate').actual).toBeCloseTo(0.3, 12);
    expect(kpi('per_customer_spend')).toMatchObject({ target: 50_000, targetSource: 'the 2026 target' });
    const v = r.salesVariance;
    expect(v).toMatchObject({ baseline: 'target', target: 200_000, actual: 80_000, gap: -120_000 });
    expect(v.uvEffect + v.conversionEffect + v.perCustomerSpendEffect).toBe(-120_000);
    // target side from the driver tree: 200,000 / (0.25 x 40,000) = 20 UV
    expect(v.drivers.uv).toEqual({ target: 20, actual: 10 });
    const L = -120_000 / Math.log(80_000 / 200_000);
    expect(Math.abs(v.uvEffect - L * Math.log(10 / 20))).toBeLessThanOrEqual(1);
    expect(Math.abs(v.conversionEffect - L * Math.log(0.3 / 0.25))).toBeLessThanOrEqual(1);
    expect(v.method).toMatch(/LMDI/);
    expect(r.gapByChannel.targetSource).toMatch(/plan/);
    expect(r.gapByChannel.rows.find((x: { key: string }) => x.key === 'paid_social')).toMatchObject({ target: 150_000, actual: 70_000, gap: -80_000, previous: 40_000 });
    expect(r.topMovers[0]).toMatchObject({ dimension: expect.any(String), metric: 'sales' });
    expect(r.topMovers.some((m: { dimension: string; key: string; change: number }) => m.dimension === 'channel' && m.key === 'paid_social' && m.change === 30_000)).toBe(true);
    expect(r.roi.channels.find((c: { key: string }) => c.key === 'paid_social')).toMatchObject({ spend: 40_000, sales: 70_000, roas: 1.75, budget: 30_000, roasFloor: 2 });
    expect(r.risks.map((x: { kind: string }) => x.kind)).toEqual(expect.arrayContaining(['sales_gap', 'roas_below_floor', 'over_budget']));
    expect(r.nextActions[0]).toMatchObject({ action: expect.stringMatching(/^增加流量/), text: { action: { key: 'action.add_traffic' } } }); // UV cost the most
    // The review is in the shop's language, zh-CN: no English sentence in its risks and actions.
    expect(r.locale).toBe('zh-CN');
    for (const line of [...r.risks.map((x: { message: string }) => x.message), ...r.nextActions.flatMap((a: { action: string; because: string }) => [a.action, a.because])]) expect(line).not.toMatch(englishSentence);
    const en = await ok('GET', '/v1/reviews?month=2026-10&asOf=2026-11-02&lang=en');
    expect(en.nextActions[0].action).toMatch(/^Add traffic/);
    expect(en.risks.find((x: { kind: string }) => x.kind === 'sales_gap').message).toBe('Sales (paid) are ¥1,200.00 short of the target (40.0% reached)');
    expect(r.daily).toHaveLength(31);
  });

  it('reviews a quarter in progress against the part of its target expected by then', async () => {
    // Q4 = the sum of its month targets, 500,000; by 11-28 last year's Q4 had done 90,000 of 100,000
    const r = await ok('GET', '/v1/reviews?quarter=2026-Q4&asOf=2026-11-28');
    expect(r.measured).toEqual({ from: '2026-10-01', to: '2026-11-28' });
    expect(r.previous).toEqual({ from: '2026-07-01', to: '2026-08-28' });
    expect(r.targetShare).toBeCloseTo(0.9, 12);
    const sales = r.kpis.find((k: { metric: string }) => k.metric === 'sales');
    expect(sales).toMatchObject({ target: 450_000, actual: 80_000 });
    expect(sales.targetSource).toMatch(/sum of the 2026-10, 2026-11, 2026-12 targets, 90.0% of it expected by 2026-11-28/);
    expect(r.salesVariance.target).toBe(450_000);
    expect(r.salesVariance.uvEffect + r.salesVariance.conversionEffect + r.salesVariance.perCustomerSpendEffect).toBe(80_000 - 450_000);
    expect(r.gapByChannel.rows.reduce((a: number, x: { target: number }) => a + x.target, 0)).toBe(450_000);
    const future = await call(fw, 'GET', '/v1/reviews?month=2026-12&asOf=2026-11-28', key);
    expect(future.body.error).toMatchObject({ code: 'invalid_field', field: 'month' });
  });

  it('renders Markdown, HTML with SVG charts, and PDF', async () => {
    const md = await call(fw, 'GET', '/v1/reviews?month=2026-10&format=md&asOf=2026-11-02', key);
    expect(md.headers['content-type']).toMatch(/text\/markdown/);
    expect(md.body).toMatch(/^# 复盘：花间服饰 — 2026-10/);
    expect(md.body).toContain('| 访客数 (UV) | 20 | 10 |');
    const prose = md.body.slice(md.body.indexOf('## 风险'));
    expect(prose).toContain('## 下一步行动');
    expect(prose).not.toMatch(englishSentence);
    const mdEn = await call(fw, 'GET', '/v1/reviews?month=2026-10&format=md&asOf=2026-11-02&lang=en', key);
    expect(mdEn.body).toMatch(/^# Review: 花间服饰 — 2026-10/);
    expect(mdEn.body).toContain('| Visitors (UV) | 20 | 10 |');
    expect(mdEn.body).toMatch(/## Next actions\n\n1\. Add traffic/);
    expect(md.body).not.toMatch(/NaN|undefined/);
    const html = await call(fw, 'GET', '/v1/reviews?month=2026-10&format=html&asOf=2026-11-02', key);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect((html.body.match(/<svg/g) ?? []).length).toBe(4);
    expect(html.body).not.toMatch(/NaN|undefined/);
    const pdf = await fw.http.inject({ method: 'GET', url: '/v1/reviews?month=2026-10&format=pdf&asOf=2026-11-02', headers: { authorization: `Bearer ${key}` } });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('asks for exactly one of month and quarter', async () => {
    expect((await call(fw, 'GET', '/v1/reviews', key)).body.error).toMatchObject({ code: 'invalid_field', field: 'month' });
    expect((await call(fw, 'GET', '/v1/reviews?month=2026-10&quarter=2026-Q4', key)).status).toBe(400);
    expect((await call(fw, 'GET', '/v1/reviews?month=2026-10&format=docx', key)).status).toBe(400);
  });
});
