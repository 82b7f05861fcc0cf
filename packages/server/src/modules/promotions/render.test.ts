import fc from 'fast-check';
import { locales, quoteResult } from '@flywheel/contracts';
import { describe, expect, it } from 'vitest';
import { render } from './pricing-service';
import { catalogOf, coupon, member, price, promotion } from './pricing/test-support';

/**
 * The quote route writes render()'s answer as JSON without zod parsing it on the way out
 * (routes.ts), so the answer must already be exactly what quoteResult gives back: the same fields in
 * the same order, nothing more, for every kind of cart.
 */

const SKUS = ['S0', 'S1', 'S2', 'S3', 'S4'];
const catalog = catalogOf({ S0: { price: 8000, category: '服饰/女装' }, S1: { price: 12_900, category: '服饰/男装' }, S2: 3500, S3: { price: 59_900, category: '美妆' }, S4: 100 });

const promotionArb = fc.oneof(
  fc.record({ min: fc.integer({ min: 100, max: 60_000 }), off: fc.integer({ min: 1, max: 20_000 }) }).map((t) => promotion('threshold', { basis: 'amount', tiers: [{ min: t.min, off: t.off }], repeat: false })),
  fc.integer({ min: 1, max: 6 }).map((min) => promotion('threshold', { basis: 'quantity', tiers: [{ min, percentOff: 10 }], repeat: false }, { scope: { categories: ['服饰'] } })),
  fc.integer({ min: 1, max: 90 }).map((percentOff) => promotion('timed_discount', { percentOff }, { scope: { skus: ['S0', 'S1'] } })),
  fc.integer({ min: 2, max: 4 }).map((quantity) => promotion('bundle', { quantity, price: 9900, repeat: true })),
  fc.integer({ min: 100, max: 80_000 }).map((min) => promotion('gift', { basis: 'amount', tiers: [{ min, gift: { sku: 'S4', quantity: 1 } }] })),
  fc.constant(null).map(() => promotion('member_price', {})),
  fc.constant(null).map(() => promotion('threshold', { basis: 'amount', tiers: [{ min: 50_000, freeShipping: true }], repeat: false })),
  fc.constant(null).map(() => promotion('timed_discount', { percentOff: 20 }, { audience: { tiers: ['gold'] }, usesLeft: 0 })),
);
const cartArb = fc.record({
  items: fc.array(fc.record({ sku: fc.constantFrom(...SKUS, 'UNKNOWN'), quantity: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 6 }),
  promotions: fc.array(promotionArb, { maxLength: 6 }),
  coupons: fc.array(fc.record({ code: fc.constantFrom('C1', 'C2'), off: fc.integer({ min: 1, max: 20_000 }), minSpend: fc.integer({ min: 0, max: 30_000 }), refused: fc.boolean() }), { maxLength: 2 }),
  points: fc.integer({ min: 0, max: 50_000 }),
  tier: fc.constantFrom(null, 'gold'),
  shippingFee: fc.constantFrom(0, 800),
});

describe('the quote as the API gives it', () => {
  it('is already in quoteResult\'s shape, in every language', () => {
    fc.assert(fc.property(cartArb, (c) => {
      const cart = price({
        catalog, items: c.items, promotions: c.promotions, points: c.points, shippingFee: c.shippingFee,
        coupons: c.coupons.map((k) => coupon(k.code, { off: k.off }, { minSpend: k.minSpend, ...(k.refused ? { refusal: 'coupon_expired' as const } : {}) })),
        customer: member({ tier: c.tier, tierDiscountPct: c.tier ? 5 : null, freeShipping: c.tier !== null, points: { available: 20_000, pointsPerYuan: 100, maxShare: 0.5 } }),
      });
      for (const lang of locales) {
        const answer = render(cart, lang);
        expect(JSON.stringify(answer)).toBe(JSON.stringify(quoteResult.parse(answer)));
      }
    }), { numRuns: 300 });
  });
});
