import { WorkCart } from './cart';
import { Explanation } from './explain';
import { couponStage, itemStage, orderStage, pointsStage, shippingStage, type GiftLine } from './stages';
import type { Allocation, CatalogItem, PricedCart, PricedCartLine, PricingInput, ReservedPrice } from './types';

/**
 * Prices a cart (PRODUCT.md, row 11): item -> order -> coupon -> points -> shipping, each stage on
 * the amounts the one before left, every discount spread over its units by amount (largest
 * remainder, whole 分) and kept per unit. A plain function: the service gathers the catalogue,
 * the live promotions, the coupons and the customer's facts, and this decides.
 */
export function priceCart(input: PricingInput): PricedCart {
  const ex = new Explanation(input.currency);
  // One line per SKU (and per reserved price of it), in the order the cart first names it.
  const merged = new Map<string, { catalog: CatalogItem; quantity: number; reserved?: ReservedPrice }>();
  for (const item of input.items) {
    let reserved = item.reserved;
    if (reserved?.refusal) {
      ex.refuse(reserved.source, reserved.refusal, { name: reserved.name, sku: item.sku });
      reserved = undefined;
    }
    const key = reserved ? `${item.sku}\u0000${reserved.source}` : item.sku;
    const known = merged.get(key);
    if (known) { known.quantity += item.quantity; continue; }
    const catalog = input.catalog(item.sku);
    if (!catalog) {
      if (!ex.notApplied.some((n) => n.source === item.sku && n.code === 'unknown_sku')) ex.refuse(item.sku, 'unknown_sku', { sku: item.sku });
      continue;
    }
    merged.set(key, { catalog, quantity: item.quantity, reserved });
  }
  const cart = new WorkCart([...merged.values()]);
  const live = input.promotions.filter((p) => p.startsAt <= input.at && input.at < p.endsAt);

  const itemDiscount = itemStage(cart, live, input.customer, ex);
  const order = orderStage(cart, live, input.customer, input.catalog, ex);
  const coupons = couponStage(cart, input.coupons, input.customer, ex);
  const points = pointsStage(cart, input.points, input.customer, input.currency, ex);
  const shippingDiscount = shippingStage(cart, input.shippingFee, live, input.customer, ex);

  const lines = cart.lines.map((line): PricedCartLine => {
    const units = Array.from({ length: line.quantity }, (_, u) => {
      const i = line.first + u;
      const allocations = cart.allocations[i].map((a) => ({ ...a }));
      return { discount: line.unitPrice - cart.left[i], allocations, points: cart.points[i] };
    });
    const discount = units.reduce((s, u) => s + u.discount, 0);
    return { sku: line.sku, quantity: line.quantity, unitPrice: line.unitPrice, discount, total: line.unitPrice * line.quantity - discount, gift: false, allocations: sumBySource(units.flatMap((u) => u.allocations)), units };
  });
  for (const gift of order.gifts) lines.push(giftLine(gift));

  const subtotal = cart.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  const shippingFee = input.shippingFee - shippingDiscount;
  const promotionIds = new Set(input.promotions.map((p) => p.id));
  return {
    currency: input.currency,
    subtotal,
    itemDiscount,
    orderDiscount: order.discount,
    couponDiscount: coupons.discount,
    pointsUsed: points.used,
    pointsDeduction: points.deduction,
    shippingFee,
    shippingDiscount,
    total: cart.total() + shippingFee,
    lines,
    applied: ex.applied,
    notApplied: ex.notApplied,
    hints: ex.hints,
    promotionsUsed: ex.applied.filter((a) => promotionIds.has(a.source)).map((a) => ({ id: a.source, amount: a.amount })),
    couponsUsed: coupons.used,
  };
}

function sumBySource(allocations: readonly Allocation[]): Allocation[] {
  const bySource = new Map<string, number>();
  for (const a of allocations) bySource.set(a.source, (bySource.get(a.source) ?? 0) + a.amount);
  return [...bySource].map(([source, amount]) => ({ source, amount }));
}

/** A gift: a line at price 0, outside the subtotal, naming the promotion that gives it. */
function giftLine(gift: GiftLine): PricedCartLine {
  return {
    sku: gift.catalog.sku, quantity: gift.quantity, unitPrice: 0, discount: 0, total: 0, gift: true,
    allocations: [{ source: gift.source, amount: 0 }],
    units: Array.from({ length: gift.quantity }, () => ({ discount: 0, allocations: [], points: 0 })),
  };
}
