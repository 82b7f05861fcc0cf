import type { LoyaltyReport } from '@flywheel/contracts';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import type { EventFeed } from '../../platform/event-feed';
import type { Jobs } from '../../platform/jobs';
import type { Subscribers } from '../../platform/subscribers';
import { QUEUES } from './book';
import { BEHAVIOUR_EVENTS, birthdayHandler, DOMAIN_TOPICS, expireHandler, onBehaviourEvents, onDomainEvents, releaseHandler, tierReviewHandler, type ShopOf } from './reactions';
import { loyaltyReport } from './report';
import { LoyaltyService } from './service';

/** Membership tiers (成长值, 普通/黄金/钻石) and the points ledger. The only door into the module. */
export { loyaltyMigrations } from './migrations';
export { loyaltyAnalyticsSchema, loyaltyProjections } from './projection';
export { loyaltyRoutes } from './routes';
export { InsufficientPoints } from './service';
export type { LoyaltyService, MemberBenefits } from './service';

export interface Loyalty {
  /** Program, points, tiers, benefits (`benefitsOf`, `tierOf`), `summaryOf` for the customers module, `redeem` for promotions. */
  service: LoyaltyService;
  report(shopId: string, from: string, to: string): Promise<LoyaltyReport>;
}

/** What loyalty needs of the app: the shop's zone and currency, which customers commerce knows, and the levers' runtime it reacts through. */
export interface LoyaltyDeps {
  shopOf: ShopOf;
  knownCustomers: (shopId: string, customerIds: readonly string[]) => Promise<Set<string>>;
  runtime: { subscribers: Subscribers; events: EventFeed; jobs: Jobs; clock: Clock };
}

/** The names of loyalty's subscriptions (their checkpoints in subscriber_checkpoints). */
export const LOYALTY_SUBSCRIBER = 'loyalty';

export function createLoyalty(db: Db, deps: LoyaltyDeps): Loyalty {
  const { subscribers, events, jobs, clock } = deps.runtime;
  const enqueue = (list: Parameters<Jobs['enqueue']>[0], trx: Parameters<Jobs['enqueue']>[1]) => jobs.enqueue(list, trx);
  const service = new LoyaltyService(db, { shopOf: deps.shopOf, knownCustomers: deps.knownCustomers, enqueue });
  subscribers.subscribe(LOYALTY_SUBSCRIBER, DOMAIN_TOPICS, (trx, batch) => onDomainEvents(trx, batch, deps.shopOf, enqueue, clock.now()));
  events.subscribe(LOYALTY_SUBSCRIBER, BEHAVIOUR_EVENTS, (trx, batch) => onBehaviourEvents(trx, batch, deps.shopOf, enqueue, clock.now()));
  jobs.handle(QUEUES.release, releaseHandler(deps.shopOf, enqueue));
  jobs.handle(QUEUES.expire, expireHandler(enqueue));
  jobs.handle(QUEUES.tierReview, tierReviewHandler(deps.shopOf, enqueue));
  jobs.handle(QUEUES.birthday, birthdayHandler(deps.shopOf, enqueue));
  return { service, report: (shopId, from, to) => loyaltyReport(db, deps.shopOf, shopId, from, to) };
}
