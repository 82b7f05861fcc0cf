import { sql } from 'kysely';
import type { Db } from '../../platform/db';

export interface PromotionCost { id: string; name: string; orders: number; sales: number; discountCost: number; salesPerDiscount: number | null }

/**
 * The promotions that priced orders paid in [start, end), from the promotions' ledger, as the 复盘
 * reports them: orders, their sales, the discount's cost (gifts at cost included) and sales per unit of
 * discount; an order cancelled since (reversed) is not counted. Costliest first.
 */
export async function promotionCosts(db: Db, shopId: string, start: Date, end: Date): Promise<PromotionCost[]> {
  const rows = await sql<{ id: string; name: string; orders: number; sales: number; cost: number }>`
    select r.promotion_id as id, p.name, count(*)::bigint as orders, sum(r.sales)::bigint as sales, sum(r.cost)::bigint as cost
    from promotion_ledger r join promotions p on p.shop_id = r.shop_id and p.id = r.promotion_id
    where r.shop_id = ${shopId} and r.kind = 'redeem' and r.at >= ${start.toISOString()}::timestamptz and r.at < ${end.toISOString()}::timestamptz
      and not exists (select 1 from promotion_ledger v where v.shop_id = r.shop_id and v.kind = 'reverse' and v.promotion_id = r.promotion_id and v.order_id = r.order_id)
    group by r.promotion_id, p.name
    order by cost desc, r.promotion_id`.execute(db);
  return rows.rows.map((r) => {
    const cost = Number(r.cost);
    return { id: r.id, name: r.name, orders: Number(r.orders), sales: Number(r.sales), discountCost: cost, salesPerDiscount: cost > 0 ? Number(r.sales) / cost : null };
  });
}
