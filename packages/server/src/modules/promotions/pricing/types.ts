import type { CouponDiscount, LocalizedText, NotAppliedCode, PricingAudience, PromotionKind, PromotionRules, Stacking } from '@flywheel/contracts';
import type { CompiledScope } from './scope';

/** A SKU as the catalogue knows it (commerce's products, as this module keeps them). */
export interface CatalogItem {
  sku: string;
  price: number;
  category: string | null;
  cost: number | null;
  title: string | null;
}

interface PromotionCommon {
  id: string;
  name: string;
  /** Epoch milliseconds: live in [startsAt, endsAt). */
  startsAt: number;
  endsAt: number;
  scope: CompiledScope;
  audience: PricingAudience;
  stacking: Stacking;
  /** What is left of the budget (null: no limit): uses, discount, and this customer's uses. */
  usesLeft: number | null;
  discountLeft: number | null;
  customerUsesLeft: number | null;
}

/** A live promotion as the engine takes it; the input order breaks ties (the older first). */
export type PricingPromotion = { [K in PromotionKind]: PromotionCommon & { kind: K; rule: PromotionRules[K] } }[PromotionKind];

export interface PricingCoupon {
  code: string;
  templateId: string;
  name: string;
  discount: CouponDiscount;
  minSpend: number;
  scope: CompiledScope;
  audience: PricingAudience;
  stacking: Stacking;
  /** Why the coupon cannot be used at all, found by the service (unknown, another customer's, used, expired ...). */
  refusal?: NotAppliedCode;
}

/** What pricing knows of the customer (CustomerFacts, from the customers and loyalty modules). */
export interface PricingCustomer {
  /** null: a guest. */
  id: string | null;
  tier: string | null;
  /** The tier's member price, 10 = 10% off (loyalty's `benefits.discountPct`). */
  tierDiscountPct: number | null;
  freeShipping: boolean;
  segments: ReadonlySet<string>;
  /** No paid order yet. */
  isNew: boolean;
  /** Points the customer may spend and the program's terms; null when there is no points program. */
  points: { available: number; pointsPerYuan: number; maxShare: number } | null;
}

/**
 * A price the customer holds for some units of a SKU (a 秒杀 reservation, later a 预售's): an
 * item-stage price competing with 限时折扣 and 会员价 for those units, the lowest winning. `refusal`:
 * the service found it unusable (expired, another customer's ...); the units are priced without it.
 */
export interface ReservedPrice {
  source: string;
  kind: 'flash_sale';
  name: string;
  price: number;
  refusal?: NotAppliedCode;
}

export interface PricingInput {
  currency: string;
  /** Epoch milliseconds the cart is priced at. */
  at: number;
  /** A reserved item is a line of its own (its units at the reserved price), even beside the same SKU unreserved. */
  items: readonly { sku: string; quantity: number; reserved?: ReservedPrice }[];
  catalog: (sku: string) => CatalogItem | undefined;
  promotions: readonly PricingPromotion[];
  coupons: readonly PricingCoupon[];
  customer: PricingCustomer;
  /** Points asked for (积分抵现). */
  points: number;
  shippingFee: number;
}

export interface Allocation { source: string; amount: number }

export interface PricedUnit {
  discount: number;
  allocations: Allocation[];
  /** Points this unit was paid with (a refund of the unit returns them). */
  points: number;
}

export interface PricedCartLine {
  sku: string;
  quantity: number;
  unitPrice: number;
  discount: number;
  total: number;
  gift: boolean;
  allocations: Allocation[];
  units: PricedUnit[];
}

export interface Applied { source: string; kind: string; name: string; amount: number }
export interface NotApplied { source: string; code: NotAppliedCode; text: LocalizedText }
export interface Hint { source: string; missingAmount: number | null; missingQuantity: number | null; text: LocalizedText }

/** The priced cart with its explanation; messages are texts (a key and values) the reader renders. */
export interface PricedCart {
  currency: string;
  subtotal: number;
  itemDiscount: number;
  orderDiscount: number;
  couponDiscount: number;
  pointsUsed: number;
  pointsDeduction: number;
  shippingFee: number;
  shippingDiscount: number;
  total: number;
  lines: PricedCartLine[];
  applied: Applied[];
  notApplied: NotApplied[];
  hints: Hint[];
  /** The promotions that gave something, with their discount (a gift at 0): what checkout holds budgets for. */
  promotionsUsed: { id: string; amount: number }[];
  couponsUsed: { code: string; amount: number }[];
}
