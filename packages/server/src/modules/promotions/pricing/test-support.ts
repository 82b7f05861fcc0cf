import { DEFAULT_COUPON_GROUP, DEFAULT_PROMOTION_GROUP, type CouponDiscount, type PricingScope, type PromotionKind, type PromotionRules } from '@flywheel/contracts';
import { priceCart } from './price';
import { compileScope } from './scope';
import type { CatalogItem, PricedCart, PricingCoupon, PricingCustomer, PricingInput, PricingPromotion } from './types';

/** Builders for pricing tests: a catalogue, promotions and coupons with everything but what matters defaulted. */

export const AT = Date.parse('2026-06-18T12:00:00+08:00');

export function catalogOf(items: Record<string, number | Partial<CatalogItem> & { price: number }>): (sku: string) => CatalogItem | undefined {
  const map = new Map<string, CatalogItem>();
  for (const [sku, v] of Object.entries(items)) {
    const item = typeof v === 'number' ? { price: v } : v;
    map.set(sku, { sku, category: null, cost: null, title: null, ...item });
  }
  return (sku) => map.get(sku);
}

let counter = 0;
export function promotion<K extends PromotionKind>(kind: K, rule: PromotionRules[K], extra: Partial<Omit<PricingPromotion, 'scope' | 'kind' | 'rule'>> & { scope?: Partial<PricingScope> } = {}): PricingPromotion {
  counter++;
  const { scope, ...rest } = extra;
  return {
    id: `promo_${counter}`, name: `P${counter}`, startsAt: AT - 86_400_000, endsAt: AT + 86_400_000,
    audience: {}, stacking: { group: DEFAULT_PROMOTION_GROUP, exclusive: false }, usesLeft: null, discountLeft: null, customerUsesLeft: null,
    ...rest,
    kind, rule,
    scope: compileScope({ skus: [], categories: [], excludeSkus: [], ...scope }),
  } as PricingPromotion;
}

export function coupon(code: string, discount: CouponDiscount, extra: Partial<Omit<PricingCoupon, 'scope'>> & { scope?: Partial<PricingScope> } = {}): PricingCoupon {
  const { scope, ...rest } = extra;
  return {
    code, templateId: 'ctpl_1', name: code, discount, minSpend: 0, audience: {}, stacking: { group: DEFAULT_COUPON_GROUP, exclusive: false },
    ...rest,
    scope: compileScope({ skus: [], categories: [], excludeSkus: [], ...scope }),
  };
}

export const guest: PricingCustomer = { id: null, tier: null, tierDiscountPct: null, freeShipping: false, segments: new Set(), isNew: true, points: null };
export const member = (extra: Partial<PricingCustomer> = {}): PricingCustomer => ({ ...guest, id: 'C1', isNew: false, ...extra });

export function price(input: Partial<PricingInput> & Pick<PricingInput, 'items' | 'catalog'>): PricedCart {
  return priceCart({ currency: 'CNY', at: AT, promotions: [], coupons: [], customer: member(), points: 0, shippingFee: 0, ...input });
}

/** Each unit's discounts, line by line: [[100, 100], [50]]. */
export const unitDiscounts = (cart: PricedCart) => cart.lines.map((l) => l.units.map((u) => u.discount));
export const appliedAmount = (cart: PricedCart, source: string) => cart.applied.find((a) => a.source === source)?.amount;
