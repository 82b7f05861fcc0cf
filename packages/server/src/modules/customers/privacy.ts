import { sql } from 'kysely';
import type { ErasureResult } from '@flywheel/contracts';
import type { AnalyticsStore } from '../../platform/analytics-store';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { ANONYMOUS_PREFIX, type StoredCustomer } from '../commerce';
import type { SegmentService } from './segments';
import { personEventsSql, type CustomerService } from './service';

/** The most events an export lists (newest first); the answer says when there were more. */
export const EXPORT_EVENTS_LIMIT = 10_000;

/** What the module reads of loyalty (its service). */
export interface MemberRecords {
  /** The tier of someone loyalty has not met (the program's first). */
  baseTier(shopId: string): Promise<string>;
  /** Tier, growth, points and their ledger; null for someone loyalty has not met. */
  customerData(shopId: string, externalId: string): Promise<object | null>;
  /** Moves what loyalty holds of the person to the anonymous id (again: nothing to do). */
  eraseCustomer(shopId: string, externalId: string, anonymousId: string): Promise<unknown>;
}

/** What export and erasure need of the commerce, loyalty and tracking modules (their services), and of the outbox. */
export interface ErasureParties {
  customerData(shopId: string, externalId: string): Promise<{ customer: StoredCustomer | null; orders: Record<string, unknown>[]; refunds: Record<string, unknown>[] }>;
  loyaltyData: MemberRecords['customerData'];
  eraseCustomer(shopId: string, externalId: string, anonymousId: string): Promise<{ found: boolean; orders: number; erasedFields: string[] }>;
  /** Commerce's analytics tables follow the erasure (after the outbox is drained). */
  eraseCustomerAnalytics(shopId: string, externalId: string, anonymousId: string): Promise<void>;
  erasePerson(shopId: string, userId: string, anonymousId: string): Promise<void>;
}

/**
 * PII requests: everything held on a person as JSON, and erasure. An erasure is a little state
 * machine kept in `customer_erasures`: requested (the external id is held, with the anonymous id it
 * gets) -> commerce erased (Postgres) -> analytics erased (commerce's and tracking's tables, this
 * module's tags) -> completed (the external id is dropped). Each step can run again, so an erasure
 * interrupted by a crash is finished by asking again.
 */
export class PrivacyService {
  constructor(
    private readonly db: Db,
    private readonly store: AnalyticsStore,
    private readonly customers: CustomerService,
    private readonly segments: SegmentService,
    private readonly parties: ErasureParties,
  ) {}

  async export(shopId: string, externalId: string) {
    const shop = await this.customers.shopOf(shopId);
    const [data, loyalty] = await Promise.all([this.parties.customerData(shopId, externalId), this.parties.loyaltyData(shopId, externalId)]);
    const events = await this.store.all<Record<string, unknown>>(
      `select message_id as "messageId", type, event, anonymous_id as "anonymousId", user_id as "userId", ts as "timestamp", session_id as "sessionId",
         channel, url, referrer, properties from (${personEventsSql()}) order by ts desc limit ${EXPORT_EVENTS_LIMIT + 1}`,
      { shop: shopId, id: externalId });
    if (!data.customer && data.orders.length === 0 && events.length === 0) throw new FlywheelError('not_found', `no customer ${externalId} in this shop`);
    const tags = await this.db.selectFrom('customer_tags').selectAll().where('shop_id', '=', shopId).where('customer_id', '=', externalId).orderBy('tag').execute();
    const all = await this.segments.allCompiled(shopId);
    const membership = await this.customers.matching(shopId, all.map((s) => s.rule), [externalId]);
    return {
      exportedAt: new Date().toISOString(),
      shopId: shop.shopId,
      customer: data.customer as Record<string, unknown> | null,
      manualTags: tags.map((t) => ({ tag: t.tag as string, state: t.state as 'added' | 'removed', at: new Date(t.updated_at).toISOString(), by: t.updated_by ?? null })),
      orders: data.orders,
      refunds: data.refunds,
      loyalty: loyalty as Record<string, unknown> | null,
      events: events.slice(0, EXPORT_EVENTS_LIMIT).map((e) => ({ ...e, properties: typeof e.properties === 'string' ? JSON.parse(e.properties) : e.properties })),
      eventsTruncated: events.length > EXPORT_EVENTS_LIMIT,
      segments: all.filter((_, i) => membership[i].has(externalId)).map((s) => ({ id: s.id, name: s.name })),
    };
  }

  async erase(shopId: string, externalId: string, actor: string): Promise<ErasureResult & { resumed: boolean }> {
    if (externalId.startsWith(ANONYMOUS_PREFIX)) throw new FlywheelError('invalid_field', `externalId: ${externalId} is already anonymous (an erased person)`, 'externalId');
    const pending = await this.db.selectFrom('customer_erasures').select('anonymous_id').where('shop_id', '=', shopId).where('external_id', '=', externalId).executeTakeFirst();
    const anonymousId = pending?.anonymous_id as string | undefined ?? newId(ANONYMOUS_PREFIX.slice(0, -1));
    if (!pending) {
      const data = await this.parties.customerData(shopId, externalId);
      const inAnalytics = await this.store.one(`select 1 as found from (${personEventsSql()}) limit 1`, { shop: shopId, id: externalId });
      if (!data.customer && data.orders.length === 0 && !inAnalytics) throw new FlywheelError('not_found', `no customer ${externalId} in this shop`);
      await this.db.insertInto('customer_erasures').values({ shop_id: shopId, anonymous_id: anonymousId, external_id: externalId, requested_by: actor }).execute();
    }
    const commerce = await this.parties.eraseCustomer(shopId, externalId, anonymousId);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('customer_tags').where('shop_id', '=', shopId).where('customer_id', '=', externalId).execute();
      // Tags set by hand leave the outbox's history under the anonymous id, with nothing set.
      await sql`update outbox set key = ${anonymousId}, payload = ${JSON.stringify({ customerId: anonymousId, added: [], removed: [] })}::jsonb
        where shop_id = ${shopId} and topic = 'customer.tags_changed' and key = ${externalId}`.execute(trx);
    });
    await this.store.write(async (conn) => {
      await conn.run(`delete from customer_tag_edits where shop_id = ? and customer_id = ?`, [shopId, externalId]);
      // The person stays known (so as-of counts do not move), under the anonymous id.
      await conn.run(`insert into customer_people select shop_id, ?, first_seen from customer_people where shop_id = ? and customer_id = ? on conflict do nothing`, [anonymousId, shopId, externalId]);
      await conn.run(`delete from customer_people where shop_id = ? and customer_id = ?`, [shopId, externalId]);
    });
    await this.parties.eraseCustomerAnalytics(shopId, externalId, anonymousId);
    await this.parties.erasePerson(shopId, externalId, anonymousId);
    const erasedAt = new Date();
    await this.db.updateTable('customer_erasures').set({ external_id: null, completed_at: erasedAt }).where('shop_id', '=', shopId).where('anonymous_id', '=', anonymousId).execute();
    return { externalId, anonymousId, erasedFields: commerce.erasedFields, orders: commerce.orders, erasedAt: erasedAt.toISOString(), resumed: pending !== undefined };
  }
}
