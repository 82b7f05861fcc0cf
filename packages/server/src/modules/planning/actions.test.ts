import { describe, expect, it } from 'vitest';
import { risksAndActions, type ActionInput } from './actions';

const base: ActionInput = {
  currency: 'CNY',
  variance: { baseline: 'target', target: 1_000_000, gap: 0, uvEffect: 0, conversionEffect: 0, perCustomerSpendEffect: 0 },
  drivers: { uv: { target: 1000, actual: 1000 }, conversionRate: { target: 0.02, actual: 0.02 }, perCustomerSpend: { target: 50_000, actual: 50_000 } },
  kpis: [], channelConversion: [], channels: [], channelShares: [], channelShareMax: 0.5, offTrack: [],
};

describe('risks and next actions from the numbers', () => {
  it('asks to review landing pages when a channel\'s conversion fell 10% or more', () => {
    const out = risksAndActions({ ...base, channelConversion: [{ channel: 'paid_social', previous: 0.05, current: 0.041, uv: 400 }, { channel: 'kol', previous: 0.05, current: 0.049, uv: 400 }, { channel: 'email', previous: 0.05, current: 0.01, uv: 12 }] });
    expect(out.nextActions).toEqual([{ action: 'Review landing pages and bids of paid_social', because: 'conversion of paid_social fell 18% (5.00% -> 4.10%)' }]);
  });

  it('keeps the three channels that lost the most buyers', () => {
    const channelConversion = [100, 500, 300, 200, 400].map((uv, i) => ({ channel: `c${i}`, previous: 0.05, current: 0.04, uv }));
    const out = risksAndActions({ ...base, channelConversion });
    expect(out.nextActions.map((a) => a.action)).toEqual(['Review landing pages and bids of c1', 'Review landing pages and bids of c4', 'Review landing pages and bids of c2']);
  });

  it('names the driver that cost the most, and the channel under its ROAS floor with where to move budget', () => {
    const out = risksAndActions({
      ...base,
      variance: { ...base.variance, gap: -300_000, uvEffect: -250_000, conversionEffect: 20_000, perCustomerSpendEffect: -70_000 },
      channels: [{ key: 'paid_social', spend: 100_000, sales: 120_000, roas: 1.2, roasFloor: 2, budget: 80_000 }, { key: 'paid_search', spend: 50_000, sales: 200_000, roas: 4, roasFloor: 2, budget: null }],
    });
    expect(out.nextActions[0].action).toMatch(/^Add traffic/);
    expect(out.nextActions[1].action).toMatch(/^Raise 客单价/);
    expect(out.nextActions.some((a) => /paid_social.*move budget to paid_search \(ROAS 4.00\)/.test(a.action))).toBe(true);
    expect(out.nextActions.some((a) => /Cap daily spend of paid_social/.test(a.action))).toBe(true);
    expect(out.risks.map((r) => r.kind)).toEqual(['sales_gap', 'roas_below_floor', 'over_budget']);
    expect(out.risks[0].severity).toBe('critical'); // 700,000 of 1,000,000: under 90% reached
  });

  it('flags single-channel dependency but never direct traffic', () => {
    const out = risksAndActions({ ...base, channelShares: [{ channel: 'direct', share: 0.7 }, { channel: 'paid_social', share: 0.55 }] });
    expect(out.risks).toEqual([expect.objectContaining({ kind: 'channel_concentration', message: expect.stringMatching(/^paid_social carries 55.0%/) })]);
  });

  it('asks for data when there is nothing to review', () => {
    expect(risksAndActions({ ...base, variance: { ...base.variance, target: 0, gap: 0 } }).nextActions[0].action).toMatch(/^Load the shop's orders/);
  });

  it('still suggests something when all is well', () => {
    expect(risksAndActions({ ...base, variance: { ...base.variance, gap: 5000 } }).nextActions[0].because).toMatch(/beat the target/);
  });
});
