import { renderText } from '@flywheel/contracts';
import { describe, expect, it } from 'vitest';
import { allocate, mulDivHalfUp, percentOf } from './money';
import { categoryMatches, compileScope, inScope } from './scope';
import { AT, appliedAmount, catalogOf, coupon, guest, member, price, promotion, unitDiscounts } from './test-support';

/** Hand-computed carts, one per rule of "Pricing details (pinned by tests)" in PRODUCT.md. */

describe('money', () => {
  it('rounds percentages half up to the 分 on the amount they apply to', () => {
    expect(percentOf(33333, 10)).toBe(3333); // 3333.3
    expect(percentOf(33335, 10)).toBe(3334); // 3333.5 -> up
    expect(percentOf(1, 50)).toBe(1); // 0.5 -> up
    expect(percentOf(999, 12.5)).toBe(125); // 124.875
    expect(mulDivHalfUp(1e12, 9999, 10000)).toBe(999_900_000_000);
  });

  it('spreads by largest remainder, ties to the earlier weight', () => {
    expect(allocate(2000, [15000, 8000])).toEqual([1304, 696]);
    expect(allocate(1, [100, 100])).toEqual([1, 0]);
    expect(allocate(2, [100, 100, 100])).toEqual([1, 1, 0]);
    expect(allocate(100, [98, 98, 98, 98, 98, 98])).toEqual([17, 17, 17, 17, 16, 16]);
    // Beyond 2^53 the products are exact too.
    expect(allocate(999_999_999_999, [1e12, 1e12, 1])).toEqual([499_999_999_999, 499_999_999_999, 1]);
  });
});

describe('scope', () => {
  it('takes a category path and everything under it by whole segments; excludeSkus wins', () => {
    expect(categoryMatches('服饰', '服饰/女装/连衣裙')).toBe(true);
    expect(categoryMatches('服饰/女装', '服饰/女装')).toBe(true);
    expect(categoryMatches('服饰', '服饰配件')).toBe(false);
    expect(categoryMatches('服饰/女装', '服饰')).toBe(false);
    const scope = compileScope({ skus: ['A'], categories: [' 服饰 / 女装 '], excludeSkus: ['B'] });
    expect(inScope(scope, 'A', null)).toBe(true);
    expect(inScope(scope, 'B', '服饰/女装/连衣裙')).toBe(false);
    expect(inScope(scope, 'C', '服饰/女装/连衣裙')).toBe(true);
    expect(inScope(scope, 'D', '美妆')).toBe(false);
    expect(inScope(compileScope({ skus: [], categories: [], excludeSkus: ['B'] }), 'Z', null)).toBe(true);
  });
});

