import { createHash } from 'node:crypto';
import {
  MAX_BATCH_RECORDS,
  NUL_MESSAGE,
  nulPath,
  recordSchemas,
  type BatchResult,
  type CustomerRecord,
  type EntityName,
  type EntityRecords,
  type InventoryRecord,
  type OrderRecord,
  type StoredOrder,
  type ProductRecord,
  type RefundRecord,
  type RejectedRecord,
  type SpendRecord,
} from '@flywheel/contracts';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../../platform/db';
import { FlywheelError, fromZodIssue } from '../../platform/errors';
import { enqueue, type OutboxMessage } from '../../platform/outbox';
import { isPaidStatus, transitionError } from './order-status';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Trx = Transaction<any>;

function contentHash(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64url');
}

const iso = (v: string | Date | null | undefined) => (v == null ? null : new Date(v).toISOString());

/** The order as projected to analytics and published to other modules (`order.upserted`). */
/** An order as the service keeps it (the stored order without what was refunded of it). */
export type OrderPayload = Omit<StoredOrder, 'refundedAmount'>;

class Rejection extends Error {
  constructor(readonly code: string, message: string, readonly field?: string) { super(message); }
}

interface Accepted<T> { index: number; record: T }

/**
 * Commerce data: products, customers, orders, refunds, inventory and marketing spend, upserted in
 * batches by the shop's external ids. Every change lands with its outbox message in one transaction;
 * a record identical to the stored one changes nothing and publishes nothing.
 */
export class CommerceService {
  constructor(private readonly db: Db, private readonly shopCurrency: (shopId: string) => Promise<string>) {}

  async upsert<E extends EntityName>(shopId: string, entity: E, records: readonly unknown[]): Promise<BatchResult> {
    if (records.length > MAX_BATCH_RECORDS) throw new FlywheelError('invalid_field', `records: at most ${MAX_BATCH_RECORDS} records a call`, 'records');
    const rejected: RejectedRecord[] = [];
    const valid: Accepted<EntityRecords[E]>[] = [];
    const schema = recordSchemas[entity];
    records.forEach((raw, index) => {
      const nul = nulPath(raw);
      if (nul !== undefined) {
        rejected.push({ index, code: 'invalid_field', message: `${nul}: ${NUL_MESSAGE}`, field: nul });
        return;
      }
      const parsed = schema.safeParse(raw);
      if (parsed.success) valid.push({ index, record: parsed.data as EntityRecords[E] });
      else {
        const error = fromZodIssue(parsed.error.issues[0]);
        rejected.push({ index, code: error.code, message: error.message, field: error.field });
      }
    });
    if (valid.length > 0) {
      const currency = await this.shopCurrency(shopId);
      await this.db.transaction().execute(async (trx) => {
        const messages: OutboxMessage[] = [];
        const reject = (index: number, e: Rejection) => rejected.push({ index, code: e.code, message: e.message, field: e.field });
        const apply = this.appliers[entity] as (trx: Trx, shopId: string, items: Accepted<EntityRecords[E]>[], messages: OutboxMessage[], reject: (index: number, e: Rejection) => void, currency: string) => Promise<void>;
        await apply(trx, shopId, valid, messages, reject, currency);
        await enqueue(trx, shopId, messages);
      });
    }
    rejected.sort((a, b) => a.index - b.index);
    return { accepted: records.length - rejected.length, rejected };
  }

  private readonly appliers = {
    products: (trx: Trx, shopId: string, items: Accepted<ProductRecord>[], messages: OutboxMessage[]) => this.applyProducts(trx, shopId, items, messages),
    customers: (trx: Trx, shopId: string, items: Accepted<CustomerRecord>[], messages: OutboxMessage[]) => this.applyCustomers(trx, shopId, items, messages),
    orders: (trx: Trx, shopId: string, items: Accepted<OrderRecord>[], messages: OutboxMessage[], reject: (i: number, e: Rejection) => void, currency: string) => this.applyOrders(trx, shopId, items, messages, reject, currency),
    refunds: (trx: Trx, shopId: string, items: Accepted<RefundRecord>[], messages: OutboxMessage[], reject: (i: number, e: Rejection) => void) => this.applyRefunds(trx, shopId, items, messages, reject),
    inventory: (trx: Trx, shopId: string, items: Accepted<InventoryRecord>[], messages: OutboxMessage[]) => this.applyInventory(trx, shopId, items, messages),
    spend: (trx: Trx, shopId: string, items: Accepted<SpendRecord>[], messages: OutboxMessage[]) => this.applySpend(trx, shopId, items, messages),
  };

