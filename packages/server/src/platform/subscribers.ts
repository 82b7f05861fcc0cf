import { sql } from 'kysely';
import type { Db, Migration } from './db';
import type { Trx } from './jobs';

export const subscriberMigrations: Migration[] = [
  {
    id: 'platform/004_subscribers',
    statements: [
      `create table subscriber_checkpoints (name text primary key, last_id bigint not null default 0, updated_at timestamptz not null default now())`,
    ],
  },
];

/** A domain event from the outbox (`order.paid`, `refund.upserted`, `customer.upserted` ...). */
export interface DomainEvent<P = unknown> {
  id: number;
  shopId: string;
  topic: string;
  key: string;
  payload: P;
}

/** Applies a batch of events in the subscriber's transaction; the checkpoint moves past them in the same commit. */
export type EventHandler = (trx: Trx, events: DomainEvent[]) => Promise<void>;

interface Subscription { topics: Set<string>; handle: EventHandler }

/**
 * Modules react to each other's domain events (loyalty earns points on `order.paid`, referral rewards
 * a first order): each subscriber names the topics it wants and keeps its own checkpoint in Postgres,
 * committed in the same transaction as what it did with the events. So an event is acted on exactly
 * once per subscriber, whatever crashes, and several server processes may drain at once (the
 * checkpoint row is locked for the batch). Outbox ids become visible in id order (outbox.ts), so a
 * subscriber never skips a late commit.
 */
export class Subscribers {
  private readonly subscriptions = new Map<string, Subscription>();

  constructor(private readonly db: Db, private readonly batchSize = 1000) {}

  subscribe(name: string, topics: readonly string[], handle: EventHandler) {
    if (this.subscriptions.has(name)) throw new Error(`subscriber ${name} exists already`);
    this.subscriptions.set(name, { topics: new Set(topics), handle });
  }

  /** Hands every subscriber what was committed since its checkpoint; resolves with the events handled. */
  async drain(): Promise<number> {
    let handled = 0;
    for (const name of this.subscriptions.keys()) handled += await this.drainOne(name);
    return handled;
  }

  async drainOne(name: string): Promise<number> {
    const subscription = this.subscriptions.get(name);
    if (!subscription) throw new Error(`no subscriber ${name}`);
    await this.db.insertInto('subscriber_checkpoints').values({ name, last_id: 0 }).onConflict((oc) => oc.column('name').doNothing()).execute();
    let handled = 0;
    for (;;) {
      const batch = await this.db.transaction().execute(async (trx) => {
        const checkpoint = await sql<{ last_id: string | number }>`select last_id from subscriber_checkpoints where name = ${name} for update`.execute(trx);
        const after = Number(checkpoint.rows[0].last_id);
        const rows = await trx.selectFrom('outbox').select(['id', 'shop_id', 'topic', 'key', 'payload'])
          .where('id', '>', after).orderBy('id').limit(this.batchSize).execute();
        if (rows.length === 0) return { read: 0, handled: 0 };
        const events: DomainEvent[] = rows
          .filter((r) => subscription.topics.has(r.topic))
          .map((r) => ({ id: Number(r.id), shopId: r.shop_id, topic: r.topic, key: r.key, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }));
        if (events.length > 0) await subscription.handle(trx, events);
        await trx.updateTable('subscriber_checkpoints').set({ last_id: Number(rows[rows.length - 1].id), updated_at: new Date().toISOString() }).where('name', '=', name).execute();
        return { read: rows.length, handled: events.length };
      });
      handled += batch.handled;
      if (batch.read < this.batchSize) return handled;
    }
  }
}
