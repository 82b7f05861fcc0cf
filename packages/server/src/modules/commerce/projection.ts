import type { AnalyticsSchema } from '../../platform/analytics-store';
import { deleteKeys, insertRows } from '../../platform/analytics-store';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ProjectedMessage, Projection } from '../../platform/outbox';
import type { CustomerRecord, InventoryRecord, ProductRecord, RefundRecord, SpendRecord } from '@flywheel/contracts';
import type { OrderPayload } from './service';

/** Commerce tables in the analytics store. No PII: names, phones and emails stay in Postgres. */
export const commerceAnalyticsSchema: AnalyticsSchema = {
  name: 'commerce',
  statements: [
    `create table if not exists orders (shop_id varchar, order_id varchar, customer_id varchar, status varchar,
      placed_at timestamptz, paid_at timestamptz, cancelled_at timestamptz,
      payable_amount bigint, paid_amount bigint, discount bigint, shipping_fee bigint, currency varchar,
      platform varchar, channel varchar, campaign varchar, coupon_codes varchar[], item_count integer)`,
    `create table if not exists order_items (shop_id varchar, order_id varchar, customer_id varchar, line integer, sku varchar, product_id varchar,
      quantity integer, unit_price bigint, discount bigint, amount bigint, unit_cost bigint, placed_at timestamptz, paid_at timestamptz, status varchar)`,
    `create table if not exists customers (shop_id varchar, customer_id varchar, gender varchar, birthday date, province varchar, city varchar,
      registered_at timestamptz, channel varchar, tags varchar[])`,
    `create table if not exists products (shop_id varchar, product_id varchar, title varchar, category varchar, category_l1 varchar, brand varchar, status varchar)`,
    `create table if not exists skus (shop_id varchar, sku varchar, product_id varchar, price bigint, cost bigint)`,
    `create table if not exists refunds (shop_id varchar, refund_id varchar, order_id varchar, amount bigint, reason varchar, created_at timestamptz)`,
    `create table if not exists spend (shop_id varchar, date date, channel varchar, campaign varchar, amount bigint, impressions bigint, clicks bigint)`,
    `create table if not exists inventory (shop_id varchar, sku varchar, warehouse varchar, on_hand integer, reserved integer, updated_at timestamptz)`,
  ],
  // Projected from the outbox: a row is as fresh as the projector (milliseconds behind a commit in a listening server).
  shared: {
    orders: 'one row per order, its latest state (replaced when the order changes); paid_at set once paid; amounts in minor units',
    order_items: 'the lines of an order, replaced together with it; amount = quantity × unit_price − discount',
    customers: 'one row per customer, its latest attributes; an erased customer keeps an anonymous id and no personal data',
    products: 'one row per product (SPU), category_l1 the top level of its category path',
    skus: 'one row per SKU with its price and cost',
    refunds: 'append-only: one row per refund, amount in minor units',
    spend: 'one row per day, channel and campaign (replaced when sent again)',
    inventory: 'one row per SKU and warehouse, its latest level',
  },
};

function byShop<P>(messages: ProjectedMessage[]): Map<string, ProjectedMessage<P>[]> {
  const out = new Map<string, ProjectedMessage<P>[]>();
  for (const m of messages) {
    const list = out.get(m.shopId) ?? [];
    list.push(m as ProjectedMessage<P>);
    out.set(m.shopId, list);
  }
  return out;
}

const orders: Projection = async (conn, messages) => {
  for (const [shopId, list] of byShop<OrderPayload>(messages)) {
    const ids = list.map((m) => m.key);
    await deleteKeys(conn, 'orders', shopId, 'order_id', ids);
    await deleteKeys(conn, 'order_items', shopId, 'order_id', ids);
    await insertRows(conn, 'orders', {
      shop_id: 'VARCHAR', order_id: 'VARCHAR', customer_id: 'VARCHAR', status: 'VARCHAR', placed_at: 'TIMESTAMPTZ', paid_at: 'TIMESTAMPTZ', cancelled_at: 'TIMESTAMPTZ',
      payable_amount: 'BIGINT', paid_amount: 'BIGINT', discount: 'BIGINT', shipping_fee: 'BIGINT', currency: 'VARCHAR', platform: 'VARCHAR', channel: 'VARCHAR',
      campaign: 'VARCHAR', coupon_codes: 'VARCHAR[]', item_count: 'INTEGER',
    }, list.map(({ payload: o }) => ({
      shop_id: shopId, order_id: o.externalId, customer_id: o.customerId, status: o.status, placed_at: o.placedAt, paid_at: o.paidAt, cancelled_at: o.cancelledAt,
      payable_amount: o.payableAmount, paid_amount: o.paidAmount, discount: o.discount, shipping_fee: o.shippingFee, currency: o.currency, platform: o.platform,
      channel: o.channel, campaign: o.campaign, coupon_codes: o.couponCodes, item_count: o.items.reduce((n, i) => n + i.quantity, 0),
    })));
    await insertRows(conn, 'order_items', {
      shop_id: 'VARCHAR', order_id: 'VARCHAR', customer_id: 'VARCHAR', line: 'INTEGER', sku: 'VARCHAR', product_id: 'VARCHAR', quantity: 'INTEGER', unit_price: 'BIGINT',
      discount: 'BIGINT', amount: 'BIGINT', unit_cost: 'BIGINT', placed_at: 'TIMESTAMPTZ', paid_at: 'TIMESTAMPTZ', status: 'VARCHAR',
    }, list.flatMap(({ payload: o }) => o.items.map((it, line) => ({
      shop_id: shopId, order_id: o.externalId, customer_id: o.customerId, line, sku: it.sku, product_id: it.productId, quantity: it.quantity, unit_price: it.unitPrice,
      discount: it.discount, amount: it.unitPrice * it.quantity - it.discount, unit_cost: it.unitCost, placed_at: o.placedAt, paid_at: o.paidAt, status: o.status,
    }))));
  }
};

