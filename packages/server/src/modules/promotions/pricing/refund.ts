import type { PricedCartLine } from './types';

/** What a refund of some units gives back, and where each unit stands after it. */
export interface RefundQuote {
  amount: number;
  points: number;
  couponReturned: boolean;
  shipping: number;
  lines: { sku: string; quantity: number; amount: number; points: number }[];
}

export interface RefundableOrder {
  lines: readonly PricedCartLine[];
  /** Units of each line refunded before (by line index). */
  refunded: readonly number[];
  shippingFee: number;
  shipped: boolean;
  hasCoupons: boolean;
}

export class RefundError extends Error {
  constructor(readonly field: string, message: string) { super(message); }
}

/**
 * The refund of some units (PRODUCT.md: the units' own paid amounts, the last units of a line
 * first): each unit gives back what it paid (its catalogue price less every discount on it) and
 * the points it was paid with. Refunding every unit left of an order not yet shipped is a full
 * cancel: the shipping fee comes back and so do the coupons.
 */
export function refundQuote(order: RefundableOrder, items: readonly { sku: string; quantity: number }[]): RefundQuote {
  const taking = order.lines.map(() => 0);
  const out: RefundQuote['lines'] = [];
  let amount = 0;
  let points = 0;
  items.forEach((item, i) => {
    // A SKU's bought line first, its gift line after.
    const candidates = order.lines.map((l, k) => ({ l, k })).filter(({ l }) => l.sku === item.sku).sort((a, b) => Number(a.l.gift) - Number(b.l.gift));
    if (candidates.length === 0) throw new RefundError(`items[${i}].sku`, `items[${i}].sku: the order has no ${item.sku}`);
    let want = item.quantity;
    let lineAmount = 0;
    let linePoints = 0;
    for (const { l, k } of candidates) {
      const left = l.quantity - order.refunded[k] - taking[k];
      const n = Math.min(left, want);
      // The last units of the line first.
      for (let u = l.quantity - order.refunded[k] - taking[k] - 1; u >= l.quantity - order.refunded[k] - taking[k] - n; u--) {
        lineAmount += l.unitPrice - l.units[u].discount;
        linePoints += l.units[u].points;
      }
      taking[k] += n;
      want -= n;
      if (want === 0) break;
    }
    if (want > 0) throw new RefundError(`items[${i}].quantity`, `items[${i}].quantity: only ${item.quantity - want} unit(s) of ${item.sku} are left to refund`);
    out.push({ sku: item.sku, quantity: item.quantity, amount: lineAmount, points: linePoints });
    amount += lineAmount;
    points += linePoints;
  });
  const everything = order.lines.every((l, k) => order.refunded[k] + taking[k] === l.quantity);
  const fullCancel = everything && !order.shipped;
  const shipping = fullCancel ? order.shippingFee : 0;
  return { amount: amount + shipping, points, couponReturned: fullCancel && order.hasCoupons, shipping, lines: out };
}
