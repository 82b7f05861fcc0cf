import { describe, expect, it } from 'vitest';
import { changeColours, renderText, textOf, type Locale, type ReviewReport } from '@flywheel/contracts';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';

/**
 * The 复盘 report as a manager forwards it to the boss, rendered from a hand-made November: sales
 * ¥6,000 against a ¥10,000 target, conversion up from 2.00% to 3.98%, sales by channel (paid_social,
 * private_domain) and platform (mini_program) among the movers.
 */
function november(locale: Locale, changeColoursOf: ReviewReport['changeColours'] = 'red_up'): ReviewReport {
  const risk = textOf('risk.sales_gap', { currency: 'CNY', shortfall: 400_000, against: 'baseline.target', reached: 'risk.sales_gap.reached', attainment: 0.6 });
  const action = { action: textOf('action.channel_conversion', { channel: 'paid_social' }), because: textOf('because.channel_conversion', { channel: 'paid_social', drop: 0.2, previous: 0.05, current: 0.04 }) };
  const kpi = (metric: ReviewReport['kpis'][number]['metric'], target: number | null, actual: number, previous: number, changePct: number | null) => ({
    metric, label: metric, unit: 'x', target, actual, gap: target === null ? null : actual - target, attainment: target ? actual / target : null, previous, changePct, targetSource: null, targetSourceText: null,
  });
  return {
    shopId: 'shop_1', shopName: '西湖小铺', currency: 'CNY', timezone: 'Asia/Shanghai', locale, changeColours: changeColoursOf,
    period: { label: '2026-11', from: '2026-11-01', to: '2026-12-01', grain: 'month' },
    measured: { from: '2026-11-01', to: '2026-12-01' }, previous: { from: '2026-10-01', to: '2026-11-01' }, asOf: '2026-12-03', targetShare: 1,
    plan: { id: 'plan_x1', name: '2026 年度经营计划' },
    kpis: [
      kpi('sales', 1_000_000, 600_000, 500_000, 0.2),
      kpi('conversion_rate', 0.04, 0.0398, 0.02, 0.99),
      kpi('per_customer_spend', null, 30_000, 25_000, 0.2),
      kpi('repurchase_rate', null, 0.147, 0.1, 0.47),
    ],
    salesVariance: {
      method: 'lmdi', baseline: 'target', target: 1_000_000, actual: 600_000, gap: -400_000, uvEffect: -700_000, conversionEffect: 250_000, perCustomerSpendEffect: 50_000,
      drivers: { uv: { target: 1000, actual: 500 }, conversionRate: { target: 0.04, actual: 0.0398 }, perCustomerSpend: { target: 25_000, actual: 30_000 } },
      note: null, notes: [],
    },
    gapByChannel: { targetSource: null, targetSourceText: textOf('source.split_last_year', { dimension: 'channel' }), rows: [
      { key: 'paid_social', target: 600_000, actual: 200_000, gap: -400_000, previous: 250_000, changePct: -0.2 },
      { key: 'private_domain', target: 400_000, actual: 400_000, gap: 0, previous: 250_000, changePct: 0.6 },
    ] },
    gapByCategory: { targetSource: null, targetSourceText: null, rows: [{ key: '服饰', target: null, actual: 600_000, gap: null, previous: 500_000, changePct: 0.2 }] },
    topMovers: [
      { dimension: 'platform', key: 'mini_program', metric: 'sales', current: 400_000, previous: 200_000, change: 200_000, changePct: 1 },
      { dimension: 'channel', key: 'paid_social', metric: 'conversion_rate', current: 0.0398, previous: 0.02, change: 0.0198, changePct: 0.99 },
    ],
    roi: {
      channels: [{ key: 'paid_social', spend: 100_000, sales: 200_000, roas: 2, newBuyers: 0, cac: null, budget: null, roasFloor: 2 }],
      campaigns: [{ key: '双11', spend: 100_000, sales: 200_000, roas: 2, newBuyers: 5, cac: 20_000, budget: 150_000, roasFloor: 2 }],
    },
    daily: Array.from({ length: 30 }, (_, i) => ({ date: `2026-11-${String(i + 1).padStart(2, '0')}`, sales: 20_000, previous: i < 31 ? 16_000 : null })),
    promotions: [{ id: 'prm_x1', name: '满200减20', orders: 12, sales: 300_000, discountCost: 24_000, salesPerDiscount: 12.5 }],
    risks: [{ kind: 'sales_gap', severity: 'critical', message: renderText(locale, risk), text: risk }],
    nextActions: [{ action: renderText(locale, action.action), because: renderText(locale, action.because), text: action }],
  };
}

