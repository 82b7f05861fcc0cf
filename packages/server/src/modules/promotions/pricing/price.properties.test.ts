import fc from 'fast-check';
import type { PromotionRules } from '@flywheel/contracts';
import { describe, expect, it } from 'vitest';
import { refundQuote } from './refund';
import { inScope } from './scope';
import { catalogOf, coupon, member, price, promotion } from './test-support';
import type { CatalogItem, PricedCart, PricingCoupon, PricingPromotion } from './types';

/** What must hold for every cart (ARCHITECTURE.md: "Pricing is pure"), checked with fast-check. */

const SKUS = ['S0', 'S1', 'S2', 'S3', 'S4'];
const CATEGORIES = ['服饰/女装', '服饰/男装', '美妆', '服饰'];

const catalogArb = fc.tuple(...SKUS.map(() => fc.record({ price: fc.integer({ min: 1, max: 50_000 }), category: fc.constantFrom(...CATEGORIES), cost: fc.integer({ min: 0, max: 20_000 }) })))
  .map((items) => catalogOf(Object.fromEntries(items.map((item, i) => [SKUS[i], item]))));
const itemsArb = fc.array(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 5 });
const scopeArb = fc.oneof(
  fc.constant({}),
  fc.record({ skus: fc.subarray(SKUS, { minLength: 1 }) }),
  fc.record({ categories: fc.subarray(['服饰', '美妆', '服饰/女装'], { minLength: 1 }), excludeSkus: fc.subarray(SKUS, { maxLength: 1 }) }),
);
const stackingArb = fc.record({ group: fc.constantFrom('default', 'a', 'b'), exclusive: fc.integer({ min: 0, max: 9 }).map((n) => n < 2) });
const thresholdRuleArb: fc.Arbitrary<PromotionRules['threshold']> = fc.oneof(
  fc.record({ basis: fc.constant('amount' as const), tiers: fc.uniqueArray(fc.integer({ min: 100, max: 60_000 }), { minLength: 1, maxLength: 3 }).chain((mins) => fc.tuple(...[...mins].sort((a, b) => a - b).map((min) => fc.integer({ min: 1, max: 20_000 }).map((off) => ({ min, off }))))), repeat: fc.boolean() }),
  fc.record({ basis: fc.constant('quantity' as const), tiers: fc.integer({ min: 1, max: 6 }).chain((min) => fc.integer({ min: 1, max: 50 }).map((percentOff) => [{ min, percentOff }])), repeat: fc.constant(false) }),
);
const bundleRuleArb: fc.Arbitrary<PromotionRules['bundle']> = fc.oneof(
  fc.record({ quantity: fc.integer({ min: 2, max: 4 }), off: fc.integer({ min: 1, max: 30_000 }), repeat: fc.boolean() }),
  fc.record({ quantity: fc.integer({ min: 2, max: 4 }), price: fc.integer({ min: 0, max: 60_000 }), repeat: fc.boolean() }),
);
const giftRuleArb: fc.Arbitrary<PromotionRules['gift']> = fc.record({ basis: fc.constant('amount' as const), tiers: fc.integer({ min: 100, max: 80_000 }).map((min) => [{ min, gift: { sku: 'S4', quantity: 1 } }]) });

const orderPromotionArb = fc.oneof(
  fc.record({ rule: thresholdRuleArb, scope: scopeArb, stacking: stackingArb }).map((p) => promotion('threshold', p.rule, { scope: p.scope, stacking: p.stacking })),
  fc.record({ rule: bundleRuleArb, scope: scopeArb, stacking: stackingArb }).map((p) => promotion('bundle', p.rule, { scope: p.scope, stacking: p.stacking })),
  fc.record({ rule: giftRuleArb, scope: scopeArb, stacking: stackingArb }).map((p) => promotion('gift', p.rule, { scope: p.scope, stacking: p.stacking })),
);
const itemPromotionArb = fc.oneof(
  fc.record({ percentOff: fc.integer({ min: 1, max: 90 }), scope: scopeArb }).map((p) => promotion('timed_discount', { percentOff: p.percentOff }, { scope: p.scope })),
  fc.record({ price: fc.integer({ min: 0, max: 30_000 }), sku: fc.constantFrom(...SKUS) }).map((p) => promotion('timed_discount', { prices: { [p.sku]: p.price } })),
  fc.constant(null).map(() => promotion('member_price', {})),
);
const couponArb: fc.Arbitrary<PricingCoupon> = fc.record({
  code: fc.constantFrom('C1', 'C2', 'C3'),
  discount: fc.oneof(fc.record({ off: fc.integer({ min: 1, max: 20_000 }) }), fc.record({ percentOff: fc.integer({ min: 1, max: 100 }), maxOff: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }) }).map((d) => (d.maxOff === undefined ? { percentOff: d.percentOff } : d))),
  minSpend: fc.integer({ min: 0, max: 30_000 }), scope: scopeArb, group: fc.constantFrom('coupon', 'other'),
}).map((c) => coupon(c.code, c.discount, { minSpend: c.minSpend, scope: c.scope, stacking: { group: c.group, exclusive: false } }));

