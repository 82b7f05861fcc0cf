import type { AnalyticsSchema } from '../../platform/analytics-store';
import { deleteKeys, insertRows } from '../../platform/analytics-store';
import type { Projection } from '../../platform/outbox';

/** Tags set by hand, per customer, in the analytics store (where segments read them beside the imported ones). */
export const customersAnalyticsSchema: AnalyticsSchema = {
  name: 'customers',
  statements: [
    `create table if not exists customer_tag_edits (shop_id varchar, customer_id varchar, added varchar[], removed varchar[])`,
  ],
};

/** `customer.tags_changed`: the customer's whole hand-set state (`added`, `removed`), so applying it again changes nothing. */
export interface TagsChanged { customerId: string; added: string[]; removed: string[] }

const tagsChanged: Projection = async (conn, messages) => {
  const byShop = new Map<string, TagsChanged[]>();
  for (const m of messages) byShop.set(m.shopId, [...(byShop.get(m.shopId) ?? []), m.payload as TagsChanged]);
  for (const [shopId, list] of byShop) {
    await deleteKeys(conn, 'customer_tag_edits', shopId, 'customer_id', list.map((t) => t.customerId));
    await insertRows(conn, 'customer_tag_edits', { shop_id: 'VARCHAR', customer_id: 'VARCHAR', added: 'VARCHAR[]', removed: 'VARCHAR[]' },
      list.filter((t) => t.added.length + t.removed.length > 0).map((t) => ({ shop_id: shopId, customer_id: t.customerId, added: t.added, removed: t.removed })));
  }
};

export const customersProjections: Record<string, Projection> = { 'customer.tags_changed': tagsChanged };
