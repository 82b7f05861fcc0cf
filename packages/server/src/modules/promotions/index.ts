import { DEFAULT_HOLD_MINUTES } from '@flywheel/contracts';
import type { Logger } from 'pino';
import type { HotCounters } from '../../platform/counters';
import type { Db } from '../../platform/db';
import type { Jobs } from '../../platform/jobs';
import type { Subscribers } from '../../platform/subscribers';
import { Catalog, CATALOG_SUBSCRIBER } from './catalog';
import { CouponService } from './coupons';
import type { CustomerFacts, PointsWallet } from './facts';
import { GIVE_BACK_QUEUE, HOLD_EXPIRY_QUEUE, ORDER_TOPICS, ORDERS_SUBSCRIBER, PricingService, type Reservations } from './pricing-service';
import { PromotionService } from './promotions';
import { promotionCosts, type PromotionCost } from './summary';
import { ShopVersions } from './versions';

/** Promotions, coupons and cart pricing (PRODUCT.md, row 11). The only door into the module. */
export { promotionsMigrations } from './migrations';
export { promotionsAnalyticsSchema, promotionsProjections } from './projection';
export { promotionsRoutes } from './routes';
export { customerFacts, type CustomerFacts, type FactSources, type PointsWallet } from './facts';
export type { PromotionService, CouponService, PricingService };
export type { HeldReservation, Reservations } from './pricing-service';
/** The pure engine, for benchmarks and the demo: a cart, live promotions and customer facts in, a priced cart out. */
export { priceCart } from './pricing/price';
export { compileScope } from './pricing/scope';
export { LiveIndex, type IndexedPromotion, type StoredPromotion } from './promotions';
export type { CatalogItem, PricedCart, PricingCustomer, PricingInput, PricingPromotion } from './pricing/types';

export interface Promotions {
  promotions: PromotionService;
  /** Templates, claims, codes; `ofCustomer` for the customers module's profile. */
  coupons: CouponService;
  pricing: PricingService;
  facts: CustomerFacts;
  /** What promotions cost in a window (the 复盘's section): orders, sales, discount cost per promotion. */
  costs(shopId: string, start: Date, end: Date): Promise<PromotionCost[]>;
}

/** What the module needs of the app: the shop's currency and zone, the customer's facts, a points wallet (loyalty) and the levers' runtime. */
export interface PromotionsDeps {
  shopOf: (shopId: string) => Promise<{ currency: string; timezone: string }>;
  facts: CustomerFacts;
  points?: PointsWallet;
  runtime: { subscribers: Subscribers; jobs: Jobs; counters: HotCounters };
  log: Logger;
  /** 秒杀 reservations (the campaigns module), priced and held by checkout. */
  reservations?: Reservations;
  holdMinutes?: number;
}

export function createPromotions(db: Db, deps: PromotionsDeps): Promotions {
  const versions = new ShopVersions(db);
  const catalog = new Catalog(db, versions);
  const promotions = new PromotionService(db, deps.runtime.counters, versions);
  const coupons = new CouponService(db, deps.runtime.counters, versions);
  const pricing = new PricingService(db, deps.runtime.counters, deps.runtime.jobs, catalog, promotions, coupons, {
    shopOf: deps.shopOf, facts: deps.facts, points: deps.points, reservations: deps.reservations, holdMinutes: deps.holdMinutes ?? DEFAULT_HOLD_MINUTES, log: deps.log,
  });
  deps.runtime.subscribers.subscribe(CATALOG_SUBSCRIBER, ['product.upserted'], (trx, events) => catalog.apply(trx, events));
  deps.runtime.subscribers.subscribe(ORDERS_SUBSCRIBER, ORDER_TOPICS, (trx, events) => pricing.onOrderEvents(trx, events));
  deps.runtime.jobs.handle(HOLD_EXPIRY_QUEUE, pricing.expiryHandler());
  deps.runtime.jobs.handle(GIVE_BACK_QUEUE, pricing.giveBackHandler());
  return { promotions, coupons, pricing, facts: deps.facts, costs: (shopId, start, end) => promotionCosts(db, shopId, start, end) };
}