const cartArb = fc.record({
  catalog: catalogArb,
  items: itemsArb,
  promotions: fc.array(fc.oneof(orderPromotionArb, itemPromotionArb), { maxLength: 6 }),
  coupons: fc.array(couponArb, { maxLength: 3 }),
  points: fc.integer({ min: 0, max: 50_000 }),
  pointsPerYuan: fc.constantFrom(1, 10, 100, 1000),
  maxShare: fc.constantFrom(0.1, 0.5, 1),
  tierDiscountPct: fc.constantFrom(0, 5, 12.5),
  shippingFee: fc.constantFrom(0, 800),
});

type CartCase = typeof cartArb extends fc.Arbitrary<infer T> ? T : never;

function priced(c: CartCase): PricedCart {
  return price({
    items: c.items, catalog: c.catalog, promotions: c.promotions, coupons: c.coupons, points: c.points, shippingFee: c.shippingFee,
    customer: member({ tier: 'gold', tierDiscountPct: c.tierDiscountPct, points: { available: 30_000, pointsPerYuan: c.pointsPerYuan, maxShare: c.maxShare } }),
  });
}

const refundAll = (cart: PricedCart) => refundQuote({ lines: cart.lines, refunded: cart.lines.map(() => 0), shippingFee: cart.shippingFee, shipped: false, hasCoupons: cart.couponsUsed.length > 0 }, cart.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })));

describe('pricing properties', () => {
  it('allocations sum to each discount, no unit, line or total below 0, and the totals add up', () => {
    fc.assert(fc.property(cartArb, (c) => {
      const cart = priced(c);
      const bySource = new Map<string, number>();
      for (const line of cart.lines) {
        let lineDiscount = 0;
        for (const unit of line.units) {
          expect(unit.discount).toBeGreaterThanOrEqual(0);
          expect(unit.discount).toBeLessThanOrEqual(line.unitPrice);
          expect(unit.allocations.reduce((s, a) => s + a.amount, 0)).toBe(unit.discount);
          for (const a of unit.allocations) {
            expect(a.amount).toBeGreaterThan(0);
            bySource.set(a.source, (bySource.get(a.source) ?? 0) + a.amount);
          }
          lineDiscount += unit.discount;
        }
        expect(line.discount).toBe(lineDiscount);
        expect(line.total).toBe(line.unitPrice * line.quantity - line.discount);
        expect(line.total).toBeGreaterThanOrEqual(0);
        expect(line.allocations.reduce((s, a) => s + a.amount, 0)).toBe(line.discount);
      }
      for (const applied of cart.applied) {
        if (applied.kind === 'free_shipping' || applied.kind === 'gift') continue;
        expect(bySource.get(applied.source), applied.source).toBe(applied.amount);
      }
      expect(cart.total).toBeGreaterThanOrEqual(0);
      expect(cart.total).toBe(cart.subtotal - cart.itemDiscount - cart.orderDiscount - cart.couponDiscount - cart.pointsDeduction + cart.shippingFee);
      expect(cart.subtotal).toBe(cart.lines.filter((l) => !l.gift).reduce((s, l) => s + l.unitPrice * l.quantity, 0));
      expect(cart.lines.filter((l) => l.gift).every((l) => l.unitPrice === 0 && l.total === 0)).toBe(true);
      expect(cart.pointsUsed).toBeLessThanOrEqual(c.points);
      expect(cart.lines.flatMap((l) => l.units).reduce((s, u) => s + u.points, 0)).toBe(cart.pointsUsed);
    }), { numRuns: 400 });
  });

  it('refunding every unit returns exactly the paid amount and points; in two refunds too', () => {
    fc.assert(fc.property(cartArb, fc.infiniteStream(fc.nat()), (c, cuts) => {
      const cart = priced(c);
      const all = refundAll(cart);
      expect(all.amount).toBe(cart.total);
      expect(all.points).toBe(cart.pointsUsed);
      // First some units of each line, then the rest: the two refunds make the paid amount.
      const first = cart.lines.map((l) => cuts.next().value % (l.quantity + 1));
      const order = { lines: cart.lines, shippingFee: cart.shippingFee, shipped: true, hasCoupons: false };
      // Gift lines (paid 0) stay out: a refund names a SKU, and the bought line of a SKU goes first.
      const items = (q: number[]) => cart.lines.map((l, i) => ({ sku: l.sku, quantity: l.gift ? 0 : q[i] })).filter((x) => x.quantity > 0);
      const one = items(first).length > 0 ? refundQuote({ ...order, refunded: cart.lines.map(() => 0) }, items(first)) : { amount: 0, points: 0 };
      const rest = cart.lines.map((l, i) => l.quantity - first[i]);
      const two = items(rest).length > 0 ? refundQuote({ ...order, refunded: first }, items(rest)) : { amount: 0, points: 0 };
      expect(one.amount + two.amount).toBe(cart.total - cart.shippingFee);
      expect(one.points + two.points).toBe(cart.pointsUsed);
      // The first refund takes the last units of each line.
      if (items(first).length > 0) {
        const expected = cart.lines.reduce((s, l, i) => s + (l.gift ? 0 : 1) * l.units.slice(l.quantity - first[i]).reduce((t, u) => t + l.unitPrice - u.discount, 0), 0);
        expect(one.amount).toBe(expected);
      }
    }), { numRuns: 300 });
  });

  it('best for the customer: no allowed combination of order promotions gives more (brute force)', () => {
    fc.assert(fc.property(catalogArb, itemsArb, fc.array(orderPromotionArb, { minLength: 1, maxLength: 5 }), (catalog, items, promotions) => {
      const cart = price({ items, catalog, promotions });
      const giftWorth = (p: PricedCart) => p.lines.filter((l) => l.gift).reduce((s, l) => s + (catalog(l.sku)?.price ?? 0) * l.quantity, 0);
      const engine = cart.orderDiscount + giftWorth(cart);
      // Each promotion alone, to learn the lines it takes.
      const lines = promotions.map((p) => touchedLines(items, catalog, p));
      let best = 0;
      for (let mask = 1; mask < 1 << promotions.length; mask++) {
        const chosen = promotions.filter((_, i) => mask & (1 << i));
        const idx = promotions.map((_, i) => i).filter((i) => mask & (1 << i));
        const allowed = idx.every((i) => idx.every((j) => i >= j || !conflict(promotions[i], promotions[j], lines[i], lines[j])));
        if (!allowed) continue;
        // Together, each in a group of its own: all applied, each on the stage's input, capped per unit.
        const alone = chosen.map((p, k) => ({ ...p, stacking: { group: `g${k}`, exclusive: false } }) as PricingPromotion);
        const together = price({ items, catalog, promotions: alone });
        best = Math.max(best, together.orderDiscount + giftWorth(together));
      }
      expect(engine).toBe(best);
    }), { numRuns: 300 });
  });

  it('满5减1 is exactly ¥1 off from ¥5, whatever the unit prices (0.98-style carts)', () => {
    const p = promotion('threshold', { basis: 'amount', tiers: [{ min: 500, off: 100 }], repeat: false });
    fc.assert(fc.property(fc.array(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 9 }) }), { minLength: 1, maxLength: 5 }), fc.tuple(...SKUS.map(() => fc.integer({ min: 1, max: 200 }))), (items, prices) => {
      const catalog = catalogOf(Object.fromEntries(SKUS.map((s, i) => [s, prices[i]])));
      const cart = price({ items, catalog, promotions: [p] });
      expect(cart.orderDiscount).toBe(cart.subtotal >= 500 ? 100 : 0);
      expect(cart.total).toBe(cart.subtotal - cart.orderDiscount);
    }), { numRuns: 300 });
  });

  it('a coupon is valued on the amount of its lines (unit price × quantity), not per unit', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 10_000 }).map((bp) => bp / 100), (unitPrice, quantity, percentOff) => {
      const cart = price({ items: [{ sku: 'S0', quantity }], catalog: catalogOf({ S0: unitPrice }), coupons: [coupon('P', { percentOff })] });
      const amount = BigInt(unitPrice * quantity);
      const expected = Number((2n * amount * BigInt(Math.round(percentOff * 100)) + 10_000n) / 20_000n);
      expect(cart.couponDiscount).toBe(Math.min(expected, unitPrice * quantity));
      const fixed = price({ items: [{ sku: 'S0', quantity }], catalog: catalogOf({ S0: unitPrice }), coupons: [coupon('F', { off: 500 })] });
      expect(fixed.couponDiscount).toBe(Math.min(500, unitPrice * quantity));
    }), { numRuns: 300 });
  });
});

