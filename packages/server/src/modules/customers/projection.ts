import type { AnalyticsSchema } from '../../platform/analytics-store';
import { deleteKeys, insertRows } from '../../platform/analytics-store';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ProjectedMessage, Projection } from '../../platform/outbox';

/**
 * This module's analytics tables: tags set by hand, per customer (segments read them beside the
 * imported ones), and the people a shop knows with when it first knew them (a customer record's
 * registration, or their first order, whichever is earlier; a record without a registration time:
 * always), so the facts need not find them among every order each time. Built from commerce's
 * tables once, then kept by the projections below.
 */
export const customersAnalyticsSchema: AnalyticsSchema = {
  name: 'customers',
  statements: [
    `create table if not exists customer_tag_edits (shop_id varchar, customer_id varchar, added varchar[], removed varchar[])`,
    `create table if not exists customer_people (shop_id varchar, customer_id varchar, first_seen timestamptz, primary key (shop_id, customer_id))`,
    `create table if not exists customer_people_built (built boolean)`,
    `insert into customer_people
      select shop_id, customer_id, min(t) from (
        select shop_id, customer_id, coalesce(registered_at, '-infinity'::timestamptz) as t from customers
        union all select shop_id, customer_id, placed_at from orders) p
      where not exists (select 1 from customer_people_built)
      group by all
      on conflict do nothing`,
    `insert into customer_people_built select true where not exists (select 1 from customer_people_built)`,
  ],
};

/** Adds people, or moves their first-seen time earlier (never later: a person once known stays known). */
async function seePeople(conn: DuckDBConnection, shopId: string, people: { customer_id: string; first_seen: string | null }[]) {
  if (people.length === 0) return;
  await conn.run(`insert into customer_people
    select ?, r.customer_id, min(coalesce(r.first_seen::timestamptz, '-infinity'::timestamptz))
    from (select unnest(from_json(?::json, '[{"customer_id":"VARCHAR","first_seen":"VARCHAR"}]')) as r) group by r.customer_id
    on conflict (shop_id, customer_id) do update set first_seen = least(customer_people.first_seen, excluded.first_seen)`, [shopId, JSON.stringify(people)]);
}

function byShop<P>(messages: ProjectedMessage[]): Map<string, P[]> {
  const out = new Map<string, P[]>();
  for (const m of messages) out.set(m.shopId, [...(out.get(m.shopId) ?? []), m.payload as P]);
  return out;
}

/** Commerce's `order.upserted` and `customer.upserted`, as far as who is known and since when. */
const ordersSeen: Projection = async (conn, messages) => {
  for (const [shopId, orders] of byShop<{ customerId: string; placedAt: string }>(messages)) await seePeople(conn, shopId, orders.map((o) => ({ customer_id: o.customerId, first_seen: o.placedAt })));
};
const customersSeen: Projection = async (conn, messages) => {
  for (const [shopId, customers] of byShop<{ externalId: string; registeredAt: string | null }>(messages)) await seePeople(conn, shopId, customers.map((c) => ({ customer_id: c.externalId, first_seen: c.registeredAt })));
};

/** `customer.tags_changed`: the customer's whole hand-set state (`added`, `removed`), so applying it again changes nothing. */
export interface TagsChanged { customerId: string; added: string[]; removed: string[] }

const tagsChanged: Projection = async (conn, messages) => {
  for (const [shopId, list] of byShop<TagsChanged>(messages)) {
    await deleteKeys(conn, 'customer_tag_edits', shopId, 'customer_id', list.map((t) => t.customerId));
    await insertRows(conn, 'customer_tag_edits', { shop_id: 'VARCHAR', customer_id: 'VARCHAR', added: 'VARCHAR[]', removed: 'VARCHAR[]' },
      list.filter((t) => t.added.length + t.removed.length > 0).map((t) => ({ shop_id: shopId, customer_id: t.customerId, added: t.added, removed: t.removed })));
  }
};

/** Merged with commerce's (platform/outbox `mergeProjections`): they run after commerce's own for the same topics. */
export const customersProjections: Record<string, Projection> = {
  'customer.tags_changed': tagsChanged,
  'order.upserted': ordersSeen,
  'customer.upserted': customersSeen,
};
