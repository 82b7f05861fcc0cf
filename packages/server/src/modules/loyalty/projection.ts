import type { AnalyticsSchema } from '../../platform/analytics-store';
import { deleteKeys, insertRows } from '../../platform/analytics-store';
import type { Projection } from '../../platform/outbox';

/** The outbox topic of a member's tier and available points, written in the transaction that changes them. */
export const MEMBER_TOPIC = 'loyalty.member';

/** A member's facts; `removed` when the member is no longer under this id (an erased customer, re-keyed to an anonymous id). */
export interface MemberFacts { customerId: string; tier: string; points: number; removed?: boolean }

/**
 * What segment rules and the customer list read of loyalty in DuckDB (the `tier` and `points`
 * fields): one row per member, projected from the outbox like commerce's tables.
 */
export const loyaltyAnalyticsSchema: AnalyticsSchema = {
  name: 'loyalty',
  statements: [`create table if not exists loyalty_facts (shop_id varchar, customer_id varchar, tier varchar, points bigint, primary key (shop_id, customer_id))`],
  shared: {
    loyalty_facts: 'one row per member: the tier key held and the available points (pending and owed not counted), replaced at each change; as fresh as the projector',
  },
};

const memberChanged: Projection = async (conn, messages) => {
  const byShop = new Map<string, MemberFacts[]>();
  for (const m of messages) byShop.set(m.shopId, [...(byShop.get(m.shopId) ?? []), m.payload as MemberFacts]);
  for (const [shopId, members] of byShop) {
    await deleteKeys(conn, 'loyalty_facts', shopId, 'customer_id', members.map((m) => m.customerId));
    await insertRows(conn, 'loyalty_facts', { shop_id: 'VARCHAR', customer_id: 'VARCHAR', tier: 'VARCHAR', points: 'BIGINT' },
      members.filter((m) => !m.removed).map((m) => ({ shop_id: shopId, customer_id: m.customerId, tier: m.tier, points: m.points })));
  }
};

export const loyaltyProjections: Record<string, Projection> = { [MEMBER_TOPIC]: memberChanged };