  private async existingHashes(trx: Trx, table: string, shopId: string, keyColumn: string, keys: string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await trx.selectFrom(table).select([`${keyColumn} as key`, 'content_hash']).where('shop_id', '=', shopId).where(keyColumn, 'in', [...new Set(keys)]).execute();
    return new Map(rows.map((r) => [String(r.key), r.content_hash as string]));
  }

  /** Keeps the last record per key (a later line of the same batch wins) and drops those identical to what is stored. */
  private changed<T>(items: Accepted<T>[], keyOf: (r: T) => string, hashes: Map<string, string>, hashOf: (r: T) => string): { key: string; record: T; hash: string }[] {
    const last = new Map<string, T>();
    for (const { record } of items) last.set(keyOf(record), record);
    const out: { key: string; record: T; hash: string }[] = [];
    for (const [key, record] of last) {
      const hash = hashOf(record);
      if (hashes.get(key) !== hash) out.push({ key, record, hash });
    }
    return out;
  }

  private async applyProducts(trx: Trx, shopId: string, items: Accepted<ProductRecord>[], messages: OutboxMessage[]) {
    const hashes = await this.existingHashes(trx, 'products', shopId, 'external_id', items.map((i) => i.record.externalId));
    const changed = this.changed(items, (r) => r.externalId, hashes, contentHash);
    if (changed.length === 0) return;
    await trx.insertInto('products')
      .values(changed.map(({ record: p, hash }) => ({ shop_id: shopId, external_id: p.externalId, title: p.title, category: normalizeCategory(p.category), brand: p.brand ?? null, status: p.status, content_hash: hash })))
      .onConflict((oc) => oc.columns(['shop_id', 'external_id']).doUpdateSet((eb) => ({ title: eb.ref('excluded.title'), category: eb.ref('excluded.category'), brand: eb.ref('excluded.brand'), status: eb.ref('excluded.status'), content_hash: eb.ref('excluded.content_hash'), updated_at: new Date() })))
      .execute();
    await trx.deleteFrom('skus').where('shop_id', '=', shopId).where('product_id', 'in', changed.map((c) => c.key)).execute();
    const skuRows = new Map<string, object>();
    for (const { record: p } of changed) for (const s of p.skus) skuRows.set(s.sku, { shop_id: shopId, sku: s.sku, product_id: p.externalId, price: s.price, cost: s.cost ?? null, attributes: s.attributes ? JSON.stringify(s.attributes) : null });
    await trx.insertInto('skus').values([...skuRows.values()])
      .onConflict((oc) => oc.columns(['shop_id', 'sku']).doUpdateSet((eb) => ({ product_id: eb.ref('excluded.product_id'), price: eb.ref('excluded.price'), cost: eb.ref('excluded.cost'), attributes: eb.ref('excluded.attributes') })))
      .execute();
    for (const { record: p } of changed) messages.push({ topic: 'product.upserted', key: p.externalId, payload: { ...p, category: normalizeCategory(p.category) } });
  }

