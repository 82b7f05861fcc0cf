import type { Trx } from '../../platform/jobs';
import type { PricingCustomer } from './pricing/types';

/**
 * What pricing asks about a customer: the segments its promotions and coupons name, whether any is
 * for new customers, whether the tier matters (a member price, a tier audience, the tier's free
 * shipping on a cart with a fee) and whether the cart spends points. Each lookup not asked is not
 * made: a quote pays only for the facts its answer can depend on.
 */
export interface FactsAsk {
  segments: readonly string[];
  newCustomer: boolean;
  membership: boolean;
  points: boolean;
}

/**
 * What pricing needs to know of a customer (their tier and its member discount and free shipping,
 * the segments asked about they are in, the points they may spend and on what terms, whether they
 * are new), from the customers and loyalty modules, given by the app.
 */
export interface CustomerFacts {
  of(shopId: string, customerId: string, ask: FactsAsk): Promise<PricingCustomer>;
}

/** Points held for a checkout and given back when its hold is released (loyalty's ledger). */
export interface PointsWallet {
  /** Spends the points for the hold (idempotent by key), in the caller's transaction; false when the balance is short. */
  spend(trx: Trx, shopId: string, customerId: string, points: number, key: string): Promise<boolean>;
  /** Gives the points of a released hold back (idempotent by key). */
  giveBack(shopId: string, customerId: string, points: number, key: string): Promise<void>;
}

/** The parts of CustomerFacts, each from the module that knows it; a missing part reads as "not known". */
export interface FactSources {
  /** Which of these segments the customer is a member of now (customers). */
  segmentsOf?(shopId: string, customerId: string, segmentIds: readonly string[]): Promise<Set<string>>;
  /** Whether the customer has a paid order (customers' lifecycle: not a prospect). */
  hasPurchased?(shopId: string, customerId: string): Promise<boolean>;
  /** The tier held and its benefits (loyalty). */
  membership?(shopId: string, customerId: string): Promise<{ tier: string; discountPct: number; freeShipping: boolean } | null>;
  /** Points available and the redeem terms (loyalty). */
  points?(shopId: string, customerId: string): Promise<{ available: number; pointsPerYuan: number; maxShare: number } | null>;
}

/** CustomerFacts from its sources, asking each only what this cart needs. */
export function customerFacts(sources: FactSources): CustomerFacts {
  return {
    async of(shopId, customerId, ask) {
      const [segments, purchased, membership, points] = await Promise.all([
        ask.segments.length > 0 && sources.segmentsOf ? sources.segmentsOf(shopId, customerId, ask.segments) : Promise.resolve(new Set<string>()),
        ask.newCustomer && sources.hasPurchased ? sources.hasPurchased(shopId, customerId) : Promise.resolve(true),
        ask.membership && sources.membership ? sources.membership(shopId, customerId) : Promise.resolve(null),
        ask.points && sources.points ? sources.points(shopId, customerId) : Promise.resolve(null),
      ]);
      return {
        id: customerId, tier: membership?.tier ?? null, tierDiscountPct: membership?.discountPct ?? null, freeShipping: membership?.freeShipping ?? false,
        segments, isNew: !purchased, points,
      };
    },
  };
}

/** A guest: no audience, coupon or points. */
export const GUEST: PricingCustomer = { id: null, tier: null, tierDiscountPct: null, freeShipping: false, segments: new Set(), isNew: true, points: null };
