import type { Logger } from 'pino';
import type { HotCounters } from '../../platform/counters';
import type { Db } from '../../platform/db';
import type { Jobs } from '../../platform/jobs';
import type { Subscribers } from '../../platform/subscribers';
import { FLASH_SALE_EXPIRY_QUEUE, FLASH_SALE_GIVE_BACK_QUEUE, FlashSaleService, ORDER_TOPICS, ORDERS_SUBSCRIBER } from './flash-sales';
import { GROUP_DEADLINE_QUEUE, GROUP_ORDERS_SUBSCRIBER, GROUP_REFUND_QUEUE, GroupBuyService, type GroupBuyCommerce } from './group-buys';

/** Campaign mechanics (PRODUCT.md, Levers, row 11): 秒杀 flash sales and 拼团 group buys. The only door into the module. */
export { campaignsMigrations } from './migrations';
export { campaignsRoutes } from './routes';
export { stockCounter } from './flash-sales';
export { groupRefundId } from './group-buys';
export type { FlashSaleService, GroupBuyService, GroupBuyCommerce };

export interface Campaigns {
  /** Flash sales and their reservations; `reservation`, `attachToOrder`, `confirmReservation` and `cancelReservation` for checkout. */
  flashSales: FlashSaleService;
  /** Group buys, their groups and members; `isShippable(shopId, orderId)` says whether an order may ship (not while its group forms, nor once it failed). */
  groupBuys: GroupBuyService;
}

/** What the module needs of the app: the levers' runtime (orders' domain events, durable timers, hot counters). */
export interface CampaignsDeps {
  runtime: { subscribers: Subscribers; jobs: Jobs; counters: HotCounters };
  log: Logger;
  /** Orders read and refunds upserted through commerce's service (a failed 拼团's paid orders). */
  commerce: GroupBuyCommerce;
}

export function createCampaigns(db: Db, deps: CampaignsDeps): Campaigns {
  const flashSales = new FlashSaleService(db, deps.runtime.counters, deps.runtime.jobs);
  deps.runtime.subscribers.subscribe(ORDERS_SUBSCRIBER, ORDER_TOPICS, (trx, events) => flashSales.onOrderEvents(trx, events));
  deps.runtime.jobs.handle(FLASH_SALE_EXPIRY_QUEUE, flashSales.expiryHandler());
  deps.runtime.jobs.handle(FLASH_SALE_GIVE_BACK_QUEUE, flashSales.giveBackHandler());
  const groupBuys = new GroupBuyService(db, deps.runtime.jobs, deps.commerce);
  deps.runtime.subscribers.subscribe(GROUP_ORDERS_SUBSCRIBER, ORDER_TOPICS, (trx, events) => groupBuys.onOrderEvents(trx, events));
  deps.runtime.jobs.handle(GROUP_DEADLINE_QUEUE, groupBuys.deadlineHandler());
  deps.runtime.jobs.handle(GROUP_REFUND_QUEUE, groupBuys.refundHandler());
  return { flashSales, groupBuys };
}