  private async applyCustomers(trx: Trx, shopId: string, items: Accepted<CustomerRecord>[], messages: OutboxMessage[]) {
    const hashes = await this.existingHashes(trx, 'customers', shopId, 'external_id', items.map((i) => i.record.externalId));
    const changed = this.changed(items, (r) => r.externalId, hashes, contentHash);
    if (changed.length === 0) return;
    const cols = ['name', 'phone', 'email', 'gender', 'birthday', 'province', 'city', 'registered_at', 'channel', 'tags', 'content_hash'] as const;
    await trx.insertInto('customers')
      .values(changed.map(({ record: c, hash }) => ({
        shop_id: shopId, external_id: c.externalId, name: c.name ?? null, phone: c.phone ?? null, email: c.email ?? null, gender: c.gender ?? null,
        birthday: c.birthday ?? null, province: c.province ?? null, city: c.city ?? null, registered_at: c.registeredAt ?? null, channel: c.channel ?? null,
        tags: c.tags ? JSON.stringify(c.tags) : null, content_hash: hash,
      })))
      .onConflict((oc) => oc.columns(['shop_id', 'external_id']).doUpdateSet((eb) => ({ ...Object.fromEntries(cols.map((c) => [c, eb.ref(`excluded.${c}`)])), updated_at: new Date() })))
      .execute();
    // The analytics store gets no PII: name, phone and email stay in the operational store.
    for (const { record: c } of changed) {
      messages.push({ topic: 'customer.upserted', key: c.externalId, payload: { externalId: c.externalId, gender: c.gender ?? null, birthday: c.birthday ?? null, province: c.province ?? null, city: c.city ?? null, registeredAt: iso(c.registeredAt), channel: c.channel ?? null, tags: c.tags ?? [] } });
    }
  }

  private async applyOrders(trx: Trx, shopId: string, items: Accepted<OrderRecord>[], messages: OutboxMessage[], reject: (i: number, e: Rejection) => void, currency: string) {
    const keys = [...new Set(items.map((i) => i.record.externalId))];
    const existing = new Map(
      (await trx.selectFrom('orders').select(['external_id', 'customer_id', 'status', 'paid_amount', 'paid_at', 'refunded_amount', 'content_hash']).where('shop_id', '=', shopId).where('external_id', 'in', keys).execute())
        .map((r) => [r.external_id as string, r]),
    );
    const skuIds = [...new Set(items.flatMap((i) => i.record.items.map((it) => it.sku)))];
    const skus = new Map((await trx.selectFrom('skus').select(['sku', 'product_id', 'cost']).where('shop_id', '=', shopId).where('sku', 'in', skuIds).execute()).map((s) => [s.sku as string, s]));
    const rows = new Map<string, { row: Record<string, unknown>; payload: OrderPayload; becamePaid: boolean }>();
    for (const { index, record: o } of items) {
      try {
        // An order of an erased person keeps its anonymous customer when the shop sends it again.
        const stored = existing.get(o.externalId)?.customer_id as string | undefined;
        const payload = this.normalizeOrder(stored?.startsWith(ANONYMOUS_PREFIX) ? { ...o, customerId: stored } : o, currency, skus);
        const previous = rows.get(o.externalId)?.payload ?? (existing.has(o.externalId) ? rowState(existing.get(o.externalId)!) : undefined);
        if (previous) {
          const error = transitionError(previous.status, payload.status);
          if (error) throw new Rejection('invalid_transition', error, 'status');
          if (previous.paidAmount != null && payload.paidAmount !== previous.paidAmount && isPaidStatus(previous.status)) {
            throw new Rejection('invalid_transition', `the paid amount of a paid order cannot change (was ${previous.paidAmount}); record a refund instead`, 'paidAmount');
          }
        }
        const hash = contentHash(payload);
        if (!rows.has(o.externalId) && existing.get(o.externalId)?.content_hash === hash) continue;
        const becamePaid = payload.paidAt != null && !previous?.paidAt;
        rows.set(o.externalId, {
          payload,
          becamePaid: becamePaid || (rows.get(o.externalId)?.becamePaid ?? false),
          row: {
            shop_id: shopId, external_id: o.externalId, customer_id: payload.customerId, status: payload.status, items: JSON.stringify(payload.items),
            shipping_fee: payload.shippingFee, discount: payload.discount, payable_amount: payload.payableAmount, paid_amount: payload.paidAmount,
            currency, placed_at: payload.placedAt, paid_at: payload.paidAt, shipped_at: payload.shippedAt, completed_at: payload.completedAt, cancelled_at: payload.cancelledAt,
            platform: payload.platform, channel: payload.channel, campaign: payload.campaign, coupon_codes: JSON.stringify(payload.couponCodes), content_hash: hash,
          },
        });
      } catch (e) {
        if (e instanceof Rejection) reject(index, e);
        else throw e;
      }
    }
    if (rows.size === 0) return;
    const updatable = ['customer_id', 'status', 'items', 'shipping_fee', 'discount', 'payable_amount', 'paid_amount', 'placed_at', 'paid_at', 'shipped_at', 'completed_at', 'cancelled_at', 'platform', 'channel', 'campaign', 'coupon_codes', 'content_hash'];
    await trx.insertInto('orders').values([...rows.values()].map((r) => r.row))
      .onConflict((oc) => oc.columns(['shop_id', 'external_id']).doUpdateSet((eb) => ({ ...Object.fromEntries(updatable.map((c) => [c, eb.ref(`excluded.${c}`)])), updated_at: new Date() })))
      .execute();
    for (const { payload, becamePaid } of rows.values()) {
      messages.push({ topic: 'order.upserted', key: payload.externalId, payload });
      if (becamePaid) messages.push({ topic: 'order.paid', key: payload.externalId, payload });
    }
  }

