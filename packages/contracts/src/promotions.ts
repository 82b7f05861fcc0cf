import { z } from 'zod';
import { externalId, isoTimestamp, MAX_MINOR_UNITS, minorUnits } from './common';
import { locales } from './metric-catalog';
import { localizedText } from './texts';

/**
 * Promotions, coupons and cart pricing (PRODUCT.md, Levers, row 11): the shapes of
 * `/v1/promotions`, `/v1/coupon-templates`, `/v1/coupons/claim` and `/v1/pricing/*`.
 */

export const promotionKinds = ['timed_discount', 'member_price', 'threshold', 'bundle', 'gift'] as const;
export type PromotionKind = (typeof promotionKinds)[number];

/** draft 草稿 -> scheduled 未开始 -> live 进行中 -> ended 已结束; paused 已暂停 on the operator's word. */
export const promotionStates = ['draft', 'scheduled', 'live', 'ended', 'paused'] as const;
export type PromotionState = (typeof promotionStates)[number];

/** The most units a cart line may ask for, and the most lines: a quantity of 10^9 is a typo, not an order. */
export const MAX_LINE_QUANTITY = 9999;
export const MAX_CART_LINES = 200;
export const MAX_COUPON_CODES = 10;
export const MAX_CODES_PER_CALL = 10_000;

/** A percentage off (10 = 10% off = 9折), 0 < p <= 100, with at most 2 decimals. */
export const percentOff = z.number({ error: 'must be a percentage off, e.g. 10 for 10% off (9折)' })
  .gt(0, { error: 'must be more than 0' })
  .max(100, { error: 'must be at most 100 (percent off)' })
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, { error: 'takes at most 2 decimals' });