describe('threshold 满减 / 满折', () => {
  const catalog = catalogOf({ A: 15000, B: 8000, C: 3000, D: 100 });

  it('满200减20: spread over the units by amount, largest remainder', () => {
    const p = promotion('threshold', { basis: 'amount', tiers: [{ min: 20000, off: 2000 }], repeat: false });
    const cart = price({ items: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }], catalog, promotions: [p] });
    expect(cart.orderDiscount).toBe(2000);
    expect(unitDiscounts(cart)).toEqual([[1304], [696]]);
    expect(cart.total).toBe(21000);
    expect(cart.lines[0].allocations).toEqual([{ source: p.id, amount: 1304 }]);
    expect(cart.applied).toEqual([{ source: p.id, kind: 'threshold', name: p.name, amount: 2000 }]);
  });

  it('the highest tier met applies, and the next one is hinted: 再买¥12.00 可减¥30', () => {
    const p = promotion('threshold', { basis: 'amount', tiers: [{ min: 10000, off: 1000 }, { min: 20000, off: 3000 }], repeat: false });
    const cart = price({ items: [{ sku: 'A', quantity: 1 }, { sku: 'C', quantity: 1 }], catalog: catalogOf({ A: 15800, C: 3000 }), promotions: [p] });
    expect(cart.orderDiscount).toBe(1000);
    expect(cart.hints).toHaveLength(1);
    expect(cart.hints[0]).toMatchObject({ source: p.id, missingAmount: 1200, missingQuantity: null });
    expect(renderText('zh-CN', cart.hints[0].text)).toBe('再买¥12.00 可减¥30');
    expect(renderText('en', cart.hints[0].text)).toBe('Spend ¥12.00 more to save ¥30');
    const top = price({ items: [{ sku: 'A', quantity: 2 }], catalog: catalogOf({ A: 15800 }), promotions: [p] });
    expect(top.orderDiscount).toBe(3000);
    expect(top.hints).toEqual([]);
  });

  it('每满100减10 (repeat) takes 10 off once per whole 100', () => {
    const p = promotion('threshold', { basis: 'amount', tiers: [{ min: 10000, off: 1000 }], repeat: true });
    const cart = price({ items: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }, { sku: 'C', quantity: 4 }], catalog, promotions: [p] });
    expect(cart.subtotal).toBe(35000);
    expect(cart.orderDiscount).toBe(3000);
    expect(cart.hints[0]).toMatchObject({ missingAmount: 5000 });
    expect(renderText('zh-CN', cart.hints[0].text)).toBe('再买¥50.00 可减¥40');
  });

  it('满300打9折 (percentOff) rounds half up on the scope amount', () => {
    const p = promotion('threshold', { basis: 'amount', tiers: [{ min: 30000, percentOff: 10 }], repeat: false });
    const cart = price({ items: [{ sku: 'X', quantity: 3 }], catalog: catalogOf({ X: 11111 }), promotions: [p] });
    expect(cart.orderDiscount).toBe(3333); // 33333 × 10% = 3333.3
    expect(unitDiscounts(cart)).toEqual([[1111, 1111, 1111]]);
    const short = price({ items: [{ sku: 'X', quantity: 2 }], catalog: catalogOf({ X: 11111 }), promotions: [p] });
    expect(renderText('zh-CN', short.hints[0].text)).toBe('再买¥77.78 享9折');
    expect(renderText('en', short.hints[0].text)).toBe('Spend ¥77.78 more for 10% off');
  });

  it('on quantity: 满3件减15, with 再买1件 when short', () => {
    const p = promotion('threshold', { basis: 'quantity', tiers: [{ min: 3, off: 1500 }], repeat: false });
    const short = price({ items: [{ sku: 'C', quantity: 2 }], catalog, promotions: [p] });
    expect(short.orderDiscount).toBe(0);
    expect(short.notApplied).toMatchObject([{ source: p.id, code: 'threshold_not_met' }]);
    expect(short.hints[0]).toMatchObject({ missingQuantity: 1, missingAmount: null });
    expect(renderText('zh-CN', short.hints[0].text)).toBe('再买1件 可减¥15');
    expect(price({ items: [{ sku: 'C', quantity: 3 }], catalog, promotions: [p] }).orderDiscount).toBe(1500);
  });

  it('满5减1 on ¥0.98 items: met at 6 units (¥5.88), exactly ¥1 off; not at 5 (¥4.90)', () => {
    const p = promotion('threshold', { basis: 'amount', tiers: [{ min: 500, off: 100 }], repeat: false });
    const catalog98 = catalogOf({ T: 98 });
    const six = price({ items: [{ sku: 'T', quantity: 6 }], catalog: catalog98, promotions: [p] });
    expect(six.orderDiscount).toBe(100);
    expect(six.total).toBe(488);
    expect(unitDiscounts(six)).toEqual([[17, 17, 17, 17, 16, 16]]);
    const five = price({ items: [{ sku: 'T', quantity: 5 }], catalog: catalog98, promotions: [p] });
    expect(five.orderDiscount).toBe(0);
    expect(five.total).toBe(490);
    expect(five.hints[0]).toMatchObject({ missingAmount: 10 });
    expect(renderText('zh-CN', five.hints[0].text)).toBe('再买¥0.10 可减¥1');
  });

  it('its discount never exceeds the scope amount (满1减100 on a ¥1 cart gives ¥1)', () => {
    const p = promotion('threshold', { basis: 'amount', tiers: [{ min: 100, off: 10000 }], repeat: false });
    const cart = price({ items: [{ sku: 'D', quantity: 1 }], catalog, promotions: [p] });
    expect(cart.orderDiscount).toBe(100);
    expect(cart.total).toBe(0);
  });

  it('counts only the lines in scope, by category', () => {
    const p = promotion('threshold', { basis: 'amount', tiers: [{ min: 10000, off: 1000 }], repeat: false }, { scope: { categories: ['服饰'] } });
    const cat = catalogOf({ DRESS: { price: 12000, category: '服饰/女装/连衣裙' }, CLIP: { price: 5000, category: '服饰配件' } });
    const cart = price({ items: [{ sku: 'DRESS', quantity: 1 }, { sku: 'CLIP', quantity: 1 }], catalog: cat, promotions: [p] });
    expect(unitDiscounts(cart)).toEqual([[1000], [0]]);
    const excluded = promotion('threshold', { basis: 'amount', tiers: [{ min: 10000, off: 1000 }], repeat: false }, { scope: { categories: ['服饰'], excludeSkus: ['DRESS'] } });
    expect(price({ items: [{ sku: 'DRESS', quantity: 1 }], catalog: cat, promotions: [excluded] }).orderDiscount).toBe(0);
  });
});

