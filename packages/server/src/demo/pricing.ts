/**
 * What a demo order costs the buyer. The promotions (直降, 满减, the 零食 bundle) and the coupon are
 * priced by the promotions engine (`priceCart`, with demo/promotions.ts' offers; the loader checks
 * out the same cart through the module); this file adds what the engine does not price: 定金膨胀
 * for 双11 presale deposits and shipping under the 包邮 threshold.
 * The arithmetic the platform checks: payable = sum(unitPrice * qty - line discount) + shipping - discount.
 */
import type { OrderRecord } from '@flywheel/contracts';
import { priceCart, type PricingCustomer } from '../modules/promotions';
import type { SkuInfo } from './catalog';
import type { DemoCouponTemplate, DemoOffers } from './promotions';

export interface CartLine {
  sku: SkuInfo;
  quantity: number;
}

export interface PricedOrder {
  items: OrderRecord['items'];
  /** Goods after line discounts. */
  goods: number;
  shippingFee: number;
  /** Order-level discount: 满减, bundle, coupon and 定金膨胀. */
  discount: number;
  payable: number;
  couponCodes: string[];
  /** Whether the engine applied a promotion or the coupon: the order goes through checkout. */
  promoted: boolean;
  engineDiscount: number;
}

/** An order the engine priced with a promotion or coupon: the loader checks its cart out at `at`, claiming the coupon first. */
export interface DemoCheckout {
  order: OrderRecord;
  /** When the buyer started checkout (ISO, the shop's offset). */
  at: string;
  coupon: DemoCouponTemplate | null;
  /** The engine's order-level discount (the order's discount without 定金膨胀), which checkout must agree with. */
  engineDiscount: number;
}

/** 包邮 from 99 yuan of goods, else 8 yuan shipping. */
export const FREE_SHIPPING_FROM = 9900;
export const SHIPPING_FEE = 800;

/** The engine's answer as the demo reads it (a `priceCart` result or a checkout's). */
export interface EngineCart {
  lines: readonly { sku: string; allocations: readonly { source: string; amount: number }[] }[];
  orderDiscount: number;
  couponDiscount: number;
}

/**
 * The engine's amounts on an order's lines: item-stage discounts (直降, `lineSources`) stay on their
 * line, the order and coupon stages' are the order's discount (as a shop's order export has them).
 */
export function engineAmounts(cart: EngineCart, lineSources: ReadonlySet<string>): { lineDiscounts: Map<string, number>; discount: number } {
  const lineDiscounts = new Map<string, number>();
  for (const line of cart.lines) lineDiscounts.set(line.sku, line.allocations.filter((a) => lineSources.has(a.source)).reduce((s, a) => s + a.amount, 0));
  return { lineDiscounts, discount: cart.orderDiscount + cart.couponDiscount };
}

/** 定金膨胀: a deposit of 10% counts double, so the balance is 10% lower (of the goods after 直降). */
export function depositBonus(goods: number): number {
  return Math.floor(goods / 1000) * 100;
}

export function shippingFeeOf(goods: number): number {
  return goods >= FREE_SHIPPING_FROM ? 0 : SHIPPING_FEE;
}

/** Prices a cart at `at` (epoch ms) with the demo's offers, the buyer's claimed coupon if any. */
export function priceOrder(lines: CartLine[], at: number, customerId: string, offers: DemoOffers, coupon: DemoCouponTemplate | null, presaleDeposit: boolean): PricedOrder {
  const bySku = new Map(lines.map((l) => [l.sku.sku, l.sku]));
  const customer: PricingCustomer = { id: customerId, tier: null, tierDiscountPct: null, freeShipping: false, segments: new Set(), isNew: false, points: null };
  const cart = priceCart({
    currency: 'CNY', at, items: lines.map((l) => ({ sku: l.sku.sku, quantity: l.quantity })),
    catalog: (sku) => {
      const s = bySku.get(sku);
      return s ? { sku, price: s.price, category: s.path, cost: s.cost, title: s.title } : undefined;
    },
    promotions: offers.pricing, coupons: coupon ? [offers.pricingCoupon(coupon)] : [], customer, points: 0, shippingFee: 0,
  });
  const { lineDiscounts, discount: engineDiscount } = engineAmounts(cart, offers.lineSources);
  const items: OrderRecord['items'] = lines.map((line) => {
    const item: OrderRecord['items'][number] = { sku: line.sku.sku, quantity: line.quantity, unitPrice: line.sku.price };
    const d = lineDiscounts.get(line.sku.sku) ?? 0;
    if (d > 0) item.discount = d;
    return item;
  });
  const goods = items.reduce((sum, it) => sum + it.unitPrice * it.quantity - (it.discount ?? 0), 0);
  const discount = engineDiscount + (presaleDeposit ? depositBonus(goods) : 0);
  const shippingFee = shippingFeeOf(goods);
  const couponCodes = cart.couponsUsed.length > 0 && coupon ? [coupon.code] : [];
  return { items, goods, shippingFee, discount, payable: goods + shippingFee - discount, couponCodes, promoted: cart.promotionsUsed.length > 0 || cart.couponsUsed.length > 0, engineDiscount };
}

/**
 * What each line was really paid: its goods minus its share of the order discount (rounded up,
 * so the shares never add up to more than was paid). Refunds are computed from these.
 */
export function paidPerLine(order: Pick<OrderRecord, 'items' | 'discount'>): number[] {
  const nets = order.items.map((it) => it.unitPrice * it.quantity - (it.discount ?? 0));
  const goods = nets.reduce((a, b) => a + b, 0);
  const discount = order.discount ?? 0;
  return nets.map((net) => net - (goods > 0 ? Math.ceil((discount * net) / goods) : 0));
}
