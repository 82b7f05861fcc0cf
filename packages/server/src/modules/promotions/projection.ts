import type { AnalyticsSchema } from '../../platform/analytics-store';
import { deleteKeys, insertRows } from '../../platform/analytics-store';
import type { Projection } from '../../platform/outbox';

/** The outbox topic of the promotions an order was priced with, written when its checkout is confirmed (paid) or reversed (cancelled). */
export const ORDER_PROMOTIONS_TOPIC = 'promotion.order';

export interface OrderPromotions { orderId: string; promotions: { id: string; discount: number }[] }

/**
 * What the metric layer reads of promotions in DuckDB (`breakdown=promotion`, `filter.promotion=`):
 * the promotions each paid order was priced with, projected from the outbox like commerce's tables.
 */
export const promotionsAnalyticsSchema: AnalyticsSchema = {
  name: 'promotions',
  statements: [`create table if not exists order_promotions (shop_id varchar, order_id varchar, promotion_id varchar, discount bigint, primary key (shop_id, order_id, promotion_id))`],
  shared: {
    order_promotions: 'one row per promotion an order checked out through /v1/pricing/checkout was priced with, once the order is paid; gone when it is cancelled; discount in minor units',
  },
};

const orderPromotions: Projection = async (conn, messages) => {
  const byShop = new Map<string, OrderPromotions[]>();
  for (const m of messages) byShop.set(m.shopId, [...(byShop.get(m.shopId) ?? []), m.payload as OrderPromotions]);
  for (const [shopId, orders] of byShop) {
    await deleteKeys(conn, 'order_promotions', shopId, 'order_id', orders.map((o) => o.orderId));
    // The projector hands the newest message per order: a reversal lists none.
    await insertRows(conn, 'order_promotions', { shop_id: 'VARCHAR', order_id: 'VARCHAR', promotion_id: 'VARCHAR', discount: 'BIGINT' },
      orders.flatMap((o) => o.promotions.map((p) => ({ shop_id: shopId, order_id: o.orderId, promotion_id: p.id, discount: p.discount }))));
  }
};

export const promotionsProjections: Record<string, Projection> = { [ORDER_PROMOTIONS_TOPIC]: orderPromotions };