describe('bundle N件M元 / 3件套立减', () => {
  it('3件套立减50 takes the highest-priced units of its scope, in any mix', () => {
    const p = promotion('bundle', { quantity: 3, off: 5000, repeat: false });
    const catalog = catalogOf({ A: 10000, B: 6000, C: 3000 });
    const cart = price({ items: [{ sku: 'C', quantity: 1 }, { sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }], catalog, promotions: [p] });
    // A, A and B make the set (26000): 5000 spread 1923.08, 1923.08, 1153.85 -> 1923, 1923, 1154.
    expect(unitDiscounts(cart)).toEqual([[0], [1923, 1923], [1154]]);
    expect(cart.orderDiscount).toBe(5000);
    expect(cart.hints).toEqual([]);
  });

  it('3件99元 (price) and repeat: as often as whole sets fit; 再买1件 for the next set', () => {
    const p = promotion('bundle', { quantity: 3, price: 9900, repeat: true });
    const catalog = catalogOf({ A: 4000, B: 3000 });
    const cart = price({ items: [{ sku: 'A', quantity: 4 }, { sku: 'B', quantity: 4 }], catalog, promotions: [p] });
    // Sets: (4000, 4000, 4000) -> 2100 off; (4000, 3000, 3000) -> 100 off; two units of B left.
    expect(cart.orderDiscount).toBe(2200);
    expect(unitDiscounts(cart)).toEqual([[700, 700, 700, 40], [30, 30, 0, 0]]);
    expect(cart.hints[0]).toMatchObject({ missingQuantity: 1 });
    expect(renderText('zh-CN', cart.hints[0].text)).toBe('再买1件 享3件¥99');
  });

  it('short of a set: 再买1件 享3件套立减¥50', () => {
    const p = promotion('bundle', { quantity: 3, off: 5000, repeat: false });
    const cart = price({ items: [{ sku: 'A', quantity: 2 }], catalog: catalogOf({ A: 10000 }), promotions: [p] });
    expect(cart.orderDiscount).toBe(0);
    expect(renderText('zh-CN', cart.hints[0].text)).toBe('再买1件 享3件套立减¥50');
  });
});

