import { describe, expect, it } from 'vitest';
import { channels, hasText, locales, renderText, textOf, textTemplates } from './index';

/** The values a template reads (catalog labels, {@sales}, may differ: English says "spent" where Chinese names 推广花费). */
const placeholders = (template: string) => [...new Set([...template.matchAll(/\{(\w+(?::\w+)?)\}/g)].map((m) => m[1]))].sort();
const englishSentence = /[A-Za-z]+[ ,.;:]+[A-Za-z]+[ ,.;:]+[A-Za-z]+/;
const cjk = /[\u4e00-\u9fff]/;

describe('the server texts catalog', () => {
  it('has every text in zh-CN and English, reading the same values', () => {
    for (const [key, template] of Object.entries(textTemplates)) {
      if (key !== 'phrase.none') expect(template['zh-CN'] && template.en, key).toBeTruthy();
      expect(placeholders(template['zh-CN']), key).toEqual(placeholders(template.en));
    }
  });

  it('writes Chinese without English sentences and English without Chinese', () => {
    for (const [key, template] of Object.entries(textTemplates)) {
      const words = (s: string) => s.replace(/\{[^}]+\}/g, ' ');
      expect(words(template['zh-CN']), key).not.toMatch(englishSentence);
      expect(template.en, key).not.toMatch(cjk);
    }
  });

  it('fills money, percentages, metric values, catalog labels and nested texts in the reader\'s language', () => {
    const alert = textOf('alert.roas_below_floor', { scope: 'scope.campaign', channel: 'paid_social', campaign: '双11预热', currency: 'JPY', roas: 0.5, floor: 2, spend: 20_000, sales: 10_000 });
    expect(renderText('en', alert)).toBe('ROAS of campaign 双11预热 (Paid social (feeds)) is 0.50 month to date, under its floor of 2.00 (marketing spend ¥20,000, sales (paid) ¥10,000)');
    expect(renderText('zh-CN', alert)).toBe('活动 双11预热（信息流） 本月至今投入产出比 (ROAS)为 0.50，低于底线 2.00（推广花费 ¥20,000，支付金额 ¥10,000）');
    const anomaly = textOf('alert.kpi_anomaly', { metric: 'conversion_rate', date: '2026-10-29', value: 0.05, mean: 0.02, z: 4.26, direction: 'direction.up', days: 28 });
    expect(renderText('en', anomaly)).toBe('Conversion rate on 2026-10-29 was 5.00%, 4.3σ above its 28-day level of 2.00%');
    expect(renderText('zh-CN', anomaly)).toBe('支付转化率 2026-10-29 为 5.00%，高于近 28 天水平 2.00% 4.3σ');
  });

  it('names channels and dimensions as labels.ts does, never by their ids', () => {
    const split = textOf('source.split_targets', { dimension: 'platform' });
    expect(renderText('zh-CN', split)).toBe('计划中按平台拆分的目标');
    expect(renderText('en', split)).toBe('the plan\'s targets by Platform');
    for (const channel of channels) {
      const text = textOf('risk.over_budget', { channel, spend: 2, budget: 1, share: 2 });
      for (const locale of locales) expect(renderText(locale, text), `${locale} ${channel}`).not.toContain(channel);
    }
  });

  it('renders a key it does not know as the key, so a newer server\'s text is never lost', () => {
    expect(hasText('alert.from_the_future')).toBe(false);
    expect(renderText('en', { key: 'alert.from_the_future', values: {} })).toBe('alert.from_the_future');
  });
});
