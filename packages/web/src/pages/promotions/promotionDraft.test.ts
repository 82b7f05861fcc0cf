import { describe, expect, it } from 'vitest';
import { promotionCreate, type Promotion } from '@flywheel/contracts';
import { bodyOf, draftOf, newDraft, problems } from './promotionDraft';

describe('the promotion form', () => {
  it('makes a body the API takes for every kind, and reads it back', () => {
    const base = { ...newDraft(), name: '活动' };
    const drafts = [
      { ...base, kind: 'threshold' as const, threshold: { basis: 'amount' as const, benefit: 'off' as const, tiers: [{ min: 20000, value: 2000 }, { min: 30000, value: 4000 }], repeat: false } },
      { ...base, kind: 'threshold' as const, threshold: { basis: 'quantity' as const, benefit: 'percentOff' as const, tiers: [{ min: 3, value: 10 }], repeat: true } },
      { ...base, kind: 'timed_discount' as const, timed: { mode: 'prices' as const, percentOff: null, prices: [{ sku: 'A', price: 8800 }] } },
      { ...base, kind: 'member_price' as const, member: { mode: 'custom' as const, tiers: [{ tier: 'gold', percentOff: 10 }] } },
      { ...base, kind: 'bundle' as const, bundle: { mode: 'price' as const, quantity: 3, value: 9900, repeat: true } },
      { ...base, kind: 'gift' as const, gift: { basis: 'amount' as const, tiers: [{ min: 30000, sku: 'MINI', quantity: 1 }] }, segment: 'seg_1', maxUses: 100 },
    ];
    for (const draft of drafts) {
      expect(problems(draft)).toEqual([]);
      const body = bodyOf(draft, 'live');
      const parsed = promotionCreate.safeParse(body);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      const stored = { ...parsed.data!, id: 'promo_x', usage: { uses: 0, discount: 0 }, createdAt: '', updatedAt: '', status: 'live' } as unknown as Promotion;
      expect(bodyOf(draftOf(stored), 'live')).toEqual(body);
    }
  });

  it('names what is wrong at the API\'s fields: overlapping tiers, a percent over 100, the window, a bundle of one', () => {
    const d = newDraft();
    expect(problems({ ...d, name: 'x', threshold: { ...d.threshold, tiers: [{ min: 200, value: 20 }, { min: 200, value: 30 }] } })).toEqual([{ field: 'rule.tiers[1].min', key: 'climbing' }]);
    expect(problems({ ...d, name: 'x', threshold: { ...d.threshold, benefit: 'percentOff', tiers: [{ min: 200, value: 120 }] } })).toEqual([{ field: 'rule.tiers[0].percentOff', key: 'percent' }]);
    expect(problems({ ...d, name: 'x', endsAt: d.startsAt, threshold: { ...d.threshold, tiers: [{ min: 1, value: 1 }] } })).toEqual([{ field: 'endsAt', key: 'window' }]);
    expect(problems({ ...d, name: 'x', kind: 'bundle', bundle: { mode: 'off', quantity: 1, value: 100, repeat: false } })).toEqual([{ field: 'rule.quantity', key: 'quantity' }]);
    expect(problems({ ...d, threshold: { ...d.threshold, tiers: [{ min: 1, value: 1 }] } })).toEqual([{ field: 'name', key: 'required' }]);
  });
});