describe('stacking within the order stage', () => {
  const catalog = catalogOf({ A: 15000, B: 10000 });
  const items = [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }];

  it('two 满减 in one group: the larger; in two groups: both, each on the stage input', () => {
    const big = promotion('threshold', { basis: 'amount', tiers: [{ min: 20000, off: 3000 }], repeat: false });
    const small = promotion('threshold', { basis: 'amount', tiers: [{ min: 10000, off: 1000 }], repeat: false });
    const one = price({ items, catalog, promotions: [small, big] });
    expect(one.orderDiscount).toBe(3000);
    expect(one.notApplied).toMatchObject([{ source: small.id, code: 'better_combination' }]);
    const apart = promotion('threshold', { basis: 'amount', tiers: [{ min: 20000, off: 2000 }], repeat: false }, { stacking: { group: 'store', exclusive: false } });
    const two = price({ items, catalog, promotions: [big, apart] });
    // Both are valued on 25000 (not 22000): 3000 + 2000.
    expect(two.orderDiscount).toBe(5000);
  });

  it('a bundle competing with a threshold in one group: the combination giving more wins', () => {
    const threshold = promotion('threshold', { basis: 'amount', tiers: [{ min: 20000, off: 2000 }], repeat: false });
    const bundle = promotion('bundle', { quantity: 2, off: 3000, repeat: false });
    const cart = price({ items, catalog, promotions: [threshold, bundle] });
    expect(cart.orderDiscount).toBe(3000);
    expect(appliedAmount(cart, bundle.id)).toBe(3000);
    expect(cart.notApplied).toMatchObject([{ source: threshold.id, code: 'better_combination' }]);
  });

  it('the best combination: two smaller promotions on separate lines beat one big one across both', () => {
    const onA = promotion('threshold', { basis: 'amount', tiers: [{ min: 10000, off: 2000 }], repeat: false }, { scope: { skus: ['A'] } });
    const onB = promotion('threshold', { basis: 'amount', tiers: [{ min: 10000, off: 2000 }], repeat: false }, { scope: { skus: ['B'] } });
    const across = promotion('threshold', { basis: 'amount', tiers: [{ min: 20000, off: 3500 }], repeat: false });
    const cart = price({ items, catalog, promotions: [across, onA, onB] });
    expect(cart.orderDiscount).toBe(4000);
    expect(cart.applied.map((a) => a.source).sort()).toEqual([onA.id, onB.id].sort());
  });

  it('an exclusive promotion shares its lines with no other promotion of the stage', () => {
    const exclusive = promotion('threshold', { basis: 'amount', tiers: [{ min: 20000, off: 3000 }], repeat: false }, { stacking: { group: 'x', exclusive: true } });
    const other = promotion('threshold', { basis: 'amount', tiers: [{ min: 20000, off: 2000 }], repeat: false }, { stacking: { group: 'y', exclusive: false } });
    expect(price({ items, catalog, promotions: [exclusive, other] }).orderDiscount).toBe(3000);
  });

  it('promotions of different groups whose sum passes the amount are capped at it', () => {
    const a = promotion('threshold', { basis: 'amount', tiers: [{ min: 100, off: 20000 }], repeat: false }, { stacking: { group: 'a', exclusive: false } });
    const b = promotion('threshold', { basis: 'amount', tiers: [{ min: 100, off: 20000 }], repeat: false }, { stacking: { group: 'b', exclusive: false } });
    const cart = price({ items, catalog, promotions: [a, b] });
    expect(cart.orderDiscount).toBe(25000);
    expect(cart.total).toBe(0);
  });
});

describe('item stage: 限时折扣 and 会员价', () => {
  const catalog = catalogOf({ A: 10000, B: 5000 });

  it('one per line, the lowest price wins', () => {
    const timed = promotion('timed_discount', { percentOff: 20 });
    const memberPrice = promotion('member_price', {});
    const cart = price({ items: [{ sku: 'A', quantity: 2 }], catalog, promotions: [memberPrice, timed], customer: member({ tier: 'gold', tierDiscountPct: 10 }) });
    expect(cart.itemDiscount).toBe(4000);
    expect(unitDiscounts(cart)).toEqual([[2000, 2000]]);
    expect(cart.notApplied).toMatchObject([{ source: memberPrice.id, code: 'better_price' }]);
    const gold = price({ items: [{ sku: 'A', quantity: 1 }], catalog, promotions: [promotion('member_price', {})], customer: member({ tier: 'gold', tierDiscountPct: 30 }) });
    expect(gold.itemDiscount).toBe(3000);
  });

  it('prices by SKU, and member price by tier from the rule', () => {
    const timed = promotion('timed_discount', { prices: { A: 8800 } });
    const byTier = promotion('member_price', { tiers: { gold: 10, diamond: 15 } });
    const cart = price({ items: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }], catalog, promotions: [timed, byTier], customer: member({ tier: 'diamond' }) });
    // A: ¥88 (1200 off) against diamond's 15% (1500 off): the member price is lower.
    expect(unitDiscounts(cart)).toEqual([[1500], [750]]);
    expect(cart.notApplied).toMatchObject([{ source: timed.id, code: 'better_price' }]);
    expect(unitDiscounts(price({ items: [{ sku: 'A', quantity: 1 }], catalog, promotions: [timed, byTier], customer: member({ tier: 'gold' }) }))).toEqual([[1200]]);
    const normal = price({ items: [{ sku: 'B', quantity: 1 }], catalog, promotions: [byTier], customer: member({ tier: 'normal' }) });
    expect(normal.notApplied).toMatchObject([{ source: byTier.id, code: 'not_member' }]);
  });

  it('the order stage sees the amounts the item stage left', () => {
    const timed = promotion('timed_discount', { percentOff: 10 });
    const threshold = promotion('threshold', { basis: 'amount', tiers: [{ min: 20000, off: 2000 }], repeat: false });
    const cart = price({ items: [{ sku: 'A', quantity: 2 }], catalog, promotions: [timed, threshold] });
    // 20000 - 2000 = 18000 < 20000: not met.
    expect(cart.orderDiscount).toBe(0);
    expect(cart.hints[0]).toMatchObject({ missingAmount: 2000 });
  });
});

