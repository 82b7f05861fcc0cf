import type { Logger } from 'pino';
import type { HotCounters } from '../../platform/counters';
import type { Db } from '../../platform/db';
import type { Jobs } from '../../platform/jobs';
import type { Subscribers } from '../../platform/subscribers';
import { FLASH_SALE_EXPIRY_QUEUE, FLASH_SALE_GIVE_BACK_QUEUE, FlashSaleService, ORDER_TOPICS, ORDERS_SUBSCRIBER } from './flash-sales';

/** Campaign mechanics (PRODUCT.md, Levers, row 11): 秒杀 flash sales. The only door into the module. */
export { campaignsMigrations } from './migrations';
export { campaignsRoutes } from './routes';
export { stockCounter } from './flash-sales';
export type { FlashSaleService };

export interface Campaigns {
  /** Flash sales and their reservations; `reservation`, `attachToOrder`, `confirmReservation` and `cancelReservation` for checkout. */
  flashSales: FlashSaleService;
}

/** What the module needs of the app: the levers' runtime (orders' domain events, durable timers, hot counters). */
export interface CampaignsDeps {
  runtime: { subscribers: Subscribers; jobs: Jobs; counters: HotCounters };
  log: Logger;
}

export function createCampaigns(db: Db, deps: CampaignsDeps): Campaigns {
  const flashSales = new FlashSaleService(db, deps.runtime.counters, deps.runtime.jobs);
  deps.runtime.subscribers.subscribe(ORDERS_SUBSCRIBER, ORDER_TOPICS, (trx, events) => flashSales.onOrderEvents(trx, events));
  deps.runtime.jobs.handle(FLASH_SALE_EXPIRY_QUEUE, flashSales.expiryHandler());
  deps.runtime.jobs.handle(FLASH_SALE_GIVE_BACK_QUEUE, flashSales.giveBackHandler());
  return { flashSales };
}
