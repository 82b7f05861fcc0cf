import { describe, expect, it } from 'vitest';
import { impliedDrivers } from './driver-tree';

describe('driver tree', () => {
  it('says what 5亿 needs at 3% conversion and 500元 per buyer', () => {
    const out = impliedDrivers(50_000_000_000, { conversionRate: 0.03, perCustomerSpend: 50_000, returningBuyerRate: 0.4 });
    expect(out.buyers).toBe(1_000_000);
    expect(out.uv).toBe(33_333_334); // 33,333,333.3 rounded up: a third of a visitor still has to come
    expect(out.returningBuyers).toBe(400_000);
    expect(out.newBuyers! + out.returningBuyers!).toBe(out.buyers);
  });

  it('leaves what it cannot know empty', () => {
    expect(impliedDrivers(1000, { conversionRate: null, perCustomerSpend: 100, returningBuyerRate: null })).toEqual({ buyers: 10, uv: null, newBuyers: null, returningBuyers: null });
    expect(impliedDrivers(1000, { conversionRate: 0.1, perCustomerSpend: null, returningBuyerRate: 0.5 }).uv).toBeNull();
  });
});