  private normalizeOrder(o: OrderRecord, currency: string, skus: Map<string, { product_id: string; cost: number | null }>): OrderPayload {
    if (o.currency && o.currency !== currency) throw new Rejection('invalid_field', `currency: this shop records money in ${currency}, not ${o.currency}`, 'currency');
    const paid = isPaidStatus(o.status) || (o.status === 'cancelled' && o.paidAt != null);
    if (paid && !o.paidAt) throw new Rejection('invalid_field', `paidAt: a ${o.status} order needs paidAt`, 'paidAt');
    if (o.status === 'cancelled' && !o.cancelledAt) throw new Rejection('invalid_field', 'cancelledAt: a cancelled order needs cancelledAt', 'cancelledAt');
    if (!paid && o.paidAmount != null && o.paidAmount > 0) throw new Rejection('invalid_field', `paidAmount: a ${o.status} order without paidAt has not been paid`, 'paidAmount');
    const paidAmount = paid ? (o.paidAmount ?? o.payableAmount) : null;
    if (o.paidAt && new Date(o.paidAt) < new Date(o.placedAt)) throw new Rejection('invalid_field', 'paidAt: is before placedAt', 'paidAt');
    return {
      externalId: o.externalId,
      customerId: o.customerId,
      status: o.status,
      items: o.items.map((it) => {
        const known = skus.get(it.sku);
        return { sku: it.sku, productId: known?.product_id ?? null, quantity: it.quantity, unitPrice: it.unitPrice, discount: it.discount ?? 0, unitCost: known?.cost ?? null };
      }),
      shippingFee: o.shippingFee ?? 0,
      discount: o.discount ?? 0,
      payableAmount: o.payableAmount,
      paidAmount,
      currency,
      placedAt: iso(o.placedAt)!,
      paidAt: paid ? iso(o.paidAt) : null,
      shippedAt: iso(o.shippedAt),
      completedAt: iso(o.completedAt),
      cancelledAt: iso(o.cancelledAt),
      platform: o.platform ?? null,
      channel: o.channel ?? null,
      campaign: o.campaign ?? null,
      couponCodes: o.couponCodes ?? [],
    };
  }