/**
 * The cart lines a promotion takes, worked out here from its rule: a threshold or a gift takes its
 * scope lines; a bundle the lines of its sets' units (the highest-priced first, cart order on ties).
 */
function touchedLines(items: readonly { sku: string; quantity: number }[], catalog: (sku: string) => CatalogItem | undefined, p: PricingPromotion): Set<number> {
  const lines: { sku: string; quantity: number; price: number; category: string | null }[] = [];
  for (const item of items) {
    const known = lines.find((l) => l.sku === item.sku);
    if (known) known.quantity += item.quantity;
    else lines.push({ ...item, price: catalog(item.sku)!.price, category: catalog(item.sku)!.category });
  }
  const scoped = lines.map((l, i) => ({ ...l, i })).filter((l) => inScope(p.scope, l.sku, l.category));
  if (p.kind !== 'bundle') return new Set(scoped.map((l) => l.i));
  const units = scoped.flatMap((l) => Array.from({ length: l.quantity }, () => ({ line: l.i, price: l.price })));
  units.sort((a, b) => b.price - a.price || a.line - b.line);
  const q = p.rule.quantity;
  const sets = p.rule.repeat ? Math.floor(units.length / q) : units.length >= q ? 1 : 0;
  return new Set(units.slice(0, sets * q).map((u) => u.line));
}

function conflict(a: PricingPromotion, b: PricingPromotion, la: Set<number>, lb: Set<number>): boolean {
  if (!(a.stacking.group === b.stacking.group || a.stacking.exclusive || b.stacking.exclusive)) return false;
  for (const l of la) if (lb.has(l)) return true;
  return false;
}
