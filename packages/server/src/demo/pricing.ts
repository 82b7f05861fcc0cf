/**
 * What a demo order costs the buyer: campaign price cuts (直降) per line, 满减 and one shop coupon
 * on the order, 定金膨胀 for 双11 presale deposits, and shipping under the 包邮 threshold.
 * The arithmetic the platform checks: payable = sum(unitPrice * qty - line discount) + shipping - discount.
 */
import type { OrderRecord } from '@flywheel/contracts';
import type { CampaignCoupon, DayProfile } from './calendar';
import type { SkuInfo } from './catalog';

export interface CartLine {
  sku: SkuInfo;
  quantity: number;
}

export interface PricedOrder {
  items: OrderRecord['items'];
  /** Goods after line discounts. */
  goods: number;
  shippingFee: number;
  /** Order-level discount: 满减 + coupon + 定金膨胀. */
  discount: number;
  payable: number;
  couponCodes: string[];
}

/** 包邮 from 99 yuan of goods, else 8 yuan shipping. */
export const FREE_SHIPPING_FROM = 9900;
export const SHIPPING_FEE = 800;

/** Shop coupons that are not tied to a campaign. */
export const standingCoupons = {
  /** 新人券: first order. */
  newCustomer: { code: 'NEW20', threshold: 9900, off: 2000 },
  /** 召回券: customers who have not bought for three months. */
  winBack: { code: 'BACK15', threshold: 12900, off: 1500 },
  /** 店铺满减券 anyone can collect. */
  everyday: { code: 'SHOP10', threshold: 19900, off: 1000 },
} satisfies Record<string, CampaignCoupon>;

/**
 * 直降 on promoted SKUs during a campaign: 10% (15% on the peak day), in whole yuan, and never more
 * than half the SKU's margin (a shop does not cut a 16%-margin tablet by 15%, 满减 and coupons on top).
 */
function lineDiscount(line: CartLine, profile: DayProfile): number {
  if (!line.sku.onPromotion || !profile.phase || profile.phase === 'preheat') return 0;
  const margin = 1 - line.sku.cost / line.sku.price;
  const rate = Math.min(profile.phase === 'peak' ? 0.15 : 0.1, margin / 2);
  return Math.floor((line.sku.price * rate) / 100) * 100 * line.quantity;
}

function fullReductionOff(goods: number, profile: DayProfile): number {
  const rule = profile.fullReduction;
  if (!rule || goods < rule.threshold) return 0;
  return rule.repeat ? Math.floor(goods / rule.threshold) * rule.off : rule.off;
}

export function priceOrder(lines: CartLine[], profile: DayProfile, coupon: CampaignCoupon | null, presaleDeposit: boolean): PricedOrder {
  const items: OrderRecord['items'] = lines.map((line) => {
    const discount = lineDiscount(line, profile);
    const item: OrderRecord['items'][number] = { sku: line.sku.sku, quantity: line.quantity, unitPrice: line.sku.price };
    if (discount > 0) item.discount = discount;
    return item;
  });
  const goods = items.reduce((sum, it) => sum + it.unitPrice * it.quantity - (it.discount ?? 0), 0);
  let discount = fullReductionOff(goods, profile);
  const couponCodes: string[] = [];
  if (coupon && goods >= coupon.threshold) {
    discount += coupon.off;
    couponCodes.push(coupon.code);
  }
  // 定金膨胀: a deposit of 10% counts double, so the balance is 10% lower.
  if (presaleDeposit) discount += Math.floor(goods / 1000) * 100;
  // Promotions never take the goods below half their price (the shop's stacking floor).
  discount = Math.min(discount, Math.floor(goods / 2));
  const shippingFee = goods >= FREE_SHIPPING_FROM ? 0 : SHIPPING_FEE;
  return { items, goods, shippingFee, discount, payable: goods + shippingFee - discount, couponCodes };
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