const positiveMinor = minorUnits.refine((v) => v > 0, { error: 'must be more than 0' });
const count = (min: number, max: number) => z.number().int({ error: 'must be a whole number' }).min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` });
const category = z.string().trim().min(1).max(300);
const name = z.string().trim().min(1, { error: 'must not be empty' }).max(200);

/** An empty scope is the whole cart; a category takes its path and everything under it by whole segments; `excludeSkus` wins. */
export const pricingScope = z.object({
  skus: z.array(externalId).max(10_000).default([]),
  categories: z.array(category).max(1000).default([]),
  excludeSkus: z.array(externalId).max(10_000).default([]),
});
export type PricingScope = z.infer<typeof pricingScope>;
const emptyScope = (): PricingScope => ({ skus: [], categories: [], excludeSkus: [] });

/** Who a promotion or coupon is for; every condition given must hold; empty is everyone. */
export const pricingAudience = z.object({
  /** A saved segment (`seg_...`) the customer is a member of now. */
  segment: z.string().min(1).max(100).optional(),
  /** Membership tiers (`gold`, `diamond`): the customer's tier is one of them. */
  tiers: z.array(z.string().min(1).max(100)).max(50).optional(),
  /** New customers only (新人专享): no paid order yet. */
  newCustomersOnly: z.boolean().optional(),
});
export type PricingAudience = z.infer<typeof pricingAudience>;

export const promotionBudget = z.object({
  /** The most discount the promotion gives in all (minor units). */
  maxDiscount: positiveMinor.optional(),
  /** The most orders it applies to. */
  maxUses: count(1, 1e9).optional(),
  /** The most orders of one customer it applies to. */
  perCustomer: count(1, 1e6).optional(),
});
export type PromotionBudget = z.infer<typeof promotionBudget>;

/**
 * Within a stage, a line takes at most one promotion of each `group`; an `exclusive` one shares its
 * lines with no other promotion of the stage. For coupons the order is the line: one coupon per
 * group per order (so, by default, one coupon per order).
 */
export const stacking = (defaultGroup: string) => z.object({
  group: z.string().trim().min(1).max(100).default(defaultGroup),
  exclusive: z.boolean().default(false),
});
export const DEFAULT_PROMOTION_GROUP = 'default';
export const DEFAULT_COUPON_GROUP = 'coupon';
export type Stacking = { group: string; exclusive: boolean };

// --- Rules by kind -------------------------------------------------------------------------------

export const thresholdBases = ['amount', 'quantity'] as const;
export type ThresholdBasis = (typeof thresholdBases)[number];

const thresholdTier = z.union([
  z.strictObject({ min: positiveMinor, off: positiveMinor }),
  z.strictObject({ min: positiveMinor, percentOff }),
  /** 满99包邮: free shipping from `min` (the shipping stage). */
  z.strictObject({ min: positiveMinor, freeShipping: z.literal(true) }),
], { error: 'a tier is {min, off}, {min, percentOff} or {min, freeShipping: true}' });
export type ThresholdTier = z.infer<typeof thresholdTier>;

/** Tiers climb: each `min` above the one before (overlapping tiers are refused at the second). */
function climbing(tiers: readonly { min: number }[], ctx: z.RefinementCtx) {
  for (let i = 1; i < tiers.length; i++) {
    if (tiers[i].min <= tiers[i - 1].min) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'min'], message: `must be more than the tier before (${tiers[i - 1].min}): tiers climb without overlapping` });
  }
}

/** 满减 / 满折 / 每满减 / 满包邮. */
export const thresholdRule = z.strictObject({
  basis: z.enum(thresholdBases).default('amount'),
  tiers: z.array(thresholdTier).min(1, { error: 'needs at least one tier' }).max(20),
  repeat: z.boolean().default(false),
}).superRefine((rule, ctx) => {
  climbing(rule.tiers, ctx);
  const kinds = new Set(rule.tiers.map((t) => ('off' in t ? 'off' : 'percentOff' in t ? 'percentOff' : 'freeShipping')));
  if (kinds.size > 1) ctx.addIssue({ code: 'custom', path: ['tiers'], message: 'all tiers take the same benefit: off, percentOff or freeShipping' });
  if (rule.repeat && !kinds.has('off')) ctx.addIssue({ code: 'custom', path: ['repeat'], message: 'repeat (每满) takes tiers of an amount off' });
  if (rule.basis === 'quantity') rule.tiers.forEach((t, i) => { if (!Number.isInteger(t.min) || t.min > MAX_LINE_QUANTITY * MAX_CART_LINES) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'min'], message: 'is a number of units' }); });
});
export type ThresholdRule = z.infer<typeof thresholdRule>;

/** 限时折扣: a percentage off every unit in scope, or a price per SKU. */
export const timedDiscountRule = z.union([
  z.strictObject({ percentOff }),
  z.strictObject({ prices: z.record(externalId, minorUnits).refine((p) => Object.keys(p).length > 0 && Object.keys(p).length <= 10_000, { error: 'takes 1 to 10,000 SKU prices' }) }),
], { error: 'is {percentOff} or {prices: {SKU: price}}' });
export type TimedDiscountRule = z.infer<typeof timedDiscountRule>;

/** 会员价: the customer's tier `discountPct` (loyalty), or a percentage per tier here. */
export const memberPriceRule = z.strictObject({ tiers: z.record(z.string().min(1).max(100), percentOff).optional() });
export type MemberPriceRule = z.infer<typeof memberPriceRule>;

/** N件M元 / N件立减: `quantity` units of the scope in any mix, the highest-priced first. */
export const bundleRule = z.union([
  z.strictObject({ quantity: count(2, 1000), off: positiveMinor, repeat: z.boolean().default(false) }),
  z.strictObject({ quantity: count(2, 1000), price: minorUnits, repeat: z.boolean().default(false) }),
], { error: 'is {quantity, off} or {quantity, price}, with repeat' });
export type BundleRule = z.infer<typeof bundleRule>;

/** 买赠 / 满赠: a gift line at price 0 from the highest tier met. */
export const giftRule = z.strictObject({
  basis: z.enum(thresholdBases).default('amount'),
  tiers: z.array(z.strictObject({ min: positiveMinor, gift: z.strictObject({ sku: externalId, quantity: count(1, 100).default(1) }) })).min(1).max(20),
}).superRefine((rule, ctx) => climbing(rule.tiers, ctx));
export type GiftRule = z.infer<typeof giftRule>;

export const ruleSchemas = {
  timed_discount: timedDiscountRule,
  member_price: memberPriceRule,
  threshold: thresholdRule,
  bundle: bundleRule,
  gift: giftRule,
} as const;
export interface PromotionRules {
  timed_discount: TimedDiscountRule;
  member_price: MemberPriceRule;
  threshold: ThresholdRule;
  bundle: BundleRule;
  gift: GiftRule;
}

// --- Promotions ----------------------------------------------------------------------------------

function endsAfterStarts(p: { startsAt?: string; endsAt?: string }, ctx: z.RefinementCtx) {
  if (p.startsAt && p.endsAt && new Date(p.endsAt) <= new Date(p.startsAt)) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
}

const promotionFields = {
  name,
  startsAt: isoTimestamp,
  endsAt: isoTimestamp,
  scope: pricingScope.default(emptyScope),
  audience: pricingAudience.default({}),
  budget: promotionBudget.default({}),
  stacking: stacking(DEFAULT_PROMOTION_GROUP).default({ group: DEFAULT_PROMOTION_GROUP, exclusive: false }),
  /** Created as a draft (the default) or published at once (`live`: scheduled until `startsAt`). */
  status: z.enum(['draft', 'live']).default('draft'),
};

const variant = <K extends PromotionKind>(kind: K) => z.object({ kind: z.literal(kind), rule: ruleSchemas[kind], ...promotionFields });

/** `POST /v1/promotions`. */
export const promotionCreate = z.discriminatedUnion('kind', [
  variant('timed_discount'), variant('member_price'), variant('threshold'), variant('bundle'), variant('gift'),
], { error: `kind: must be one of ${promotionKinds.join(', ')}` }).superRefine(endsAfterStarts);
export type PromotionCreate = z.infer<typeof promotionCreate>;

/** `PATCH /v1/promotions/:id`: any field but the kind; `status` moves the promotion (live: publish or resume; paused; ended). The rule is checked against the promotion's kind. */
export const promotionUpdate = z.object({
  name: name.optional(),
  startsAt: isoTimestamp.optional(),
  endsAt: isoTimestamp.optional(),
  scope: pricingScope.optional(),
  audience: pricingAudience.optional(),
  budget: promotionBudget.optional(),
  stacking: stacking(DEFAULT_PROMOTION_GROUP).optional(),
  rule: z.unknown().optional(),
  status: z.enum(['draft', 'live', 'paused', 'ended']).optional(),
}).superRefine(endsAfterStarts);
export type PromotionUpdate = z.infer<typeof promotionUpdate>;

export const promotionId = z.string().regex(/^promo_[a-z0-9]{1,40}$/, { error: 'must be a promotion id (promo_...)' });

export const promotion = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(promotionKinds),
  status: z.enum(promotionStates),
  startsAt: z.string(),
  endsAt: z.string(),
  scope: pricingScope,
  audience: pricingAudience,
  budget: promotionBudget,
  stacking: z.object({ group: z.string(), exclusive: z.boolean() }),
  rule: z.record(z.string(), z.unknown()),
  /** What it has given so far: orders held or paid with it, and their discount. */
  usage: z.object({ uses: z.number().int(), discount: z.number().int() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Promotion = z.infer<typeof promotion>;

export const promotionsQuery = z.object({
  status: z.enum(promotionStates).optional(),
  kind: z.enum(promotionKinds).optional(),
});
export const promotionList = z.object({ promotions: z.array(promotion) });

// --- Coupons -------------------------------------------------------------------------------------

export const couponDiscount = z.union([
  z.strictObject({ off: positiveMinor }),
  z.strictObject({ percentOff, maxOff: positiveMinor.optional() }),
], { error: 'is {off} or {percentOff, maxOff}' });
export type CouponDiscount = z.infer<typeof couponDiscount>;

/** Fixed dates, or a number of days from the claim. */
export const couponValidity = z.union([
  z.strictObject({ from: isoTimestamp, to: isoTimestamp }).refine((v) => new Date(v.to) > new Date(v.from), { error: 'to must be after from', path: ['to'] }),
  z.strictObject({ days: count(1, 3660) }),
], { error: 'is {from, to} or {days}' });
export type CouponValidity = z.infer<typeof couponValidity>;

/** `POST /v1/coupon-templates`. */
export const couponTemplateCreate = z.object({
  name,
  discount: couponDiscount,
  /** Spend on the lines in scope, after 满减 and bundles, for the coupon to apply. */
  minSpend: minorUnits.default(0),
  scope: pricingScope.default(emptyScope),
  validity: couponValidity,
  /** How many coupons may exist; -1 = unlimited. */
  total: z.number().int().min(-1).max(1e9).refine((v) => v !== 0, { error: 'is -1 (unlimited) or at least 1' }),
  perCustomer: count(1, 1000).default(1),
  audience: pricingAudience.default({}),
  stacking: stacking(DEFAULT_COUPON_GROUP).default({ group: DEFAULT_COUPON_GROUP, exclusive: false }),
});
export type CouponTemplateCreate = z.infer<typeof couponTemplateCreate>;

export const couponTemplateId = z.string().regex(/^ctpl_[a-z0-9]{1,40}$/, { error: 'must be a coupon template id (ctpl_...)' });

export const couponTemplate = z.object({
  id: z.string(),
  name: z.string(),
  discount: couponDiscount,
  minSpend: z.number().int(),
  scope: pricingScope,
  validity: couponValidity,
  total: z.number().int(),
  perCustomer: z.number().int(),
  audience: pricingAudience,
  stacking: z.object({ group: z.string(), exclusive: z.boolean() }),
  /** Coupons given out (claimed or made as codes), still to give (null when unlimited), held by checkouts, and used on paid orders. */
  issued: z.number().int(),
  remaining: z.number().int().nullable(),
  held: z.number().int(),
  redeemed: z.number().int(),
  createdAt: z.string(),
});
export type CouponTemplate = z.infer<typeof couponTemplate>;
export const couponTemplateList = z.object({ templates: z.array(couponTemplate) });

export const couponClaim = z.object({
  templateId: couponTemplateId,
  customerId: externalId,
  /** A retry with the same key gives the same coupon. */
  idempotencyKey: z.string().min(1).max(200),
});
export const couponClaimed = z.object({ code: z.string(), expiresAt: z.string() });

export const couponCodesRequest = z.object({ count: count(1, MAX_CODES_PER_CALL) });
export const couponCodes = z.object({ codes: z.array(z.string()), expiresAt: z.string().nullable() });

/** available 可用 -> held 占用 (a checkout) -> redeemed 已使用 (paid); back to available when the hold is released; expired 已过期. */
export const couponStates = ['available', 'held', 'redeemed', 'expired'] as const;
export type CouponState = (typeof couponStates)[number];

export const customerCoupon = z.object({
  code: z.string(),
  templateId: z.string(),
  name: z.string(),
  discount: couponDiscount,
  minSpend: z.number().int(),
  state: z.enum(couponStates),
  claimedAt: z.string(),
  expiresAt: z.string(),
  orderId: z.string().nullable(),
});
export type CustomerCoupon = z.infer<typeof customerCoupon>;
export const customerCouponsQuery = z.object({ customerId: externalId });
export const customerCoupons = z.object({ coupons: z.array(customerCoupon) });

// --- Cart pricing --------------------------------------------------------------------------------

export const cartItem = z.object({
  sku: externalId,
  quantity: z.number({ error: 'must be a number of units' }).int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' }).max(MAX_LINE_QUANTITY, { error: `must be at most ${MAX_LINE_QUANTITY} units a line` }),
  /** A 秒杀 reservation the line is bought under: held with the order. */
  reservationId: z.string().min(1).max(100).optional(),
});

export const quoteRequest = z.object({
  /** The shop's id of the customer; absent for a guest (no audience, coupon or points then). */
  customerId: externalId.optional(),
  items: z.array(cartItem).min(1, { error: 'a cart needs at least one item' }).max(MAX_CART_LINES, { error: `at most ${MAX_CART_LINES} lines a cart` }),
  couponCodes: z.array(z.string().trim().min(1).max(100)).max(MAX_COUPON_CODES).default([]),
  /** Points the customer wants to spend (积分抵现). */
  points: z.number().int().min(0).max(1e12).default(0),
  shippingFee: minorUnits.default(0),
  /** When to price at (a promotion's window); now when absent. */
  at: isoTimestamp.optional(),
});
export type QuoteRequest = z.infer<typeof quoteRequest>;
export const pricingLangQuery = z.object({ lang: z.enum(locales).default('zh-CN') });

export const allocation = z.object({ source: z.string(), amount: z.number().int() });

export const pricedLine = z.object({
  sku: z.string(),
  quantity: z.number().int(),
  /** The catalogue price. */
  unitPrice: z.number().int(),
  /** Every stage's discount on the line. */
  discount: z.number().int(),
  total: z.number().int(),
  gift: z.boolean(),
  allocations: z.array(allocation),
  /** Each unit's discount, by source: a refund of some units returns what those units paid. */
  units: z.array(z.object({ discount: z.number().int(), allocations: z.array(allocation) })),
});
export type PricedLine = z.infer<typeof pricedLine>;

/** Why a promotion, coupon, SKU or the points did not apply. */
export const notAppliedCodes = [
  'unknown_sku', 'not_in_audience', 'not_member', 'threshold_not_met', 'budget_exhausted', 'per_customer_limit',
  'better_price', 'better_combination', 'no_amount_left',
  'unknown_coupon', 'coupon_of_another_customer', 'coupon_used', 'coupon_held', 'coupon_expired', 'coupon_not_started',
  'coupon_duplicate', 'min_spend_not_met', 'not_in_scope', 'guest',
  'points_unavailable', 'points_insufficient', 'points_capped',
  'reservation_unknown', 'reservation_of_another_customer', 'reservation_held', 'reservation_expired', 'reservation_mismatch',
] as const;
export type NotAppliedCode = (typeof notAppliedCodes)[number];

export const quoteResult = z.object({
  currency: z.string(),
  subtotal: z.number().int(),
  itemDiscount: z.number().int(),
  orderDiscount: z.number().int(),
  couponDiscount: z.number().int(),
  pointsUsed: z.number().int(),
  pointsDeduction: z.number().int(),
  /** The shipping fee charged (0 when free); `shippingDiscount` is what free shipping took off. */
  shippingFee: z.number().int(),
  shippingDiscount: z.number().int(),
  total: z.number().int(),
  lines: z.array(pricedLine),
  applied: z.array(z.object({ source: z.string(), kind: z.string(), name: z.string(), amount: z.number().int() })),
  notApplied: z.array(z.object({ source: z.string(), code: z.enum(notAppliedCodes), message: z.string(), text: localizedText })),
  hints: z.array(z.object({ source: z.string(), message: z.string(), missingAmount: z.number().int().nullable(), missingQuantity: z.number().int().nullable(), text: localizedText })),
});
export type QuoteResult = z.infer<typeof quoteResult>;

export const checkoutRequest = quoteRequest.extend({ orderId: externalId });
export type CheckoutRequest = z.infer<typeof checkoutRequest>;

/** held 占用 -> confirmed 已确认 (paid) | released 已释放 (cancelled or expired); confirmed -> reversed 已冲回 (a paid order cancelled). */
export const holdStates = ['held', 'confirmed', 'released', 'reversed'] as const;
export type HoldState = (typeof holdStates)[number];
export const DEFAULT_HOLD_MINUTES = 30;

export const checkoutResult = quoteResult.extend({
  orderId: z.string(),
  hold: z.object({ id: z.string(), expiresAt: z.string(), state: z.enum(holdStates) }),
});
export type CheckoutResult = z.infer<typeof checkoutResult>;

export const refundQuoteRequest = z.object({
  orderId: externalId,
  items: z.array(z.object({ sku: externalId, quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY) })).min(1).max(MAX_CART_LINES),
});
export const refundQuoteResult = z.object({
  /** What the refunded units paid (and the shipping fee on a full refund before shipping). */
  amount: z.number().int(),
  /** Points those units were paid with, returned. */
  points: z.number().int(),
  /** True on a full refund of an order not yet shipped: its coupons are given back. */
  couponReturned: z.boolean(),
  shipping: z.number().int(),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number().int(), amount: z.number().int(), points: z.number().int() })),
});
export type RefundQuoteResult = z.infer<typeof refundQuoteResult>;

export const promotionReport = z.object({
  promotionId: z.string(),
  currency: z.string(),
  /** Paid orders priced with the promotion (cancelled ones taken out), their buyers and paid amount. */
  orders: z.number().int(),
  buyers: z.number().int(),
  sales: z.number().int(),
  /** Discount given on those orders (a gift counts at its cost). */
  discountCost: z.number().int(),
  budgetUsed: z.object({ discount: z.number().int(), maxDiscount: z.number().int().nullable(), uses: z.number().int(), maxUses: z.number().int().nullable(), share: z.number().nullable() }),
  /** Sales per 元 of discount (sales / discount cost); null without discount. */
  salesPerDiscount: z.number().nullable(),
  /** Orders checked out and not yet paid. */
  held: z.object({ orders: z.number().int(), discount: z.number().int() }),
  daily: z.array(z.object({ date: z.string(), orders: z.number().int(), sales: z.number().int(), discountCost: z.number().int() })),
  /** Uplift against a holdout: comes with experiments. */
  uplift: z.null(),
});
export type PromotionReport = z.infer<typeof promotionReport>;

/** Cart totals never reach this: a subtotal over it is refused (sums stay exact in JavaScript numbers). */
export const MAX_CART_AMOUNT = MAX_MINOR_UNITS;