  private async applyRefunds(trx: Trx, shopId: string, items: Accepted<RefundRecord>[], messages: OutboxMessage[], reject: (i: number, e: Rejection) => void) {
    const orderIds = [...new Set(items.map((i) => i.record.orderId))];
    const orders = new Map((await trx.selectFrom('orders').select(['external_id', 'paid_amount', 'paid_at', 'refunded_amount']).where('shop_id', '=', shopId).where('external_id', 'in', orderIds).execute()).map((o) => [o.external_id as string, { ...o, refunded: Number(o.refunded_amount) }]));
    const existing = new Map((await trx.selectFrom('refunds').select(['external_id', 'order_id', 'amount', 'content_hash']).where('shop_id', '=', shopId).where('external_id', 'in', items.map((i) => i.record.externalId)).execute()).map((r) => [r.external_id as string, { orderId: r.order_id as string, amount: Number(r.amount), hash: r.content_hash as string }]));
    const rows: Record<string, unknown>[] = [];
    for (const { index, record: r } of items) {
      try {
        const hash = contentHash(r);
        const before = existing.get(r.externalId);
        if (before?.hash === hash) continue;
        if (before && before.orderId !== r.orderId) throw new Rejection('invalid_field', `orderId: refund ${r.externalId} belongs to order ${before.orderId}`, 'orderId');
        const order = orders.get(r.orderId);
        if (!order) throw new Rejection('unknown_reference', `orderId: no order ${r.orderId} in this shop; send the order first`, 'orderId');
        if (order.paid_at == null) throw new Rejection('invalid_transition', `order ${r.orderId} has not been paid, so it cannot be refunded`, 'orderId');
        const paid = Number(order.paid_amount);
        const total = order.refunded - (before?.amount ?? 0) + r.amount;
        if (total > paid) throw new Rejection('invalid_field', `amount: refunds of order ${r.orderId} would total ${total}, more than the ${paid} paid`, 'amount');
        order.refunded = total;
        existing.set(r.externalId, { orderId: r.orderId, amount: r.amount, hash });
        rows.push({ shop_id: shopId, external_id: r.externalId, order_id: r.orderId, amount: r.amount, items: r.items ? JSON.stringify(r.items) : null, reason: r.reason ?? null, created_at: r.createdAt, content_hash: hash });
        messages.push({ topic: 'refund.upserted', key: r.externalId, payload: { ...r, createdAt: iso(r.createdAt) } });
      } catch (e) {
        if (e instanceof Rejection) reject(index, e);
        else throw e;
      }
    }
    if (rows.length === 0) return;
    const deduped = [...new Map(rows.map((r) => [r.external_id, r])).values()];
    await trx.insertInto('refunds').values(deduped)
      .onConflict((oc) => oc.columns(['shop_id', 'external_id']).doUpdateSet((eb) => ({ amount: eb.ref('excluded.amount'), items: eb.ref('excluded.items'), reason: eb.ref('excluded.reason'), created_at: eb.ref('excluded.created_at'), content_hash: eb.ref('excluded.content_hash') })))
      .execute();
    for (const [id, o] of orders) await trx.updateTable('orders').set({ refunded_amount: o.refunded }).where('shop_id', '=', shopId).where('external_id', '=', id).execute();
  }

  private async applyInventory(trx: Trx, shopId: string, items: Accepted<InventoryRecord>[], messages: OutboxMessage[]) {
    const keyOf = (r: InventoryRecord) => JSON.stringify([r.sku, r.warehouse]);
    const stored = await trx.selectFrom('inventory_levels').select(['sku', 'warehouse', 'content_hash']).where('shop_id', '=', shopId).where('sku', 'in', [...new Set(items.map((i) => i.record.sku))]).execute();
    const hashes = new Map(stored.map((s) => [JSON.stringify([s.sku, s.warehouse]), s.content_hash as string]));
    const changed = this.changed(items, keyOf, hashes, (r) => contentHash({ ...r, updatedAt: undefined }));
    if (changed.length === 0) return;
    const now = new Date().toISOString();
    await trx.insertInto('inventory_levels')
      .values(changed.map(({ record: r, hash }) => ({ shop_id: shopId, sku: r.sku, warehouse: r.warehouse, on_hand: r.onHand, reserved: r.reserved, updated_at: r.updatedAt ?? now, content_hash: hash })))
      .onConflict((oc) => oc.columns(['shop_id', 'sku', 'warehouse']).doUpdateSet((eb) => ({ on_hand: eb.ref('excluded.on_hand'), reserved: eb.ref('excluded.reserved'), updated_at: eb.ref('excluded.updated_at'), content_hash: eb.ref('excluded.content_hash') })))
      .execute();
    for (const { key, record: r } of changed) messages.push({ topic: 'inventory.upserted', key, payload: { ...r, updatedAt: iso(r.updatedAt ?? now) } });
  }