describe('gift 买赠 / 满赠', () => {
  it('adds a gift line at price 0, outside the subtotal', () => {
    const p = promotion('gift', { basis: 'amount', tiers: [{ min: 30000, gift: { sku: 'GIFT', quantity: 1 } }] });
    const catalog = catalogOf({ A: 20000, GIFT: { price: 3900, title: '旅行装', cost: 800 } });
    const cart = price({ items: [{ sku: 'A', quantity: 2 }], catalog, promotions: [p] });
    expect(cart.subtotal).toBe(40000);
    expect(cart.total).toBe(40000);
    expect(cart.lines[1]).toMatchObject({ sku: 'GIFT', quantity: 1, unitPrice: 0, discount: 0, total: 0, gift: true, allocations: [{ source: p.id, amount: 0 }] });
    expect(cart.applied).toMatchObject([{ source: p.id, kind: 'gift', amount: 0 }]);
    const short = price({ items: [{ sku: 'A', quantity: 1 }], catalog, promotions: [p] });
    expect(short.lines).toHaveLength(1);
    expect(renderText('zh-CN', short.hints[0].text)).toBe('再买¥100.00 可获赠 旅行装 ×1');
  });
});

describe('coupons', () => {
  const catalog = catalogOf({ A: 12000, B: 9000 });

  it("minSpend is checked after the 满减: met before it, not after", () => {
    const threshold = promotion('threshold', { basis: 'amount', tiers: [{ min: 20000, off: 2000 }], repeat: false });
    const c = coupon('SAVE10', { off: 1000 }, { minSpend: 20000 });
    const cart = price({ items: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }], catalog, promotions: [threshold], coupons: [c] });
    expect(cart.orderDiscount).toBe(2000);
    expect(cart.couponDiscount).toBe(0);
    expect(cart.notApplied).toMatchObject([{ source: 'SAVE10', code: 'min_spend_not_met' }]);
    expect(cart.hints).toMatchObject([{ source: 'SAVE10', missingAmount: 1000 }]);
  });

  it('a percent coupon takes its share of the line amount (unit × quantity), capped by maxOff and by its scope', () => {
    const c = coupon('P15', { percentOff: 15 }, { scope: { skus: ['B'] } });
    const cart = price({ items: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 3 }], catalog, coupons: [c] });
    expect(cart.couponDiscount).toBe(4050); // 27000 × 15%
    expect(unitDiscounts(cart)).toEqual([[0], [1350, 1350, 1350]]);
    const capped = price({ items: [{ sku: 'B', quantity: 3 }], catalog, coupons: [coupon('P15', { percentOff: 15, maxOff: 3000 })] });
    expect(capped.couponDiscount).toBe(3000);
    const big = price({ items: [{ sku: 'B', quantity: 1 }, { sku: 'A', quantity: 1 }], catalog, coupons: [coupon('BIG', { off: 50000 }, { scope: { skus: ['B'] } })] });
    expect(big.couponDiscount).toBe(9000);
  });

  it('a fixed coupon is an amount per order, not per unit', () => {
    const cart = price({ items: [{ sku: 'B', quantity: 4 }], catalog, coupons: [coupon('TEN', { off: 1000 })] });
    expect(cart.couponDiscount).toBe(1000);
  });

  it('one coupon per order unless the templates stack; the better one is kept', () => {
    const small = coupon('S', { off: 500 });
    const large = coupon('L', { off: 1500 });
    const cart = price({ items: [{ sku: 'A', quantity: 1 }], catalog, coupons: [small, large] });
    expect(cart.couponDiscount).toBe(1500);
    expect(cart.notApplied).toMatchObject([{ source: 'S', code: 'better_combination' }]);
    const stacking = coupon('S2', { off: 500 }, { stacking: { group: 'shipping-subsidy', exclusive: false } });
    expect(price({ items: [{ sku: 'A', quantity: 1 }], catalog, coupons: [large, stacking] }).couponDiscount).toBe(2000);
  });

  it('a code given twice applies once; refusals the service found are named; guests use none', () => {
    const cart = price({ items: [{ sku: 'A', quantity: 1 }], catalog, coupons: [coupon('X', { off: 500 }), coupon('X', { off: 500 }), coupon('GONE', { off: 500 }, { refusal: 'unknown_coupon' })] });
    expect(cart.couponDiscount).toBe(500);
    expect(cart.notApplied.map((n) => [n.source, n.code])).toEqual([['X', 'coupon_duplicate'], ['GONE', 'unknown_coupon']]);
    expect(renderText('zh-CN', cart.notApplied[1].text)).toBe('优惠券 GONE 不存在');
    expect(price({ items: [{ sku: 'A', quantity: 1 }], catalog, coupons: [coupon('X', { off: 500 })], customer: guest }).notApplied).toMatchObject([{ code: 'guest' }]);
  });
});