/** Three Latin words in a row: an English sentence. */
const englishSentence = /[A-Za-z]+[ ,.;:]+[A-Za-z]+[ ,.;:]+[A-Za-z]+/;
const cjk = /[\u4e00-\u9fff]/;
const rawIds = /paid_social|private_domain|mini_program|\bsales · |plan_x1|prm_x1/;
/** The words people read in an HTML page: its text, not its markup, styles or the charts' SVG. */
const textOfHtml = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<[^>]+>/g, ' ').replace(/&[a-z#0-9]+;/g, ' ');
const svgTexts = (html: string) => [...html.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('the 复盘 report', () => {
  for (const render of [renderMarkdown, (r: ReviewReport) => textOfHtml(renderHtml(r))]) {
    it(`writes November as 2026-11-01 ~ 2026-11-30, never with its exclusive end (${render === renderMarkdown ? 'Markdown' : 'HTML'})`, () => {
      for (const locale of ['zh-CN', 'en'] as const) {
        const text = render(november(locale));
        expect(text).toContain('2026-11-01 ~ 2026-11-30');
        expect(text).toContain('2026-10-01 ~ 2026-10-31');
        expect(text).not.toContain('2026-12-01');
      }
    });

    it(`names channels and platforms, never their ids, and changes ratios by percentage points (${render === renderMarkdown ? 'Markdown' : 'HTML'})`, () => {
      const zh = render(november('zh-CN'));
      expect(zh).not.toMatch(rawIds);
      expect(zh).toContain('信息流');
      expect(zh).toContain('小程序');
      expect(zh).toContain('+1.98个百分点');
      expect(zh).not.toContain('+99');
      const en = render(november('en'));
      expect(en).not.toMatch(rawIds);
      expect(en).toContain('Mini program');
      expect(en).toContain('+1.98 pp');
    });
  }

  it('reads in one language: Chinese headings and prose without English, English without Chinese', () => {
    const zh = renderHtml(november('zh-CN'));
    const headings = (html: string) => [...html.matchAll(/<h[1-3]>([^<]*)<\/h[1-3]>/g)].map((m) => m[1]);
    for (const h of headings(zh)) expect(h, h).not.toMatch(/[A-Za-z]{3,}/);
    const zhText = textOfHtml(zh).replace(/Asia\/Shanghai|Flywheel|LMDI-I|ROAS|GMV|UV|S1|S0|ln/g, ' ');
    expect(zhText).not.toMatch(englishSentence);
    const en = renderHtml(november('en'));
    for (const h of headings(en)) expect(h.replace('西湖小铺', ''), h).not.toMatch(cjk);
    expect(textOfHtml(en).replace(/西湖小铺|2026 年度经营计划|服饰|双11|满200减20/g, '')).not.toMatch(cjk);
  });

  it('opens with the summary a boss reads first: sales, target, attainment, change, risks and next actions', () => {
    const html = renderHtml(november('zh-CN'));
    const first = textOfHtml(html.slice(0, html.indexOf('<h2>指标')));
    for (const words of ['支付金额', '¥6,000.00', '目标', '¥10,000.00', '达成率', '60.0%', '环比', '+20%', '风险', '下一步行动', '检查 信息流 的落地页和出价']) expect(first).toContain(words);
  });

  it('counts what each promotion cost against the sales it priced', () => {
    expect(renderMarkdown(november('zh-CN'))).toContain('## 促销活动成本\n\n| 活动 | 支付订单数 | 支付金额 | 优惠成本 | 每元优惠带来的销售额 |\n| --- | ---: | ---: | ---: | ---: |\n| 满200减20 | 12 | ¥3,000.00 | ¥240.00 | 12.50 |');
    expect(renderMarkdown({ ...november('en'), promotions: [] })).toContain('## Promotion cost\n\n_No order in this period was priced with a promotion._');
  });

  it('labels the waterfall\'s bars as money and reads its axes in 万, not raw numbers', () => {
    const labels = svgTexts(renderHtml(november('zh-CN')));
    for (const l of ['¥1万', '-¥7,000.00', '+¥2,500.00', '+¥500.00', '¥6,000.00']) expect(labels, l).toContain(l);
    expect(labels.filter((l) => /^-?\d{4,}(\.\d+)?$/.test(l.replace(/,/g, '')))).toEqual([]);
  });

  it('colours rises and falls by the shop\'s convention: red up and green down unless it asks otherwise', () => {
    const redUp = renderHtml(november('zh-CN'));
    // sales +20%: a rise
    expect(redUp).toMatch(new RegExp(`color:${changeColours.red}">\\+20%`));
    expect(redUp).toMatch(new RegExp(`color:${changeColours.green}">-20%`));
    const goodGreen = renderHtml(november('en', 'good_green'));
    expect(goodGreen).toMatch(new RegExp(`color:${changeColours.green}">\\+20%`));
  });
});