  private async applySpend(trx: Trx, shopId: string, items: Accepted<SpendRecord>[], messages: OutboxMessage[]) {
    const keyOf = (r: SpendRecord) => JSON.stringify([r.date, r.channel, r.campaign]);
    const dates = [...new Set(items.map((i) => i.record.date))];
    const stored = await trx.selectFrom('marketing_spend').select(['date', 'channel', 'campaign', 'content_hash']).where('shop_id', '=', shopId).where('date', 'in', dates).execute();
    const hashes = new Map(stored.map((s) => [JSON.stringify([localDate(s.date), s.channel, s.campaign]), s.content_hash as string]));
    const changed = this.changed(items, keyOf, hashes, contentHash);
    if (changed.length === 0) return;
    await trx.insertInto('marketing_spend')
      .values(changed.map(({ record: r, hash }) => ({ shop_id: shopId, date: r.date, channel: r.channel, campaign: r.campaign, amount: r.amount, impressions: r.impressions ?? null, clicks: r.clicks ?? null, content_hash: hash })))
      .onConflict((oc) => oc.columns(['shop_id', 'date', 'channel', 'campaign']).doUpdateSet((eb) => ({ amount: eb.ref('excluded.amount'), impressions: eb.ref('excluded.impressions'), clicks: eb.ref('excluded.clicks'), content_hash: eb.ref('excluded.content_hash') })))
      .execute();
    for (const { key, record: r } of changed) messages.push({ topic: 'spend.upserted', key, payload: r });
  }

  async getOrder(shopId: string, externalId: string) {
    const row = await this.db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).where('external_id', '=', externalId).executeTakeFirst();
    if (!row) throw new FlywheelError('not_found', `no order ${externalId} in this shop`);
    return { ...rowState(row), refundedAmount: Number(row.refunded_amount) };
  }

  async counts(shopId: string): Promise<Record<EntityName, number>> {
    const count = async (table: string) => Number((await this.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('shop_id', '=', shopId).executeTakeFirstOrThrow()).n);
    return {
      products: await count('products'), customers: await count('customers'), orders: await count('orders'),
      refunds: await count('refunds'), inventory: await count('inventory_levels'), spend: await count('marketing_spend'),
    };
  }

  /** The stored records of these customers, contact details included (the customers module masks them by role). */
  async customerRecords(shopId: string, externalIds: readonly string[]): Promise<Map<string, StoredCustomer>> {
    if (externalIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('customers').selectAll().where('shop_id', '=', shopId).where('external_id', 'in', [...new Set(externalIds)]).execute();
    return new Map(rows.map((r) => [r.external_id as string, storedCustomer(r)]));
  }

  /** Ids of the customers whose id, name, phone or email holds `q` (case-insensitive), by id, at most `limit`. */
  async searchCustomers(shopId: string, q: string, limit: number): Promise<string[]> {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db.selectFrom('customers').select('external_id').where('shop_id', '=', shopId)
      .where((eb) => eb.or(['external_id', 'name', 'phone', 'email'].map((c) => eb(c, 'ilike', like))))
      .orderBy('external_id').limit(limit).execute();
    return rows.map((r) => r.external_id as string);
  }

  /** Everything commerce holds on a customer, for a PII export: the record, the orders and their refunds. */
  async customerData(shopId: string, externalId: string) {
    const customer = (await this.customerRecords(shopId, [externalId])).get(externalId) ?? null;
    const orders = await this.db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).where('customer_id', '=', externalId).orderBy('placed_at').execute();
    const refunds = orders.length === 0 ? [] : await this.db.selectFrom('refunds').selectAll().where('shop_id', '=', shopId).where('order_id', 'in', orders.map((o) => o.external_id)).orderBy('created_at').execute();
    return {
      customer,
      orders: orders.map((o) => ({ ...rowState(o), refundedAmount: Number(o.refunded_amount) })),
      refunds: refunds.map((r) => ({ externalId: r.external_id as string, orderId: r.order_id as string, amount: Number(r.amount), reason: r.reason ?? null, items: r.items ?? null, createdAt: iso(r.created_at)! })),
    };
  }

  /**
   * Erasure of a person (PII): the customer record loses name, phone, email, birthday, city and tags
   * and, like their orders, takes `anonymousId` in place of the shop's id, so their orders stay (and
   * every figure with them) but lead to no one. The outbox's history of the person is rewritten the
   * same way. The analytics store follows with `eraseCustomerAnalytics`.
   */
  async eraseCustomer(shopId: string, externalId: string, anonymousId: string): Promise<{ found: boolean; orders: number; erasedFields: string[] }> {
    return this.db.transaction().execute(async (trx) => {
      const record = await trx.selectFrom('customers').selectAll().where('shop_id', '=', shopId).where('external_id', '=', externalId).executeTakeFirst();
      const orders = await trx.updateTable('orders').set({ customer_id: anonymousId }).where('shop_id', '=', shopId).where('customer_id', '=', externalId).returning('external_id').execute();
      if (!record && orders.length === 0) return { found: false, orders: 0, erasedFields: [] };
      const erasedFields = record ? ERASED_FIELDS.filter((f) => record[f.column] != null).map((f) => f.field) : [];
      if (record) {
        await trx.updateTable('customers')
          .set({ external_id: anonymousId, name: null, phone: null, email: null, birthday: null, city: null, tags: null, content_hash: 'erased', updated_at: new Date() })
          .where('shop_id', '=', shopId).where('external_id', '=', externalId).execute();
      }
      const scrubbed = JSON.stringify({ externalId: anonymousId, birthday: null, city: null, tags: [] });
      await sql`update outbox set key = ${anonymousId}, payload = payload || ${scrubbed}::jsonb
        where shop_id = ${shopId} and topic = 'customer.upserted' and key = ${externalId}`.execute(trx);
      await sql`update outbox set payload = payload || ${JSON.stringify({ customerId: anonymousId })}::jsonb
        where shop_id = ${shopId} and topic in ('order.upserted', 'order.paid') and payload->>'customerId' = ${externalId}`.execute(trx);
      return { found: true, orders: orders.length, erasedFields };
    });
  }
}