const customers: Projection = async (conn, messages) => {
  for (const [shopId, list] of byShop<CustomerRecord & { tags: string[] }>(messages)) {
    await deleteKeys(conn, 'customers', shopId, 'customer_id', list.map((m) => m.key));
    await insertRows(conn, 'customers', { shop_id: 'VARCHAR', customer_id: 'VARCHAR', gender: 'VARCHAR', birthday: 'DATE', province: 'VARCHAR', city: 'VARCHAR', registered_at: 'TIMESTAMPTZ', channel: 'VARCHAR', tags: 'VARCHAR[]' },
      list.map(({ payload: c }) => ({ shop_id: shopId, customer_id: c.externalId, gender: c.gender, birthday: c.birthday, province: c.province, city: c.city, registered_at: c.registeredAt, channel: c.channel, tags: c.tags })));
  }
};

const products: Projection = async (conn, messages) => {
  for (const [shopId, list] of byShop<ProductRecord>(messages)) {
    const ids = list.map((m) => m.key);
    await deleteKeys(conn, 'products', shopId, 'product_id', ids);
    await deleteKeys(conn, 'skus', shopId, 'product_id', ids);
    await deleteKeys(conn, 'skus', shopId, 'sku', list.flatMap((m) => m.payload.skus.map((s) => s.sku)));
    await insertRows(conn, 'products', { shop_id: 'VARCHAR', product_id: 'VARCHAR', title: 'VARCHAR', category: 'VARCHAR', category_l1: 'VARCHAR', brand: 'VARCHAR', status: 'VARCHAR' },
      list.map(({ payload: p }) => ({ shop_id: shopId, product_id: p.externalId, title: p.title, category: p.category, category_l1: p.category.split('/')[0], brand: p.brand, status: p.status })));
    await insertRows(conn, 'skus', { shop_id: 'VARCHAR', sku: 'VARCHAR', product_id: 'VARCHAR', price: 'BIGINT', cost: 'BIGINT' },
      list.flatMap(({ payload: p }) => p.skus.map((s) => ({ shop_id: shopId, sku: s.sku, product_id: p.externalId, price: s.price, cost: s.cost }))));
  }
};

const refunds: Projection = async (conn, messages) => {
  for (const [shopId, list] of byShop<RefundRecord>(messages)) {
    await deleteKeys(conn, 'refunds', shopId, 'refund_id', list.map((m) => m.key));
    await insertRows(conn, 'refunds', { shop_id: 'VARCHAR', refund_id: 'VARCHAR', order_id: 'VARCHAR', amount: 'BIGINT', reason: 'VARCHAR', created_at: 'TIMESTAMPTZ' },
      list.map(({ payload: r }) => ({ shop_id: shopId, refund_id: r.externalId, order_id: r.orderId, amount: r.amount, reason: r.reason, created_at: r.createdAt })));
  }
};

const spend: Projection = async (conn, messages) => {
  for (const [shopId, list] of byShop<SpendRecord>(messages)) {
    // The outbox key is JSON.stringify([date, channel, campaign]); DuckDB's to_json writes it the same way.
    await deleteKeys(conn, 'spend', shopId, `to_json([strftime(date, '%Y-%m-%d'), channel, campaign])::varchar`, list.map((m) => m.key));
    await insertRows(conn, 'spend', { shop_id: 'VARCHAR', date: 'DATE', channel: 'VARCHAR', campaign: 'VARCHAR', amount: 'BIGINT', impressions: 'BIGINT', clicks: 'BIGINT' },
      list.map(({ payload: s }) => ({ shop_id: shopId, ...s })));
  }
};

const inventory: Projection = async (conn, messages) => {
  for (const [shopId, list] of byShop<InventoryRecord>(messages)) {
    // The outbox key is JSON.stringify([sku, warehouse]).
    await deleteKeys(conn, 'inventory', shopId, `to_json([sku, warehouse])::varchar`, list.map((m) => m.key));
    await insertRows(conn, 'inventory', { shop_id: 'VARCHAR', sku: 'VARCHAR', warehouse: 'VARCHAR', on_hand: 'INTEGER', reserved: 'INTEGER', updated_at: 'TIMESTAMPTZ' },
      list.map(({ payload: s }) => ({ shop_id: shopId, sku: s.sku, warehouse: s.warehouse, on_hand: s.onHand, reserved: s.reserved, updated_at: s.updatedAt })));
  }
};

/**
 * The analytics side of `CommerceService.eraseCustomer`: the person's orders, order lines and customer
 * row take the anonymous id, and the row loses birthday, city and tags. Run after the outbox has been
 * drained, so no batch read before the erasure lands after it; running it again changes nothing.
 */
export async function eraseCustomerAnalytics(conn: DuckDBConnection, shopId: string, externalId: string, anonymousId: string) {
  for (const table of ['orders', 'order_items']) await conn.run(`update ${table} set customer_id = ? where shop_id = ? and customer_id = ?`, [anonymousId, shopId, externalId]);
  await conn.run(`update customers set customer_id = ?, birthday = null, city = null, tags = []::varchar[] where shop_id = ? and customer_id = ?`, [anonymousId, shopId, externalId]);
}

export const commerceProjections: Record<string, Projection> = {
  'order.upserted': orders,
  'customer.upserted': customers,
  'product.upserted': products,
  'refund.upserted': refunds,
  'spend.upserted': spend,
  'inventory.upserted': inventory,
};
