import type { AnalyticsStore } from '../../platform/analytics-store';
import type { Db } from '../../platform/db';
import { PrivacyService, type ErasureParties, type MemberRecords } from './privacy';
import { SegmentService } from './segments';
import { CustomerService, type CustomerRecords, type ShopContext } from './service';
import { TagService } from './tags';

/** Customers: profiles (用户画像), lifecycle, RFM, rule segments, tags, PII export and erasure. The only door into the module. */
export { customersMigrations } from './migrations';
export { customersAnalyticsSchema, customersProjections } from './projection';
export { customersRoutes } from './routes';
export type { CompiledRule } from './segment-sql';
export type { CustomerService, SegmentService, TagService, PrivacyService };

export interface Customers {
  people: CustomerService;
  /** Saved segments; for the levers: `isMember`, `membersAmong`, `memberIds`, `matches`. */
  segments: SegmentService;
  tags: TagService;
  privacy: PrivacyService;
}

/** What the module needs of the others, given by the app: the shop's zone and currency, commerce's records, and erasure in the other stores. */
export interface CustomersDeps {
  shopOf: (shopId: string) => Promise<ShopContext>;
  commerce: CustomerRecords & Omit<ErasureParties, 'erasePerson' | 'eraseCustomerAnalytics' | 'loyaltyData'>;
  eraseCustomerAnalytics: ErasureParties['eraseCustomerAnalytics'];
  erasePerson: ErasureParties['erasePerson'];
  /** What loyalty holds of a customer (its service): the tier of someone it has not met, their data for an export, and erasure. */
  loyalty: MemberRecords;
  /** Applies what the outbox holds to the analytics store now (a tag change is then read back at once). */
  drainOutbox: () => Promise<unknown>;
}

export function createCustomers(db: Db, store: AnalyticsStore, deps: CustomersDeps): Customers {
  // The list's `?segment=` compiles the segment's rule; the segment service is made just below.
  const people: CustomerService = new CustomerService(db, store, deps.shopOf, deps.commerce, (shopId, id, path, prefix) => segments.compileSaved(shopId, id, path, prefix), (shopId) => deps.loyalty.baseTier(shopId));
  const segments: SegmentService = new SegmentService(db, people);
  const tags = new TagService(db, people, segments, deps.drainOutbox);
  const privacy = new PrivacyService(db, store, people, segments, {
    customerData: (shopId, id) => deps.commerce.customerData(shopId, id),
    loyaltyData: (shopId, id) => deps.loyalty.customerData(shopId, id),
    // Commerce's records and loyalty's ledger move to the anonymous id together, in Postgres.
    async eraseCustomer(shopId, id, anon) {
      const erased = await deps.commerce.eraseCustomer(shopId, id, anon);
      await deps.loyalty.eraseCustomer(shopId, id, anon);
      return erased;
    },
    eraseCustomerAnalytics: deps.eraseCustomerAnalytics,
    erasePerson: deps.erasePerson,
  });
  return { people, segments, tags, privacy };
}