/** The ids erased people take (`anon_...`): `eraseCustomer` gives one to a person's record and orders. */
export const ANONYMOUS_PREFIX = 'anon_';

/** A customer record as stored, contact details included. */
export interface StoredCustomer {
  externalId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  gender: string | null;
  birthday: string | null;
  province: string | null;
  city: string | null;
  registeredAt: string | null;
  channel: string | null;
  tags: string[];
  updatedAt: string;
}

/** What an erasure wipes: the person's identity and address (province stays: it names no one, and metrics are cut by it). */
const ERASED_FIELDS = [
  { field: 'name', column: 'name' }, { field: 'phone', column: 'phone' }, { field: 'email', column: 'email' },
  { field: 'birthday', column: 'birthday' }, { field: 'city', column: 'city' }, { field: 'tags', column: 'tags' },
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function storedCustomer(r: any): StoredCustomer {
  return {
    externalId: r.external_id, name: r.name ?? null, phone: r.phone ?? null, email: r.email ?? null, gender: r.gender ?? null,
    birthday: r.birthday == null ? null : localDate(r.birthday), province: r.province ?? null, city: r.city ?? null,
    registeredAt: iso(r.registered_at), channel: r.channel ?? null,
    tags: r.tags == null ? [] : typeof r.tags === 'string' ? JSON.parse(r.tags) : r.tags, updatedAt: iso(r.updated_at)!,
  };
}

/** 服饰 / 女装 / 连衣裙 -> 服饰/女装/连衣裙 */
function normalizeCategory(path: string): string {
  return path.split('/').map((p) => p.trim()).filter(Boolean).join('/');
}

function localDate(v: unknown): string {
  if (v instanceof Date) return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
  return String(v).slice(0, 10);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function rowState(row: any): OrderPayload {
  return {
    externalId: row.external_id, customerId: row.customer_id, status: row.status, items: typeof row.items === 'string' ? JSON.parse(row.items) : (row.items ?? []),
    shippingFee: Number(row.shipping_fee ?? 0), discount: Number(row.discount ?? 0), payableAmount: Number(row.payable_amount ?? 0),
    paidAmount: row.paid_amount == null ? null : Number(row.paid_amount), currency: row.currency,
    placedAt: iso(row.placed_at)!, paidAt: iso(row.paid_at), shippedAt: iso(row.shipped_at), completedAt: iso(row.completed_at), cancelledAt: iso(row.cancelled_at),
    platform: row.platform ?? null, channel: row.channel ?? null, campaign: row.campaign ?? null,
    couponCodes: typeof row.coupon_codes === 'string' ? JSON.parse(row.coupon_codes) : (row.coupon_codes ?? []),
  };
}