describe('points 积分抵现', () => {
  const catalog = catalogOf({ A: 15000 });
  const points = { available: 20000, pointsPerYuan: 100, maxShare: 0.5 };

  it('at most maxShare of what is left, at pointsPerYuan', () => {
    const cart = price({ items: [{ sku: 'A', quantity: 1 }], catalog, customer: member({ points }), points: 10000 });
    expect(cart.pointsDeduction).toBe(7500);
    expect(cart.pointsUsed).toBe(7500);
    expect(cart.total).toBe(7500);
    expect(cart.notApplied).toMatchObject([{ source: 'points', code: 'points_capped' }]);
    expect(cart.lines[0].allocations).toEqual([{ source: 'points', amount: 7500 }]);
    expect(cart.lines[0].units[0].points).toBe(7500);
  });

  it('the fewest points that pay for whole 分 (10 points a 元: 1 point = 10分)', () => {
    const cart = price({ items: [{ sku: 'A', quantity: 1 }], catalog, customer: member({ points: { available: 99, pointsPerYuan: 10, maxShare: 1 } }), points: 99 });
    expect(cart.pointsDeduction).toBe(990);
    expect(cart.pointsUsed).toBe(99);
    const thousand = price({ items: [{ sku: 'A', quantity: 1 }], catalog, customer: member({ points: { available: 1005, pointsPerYuan: 1000, maxShare: 1 } }), points: 1005 });
    expect(thousand.pointsDeduction).toBe(100);
    expect(thousand.pointsUsed).toBe(1000);
  });

  it('never more than the balance; none without a points program', () => {
    const cart = price({ items: [{ sku: 'A', quantity: 1 }], catalog, customer: member({ points: { ...points, available: 300 } }), points: 1000 });
    expect(cart.pointsUsed).toBe(300);
    expect(cart.notApplied).toMatchObject([{ code: 'points_insufficient' }]);
    expect(price({ items: [{ sku: 'A', quantity: 1 }], catalog, points: 100 }).notApplied).toMatchObject([{ source: 'points', code: 'points_unavailable' }]);
  });
});

describe('shipping', () => {
  const catalog = catalogOf({ A: 5000 });
  const freeOver99 = promotion('threshold', { basis: 'amount', tiers: [{ min: 9900, freeShipping: true }], repeat: false });

  it('满99包邮 on the amount left after points; a tier benefit frees it too', () => {
    const short = price({ items: [{ sku: 'A', quantity: 1 }], catalog, promotions: [freeOver99], shippingFee: 800 });
    expect(short.shippingFee).toBe(800);
    expect(short.total).toBe(5800);
    expect(renderText('zh-CN', short.hints[0].text)).toBe('再买¥49.00 可包邮');
    const met = price({ items: [{ sku: 'A', quantity: 2 }], catalog, promotions: [freeOver99], shippingFee: 800 });
    expect(met).toMatchObject({ shippingFee: 0, shippingDiscount: 800, total: 10000 });
    expect(met.applied).toMatchObject([{ source: freeOver99.id, kind: 'free_shipping', amount: 800 }]);
    const gold = price({ items: [{ sku: 'A', quantity: 1 }], catalog, shippingFee: 800, customer: member({ tier: 'gold', freeShipping: true }) });
    expect(gold.total).toBe(5000);
  });
});

