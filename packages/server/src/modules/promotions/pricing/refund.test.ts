import { describe, expect, it } from 'vitest';
import { refundQuote, RefundError } from './refund';
import { catalogOf, coupon, price, promotion } from './test-support';

describe('refund quote', () => {
  // 3 × ¥100, 满300减10 (units 334, 333, 333 off), then a ¥5 coupon on 9666, 9667, 9667 (166, 167, 167).
  const p = promotion('threshold', { basis: 'amount', tiers: [{ min: 30000, off: 1000 }], repeat: false });
  const cart = price({ items: [{ sku: 'A', quantity: 3 }], catalog: catalogOf({ A: 10000 }), promotions: [p], coupons: [coupon('C', { off: 500 })], shippingFee: 800 });
  const order = { lines: cart.lines, refunded: [0], shippingFee: cart.shippingFee, shipped: false, hasCoupons: true };

  it('returns what the refunded units paid, the last units of a line first', () => {
    expect(cart.lines[0].units.map((u) => u.allocations.map((a) => a.amount))).toEqual([[334, 166], [333, 167], [333, 167]]);
    const one = refundQuote(order, [{ sku: 'A', quantity: 1 }]);
    expect(one).toEqual({ amount: 9500, points: 0, couponReturned: false, shipping: 0, lines: [{ sku: 'A', quantity: 1, amount: 9500, points: 0 }] });
    const rest = refundQuote({ ...order, refunded: [1] }, [{ sku: 'A', quantity: 2 }]);
    expect(one.amount + rest.amount).toBe(cart.total);
  });

  it('a full refund before shipping is a cancel: shipping and the coupon come back; after shipping, neither', () => {
    const all = refundQuote(order, [{ sku: 'A', quantity: 3 }]);
    expect(all).toMatchObject({ amount: cart.total, couponReturned: true, shipping: 800 });
    expect(refundQuote({ ...order, shipped: true }, [{ sku: 'A', quantity: 3 }])).toMatchObject({ amount: cart.total - 800, couponReturned: false, shipping: 0 });
  });

  it('refuses units the order does not have, naming the field', () => {
    expect(() => refundQuote({ ...order, refunded: [2] }, [{ sku: 'A', quantity: 2 }])).toThrow(RefundError);
    try { refundQuote(order, [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }]); } catch (e) { expect((e as RefundError).field).toBe('items[1].sku'); }
  });
});
