import { describe, expect, it } from 'vitest';
import { renderText, type LocalizedText } from '@flywheel/contracts';
import { risksAndActions, type ActionInput, type NextAction } from './actions';

const base: ActionInput = {
  currency: 'CNY',
  variance: { baseline: 'target', target: 1_000_000, gap: 0, uvEffect: 0, conversionEffect: 0, perCustomerSpendEffect: 0 },
  drivers: { uv: { target: 1000, actual: 1000 }, conversionRate: { target: 0.02, actual: 0.02 }, perCustomerSpend: { target: 50_000, actual: 50_000 } },
  kpis: [], channelConversion: [], channels: [], channelShares: [], channelShareMax: 0.5, offTrack: [],
};
const en = (text: LocalizedText) => renderText('en', text);
const zh = (text: LocalizedText) => renderText('zh-CN', text);
const inEnglish = (a: NextAction) => ({ action: en(a.action), because: en(a.because) });
/** Three Latin words in a row: an English sentence (identifiers such as paid_social and ROAS are not). */
const englishSentence = /[A-Za-z]+[ ,.;:]+[A-Za-z]+[ ,.;:]+[A-Za-z]+/;

describe('risks and next actions from the numbers', () => {
  it('asks to review landing pages when a channel\'s conversion fell 10% or more', () => {
    const out = risksAndActions({ ...base, channelConversion: [{ channel: 'paid_social', previous: 0.05, current: 0.041, uv: 400 }, { channel: 'kol', previous: 0.05, current: 0.049, uv: 400 }, { channel: 'email', previous: 0.05, current: 0.01, uv: 12 }] });
    expect(out.nextActions.map(inEnglish)).toEqual([{ action: 'Review landing pages and bids of Paid social (feeds)', because: 'conversion of Paid social (feeds) fell 18% (5.00% -> 4.10%)' }]);
    expect(out.nextActions.map((a) => [zh(a.action), zh(a.because)])).toEqual([['检查 信息流 的落地页和出价', '信息流 的支付转化率下降 18%（5.00% → 4.10%）']]);
  });

  it('keeps the three channels that lost the most buyers', () => {
    const channelConversion = [100, 500, 300, 200, 400].map((uv, i) => ({ channel: `c${i}`, previous: 0.05, current: 0.04, uv }));
    const out = risksAndActions({ ...base, channelConversion });
    expect(out.nextActions.map((a) => a.action.values.channel)).toEqual(['c1', 'c4', 'c2']);
  });

  it('names the driver that cost the most, and the channel under its ROAS floor with where to move budget', () => {
    const out = risksAndActions({
      ...base,
      variance: { ...base.variance, gap: -300_000, uvEffect: -250_000, conversionEffect: 20_000, perCustomerSpendEffect: -70_000 },
      channels: [{ key: 'paid_social', spend: 100_000, sales: 120_000, roas: 1.2, roasFloor: 2, budget: 80_000 }, { key: 'paid_search', spend: 50_000, sales: 200_000, roas: 4, roasFloor: 2, budget: null }],
    });
    const actions = out.nextActions.map(inEnglish);
    expect(actions[0].action).toMatch(/^Add traffic/);
    expect(actions[1].action).toMatch(/^Raise spend per buyer/);
    expect(actions[1].because).toBe('the spend per buyer cost ¥700.00 (¥500.00 against ¥500.00)');
    expect(actions.some((a) => /Paid social \(feeds\).*move budget to Paid search \(ROAS 4.00\)/.test(a.action))).toBe(true);
    expect(actions.some((a) => /Cap daily spend of Paid social \(feeds\)/.test(a.action))).toBe(true);
    expect(out.risks.map((r) => r.kind)).toEqual(['sales_gap', 'roas_below_floor', 'over_budget']);
    expect(out.risks[0].severity).toBe('critical'); // 700,000 of 1,000,000: under 90% reached
    expect(en(out.risks[0].text)).toBe('Sales (paid) are ¥3,000.00 short of the target (70.0% reached)');
    // In Chinese: no English sentence, the catalog's metric labels, money from the formatter.
    for (const text of [...out.risks.map((r) => r.text), ...out.nextActions.flatMap((a) => [a.action, a.because])]) expect(zh(text)).not.toMatch(englishSentence);
    expect(zh(out.risks[0].text)).toBe('支付金额比目标少 ¥3,000.00（达成 70.0%）');
    expect(zh(out.nextActions[1].action)).toMatch(/^提升客单价/);
  });

  it('flags single-channel dependency but never direct traffic', () => {
    const out = risksAndActions({ ...base, channelShares: [{ channel: 'direct', share: 0.7 }, { channel: 'paid_social', share: 0.55 }] });
    expect(out.risks.map((r) => [r.kind, en(r.text)])).toEqual([['channel_concentration', 'Paid social (feeds) carries 55.0% of sessions (limit 50%): a single-channel dependency']]);
    expect(zh(out.risks[0].text)).toBe('55.0% 的访问次数来自 信息流（上限 50%）：单一流量依赖');
  });

  it('asks for data when there is nothing to review', () => {
    expect(en(risksAndActions({ ...base, variance: { ...base.variance, target: 0, gap: 0 } }).nextActions[0].action)).toMatch(/^Load the shop's orders/);
  });

  it('still suggests something when all is well', () => {
    expect(en(risksAndActions({ ...base, variance: { ...base.variance, gap: 5000 } }).nextActions[0].because)).toMatch(/beat the target/);
  });
});