describe('the cart', () => {
  it('an unknown SKU is named in notApplied and the rest priced; the same SKU twice is one line', () => {
    const cart = price({ items: [{ sku: 'A', quantity: 1 }, { sku: 'NOPE', quantity: 1 }, { sku: 'A', quantity: 2 }], catalog: catalogOf({ A: 100 }) });
    expect(cart.lines).toMatchObject([{ sku: 'A', quantity: 3 }]);
    expect(cart.notApplied).toMatchObject([{ source: 'NOPE', code: 'unknown_sku' }]);
    expect(cart.total).toBe(300);
  });

  it('largest remainder ties go to the earlier line, then the earlier unit', () => {
    const p = promotion('threshold', { basis: 'amount', tiers: [{ min: 100, off: 3 }], repeat: false });
    const cart = price({ items: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 2 }], catalog: catalogOf({ A: 100, B: 100 }), promotions: [p] });
    expect(unitDiscounts(cart)).toEqual([[1, 1], [1, 0]]);
  });

  it('a promotion outside its window, audience or budget does not apply, with the reason', () => {
    const later = promotion('threshold', { basis: 'amount', tiers: [{ min: 100, off: 10 }], repeat: false }, { startsAt: AT + 1, endsAt: AT + 10 });
    const gold = promotion('threshold', { basis: 'amount', tiers: [{ min: 100, off: 10 }], repeat: false }, { audience: { tiers: ['gold'] }, stacking: { group: 'g', exclusive: false } });
    const spent = promotion('threshold', { basis: 'amount', tiers: [{ min: 100, off: 10 }], repeat: false }, { usesLeft: 0, stacking: { group: 's', exclusive: false } });
    const mine = promotion('threshold', { basis: 'amount', tiers: [{ min: 100, off: 10 }], repeat: false }, { customerUsesLeft: 0, stacking: { group: 'm', exclusive: false } });
    const fresh = promotion('threshold', { basis: 'amount', tiers: [{ min: 100, off: 10 }], repeat: false }, { audience: { newCustomersOnly: true }, stacking: { group: 'n', exclusive: false } });
    const cart = price({ items: [{ sku: 'A', quantity: 1 }], catalog: catalogOf({ A: 100 }), promotions: [later, gold, spent, mine, fresh], customer: member({ tier: 'normal' }) });
    expect(cart.orderDiscount).toBe(0);
    expect(cart.notApplied.map((n) => [n.source, n.code])).toEqual([[gold.id, 'not_in_audience'], [spent.id, 'budget_exhausted'], [mine.id, 'per_customer_limit'], [fresh.id, 'not_in_audience']]);
    const budget = promotion('threshold', { basis: 'amount', tiers: [{ min: 100, off: 50 }], repeat: false }, { discountLeft: 49 });
    expect(price({ items: [{ sku: 'A', quantity: 1 }], catalog: catalogOf({ A: 100 }), promotions: [budget] }).notApplied).toMatchObject([{ code: 'budget_exhausted' }]);
  });

  it('a line`s discount includes every stage and its allocations name every source', () => {
    const timed = promotion('timed_discount', { percentOff: 10 });
    const threshold = promotion('threshold', { basis: 'amount', tiers: [{ min: 10000, off: 1000 }], repeat: false });
    const cart = price({
      items: [{ sku: 'A', quantity: 2 }], catalog: catalogOf({ A: 10000 }), promotions: [timed, threshold], coupons: [coupon('C5', { off: 500 })],
      customer: member({ points: { available: 100, pointsPerYuan: 100, maxShare: 0.5 } }), points: 100,
    });
    expect(cart).toMatchObject({ subtotal: 20000, itemDiscount: 2000, orderDiscount: 1000, couponDiscount: 500, pointsDeduction: 100, total: 16400 });
    expect(cart.lines[0].allocations).toEqual([{ source: timed.id, amount: 2000 }, { source: threshold.id, amount: 1000 }, { source: 'C5', amount: 500 }, { source: 'points', amount: 100 }]);
    expect(cart.lines[0].discount).toBe(3600);
    expect(cart.lines[0].units.map((u) => u.discount)).toEqual([1800, 1800]);
  });
});
