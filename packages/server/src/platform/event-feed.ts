import { sql } from 'kysely';
import type { AnalyticsStore } from './analytics-store';
import type { Db } from './db';
import type { Trx } from './jobs';

/** A behaviour event as levers react to it (`Product Added`, `Signed In`, `Experiment Viewed` ...). */
export interface BehaviourEvent {
  rowid: number;
  shopId: string;
  event: string;
  /** The customer once known (after identity stitching), else the device. */
  personId: string;
  userId: string | null;
  anonymousId: string | null;
  ts: Date;
  properties: Record<string, unknown>;
}

export type BehaviourHandler = (trx: Trx, events: BehaviourEvent[]) => Promise<void>;

/**
 * Behaviour triggers: tracking events read from DuckDB's `events` past a rowid mark (events are
 * append-only with dense rowids in commit order: tracking's declared guarantee), handed to a
 * subscriber with its Postgres transaction, and the mark moved in the same commit (a checkpoint of
 * `subscriber_checkpoints`, named `events:<name>`). At least once from DuckDB, exactly once in effect.
 */
export class EventFeed {
  private readonly subscriptions = new Map<string, { events: Set<string>; handle: BehaviourHandler }>();

  constructor(private readonly db: Db, private readonly store: AnalyticsStore, private readonly batchRows = 50_000) {}

  subscribe(name: string, events: readonly string[], handle: BehaviourHandler) {
    if (this.subscriptions.has(name)) throw new Error(`event subscriber ${name} exists already`);
    this.subscriptions.set(name, { events: new Set(events), handle });
  }

  async drain(): Promise<number> {
    let handled = 0;
    for (const name of this.subscriptions.keys()) handled += await this.drainOne(name);
    return handled;
  }

  async drainOne(name: string): Promise<number> {
    const subscription = this.subscriptions.get(name)!;
    const checkpoint = `events:${name}`;
    await this.db.insertInto('subscriber_checkpoints').values({ name: checkpoint, last_id: 0 }).onConflict((oc) => oc.column('name').doNothing()).execute();
    let handled = 0;
    for (;;) {
      const total = Number((await this.store.one<{ n: number }>('select count(*) as n from events'))?.n ?? 0);
      const step = await this.db.transaction().execute(async (trx) => {
        const mark = Number((await sql<{ last_id: string }>`select last_id from subscriber_checkpoints where name = ${checkpoint} for update`.execute(trx)).rows[0].last_id);
        if (mark >= total) return { moved: 0, handled: 0 };
        const upTo = Math.min(total, mark + this.batchRows);
        const names = [...subscription.events];
        const rows = await this.store.all<Record<string, unknown>>(`
          select e.rowid as rowid, e.shop_id, e.event, e.user_id, e.anonymous_id, coalesce(e.user_id, i.user_id, e.anonymous_id) as person_id, epoch_ms(e.ts) as ts_ms, e.properties
          from events e left join identity_links i on i.shop_id = e.shop_id and i.anonymous_id = e.anonymous_id
          where e.rowid >= $mark and e.rowid < $upTo and e.event in (select unnest(from_json($names, '["VARCHAR"]')))
          order by e.rowid`, { mark, upTo, names: JSON.stringify(names) });
        const events: BehaviourEvent[] = rows.map((r) => ({
          rowid: Number(r.rowid), shopId: String(r.shop_id), event: String(r.event), personId: String(r.person_id),
          userId: (r.user_id as string | null) ?? null, anonymousId: (r.anonymous_id as string | null) ?? null,
          ts: new Date(Number(r.ts_ms)), properties: typeof r.properties === 'string' ? JSON.parse(r.properties) : ((r.properties as Record<string, unknown>) ?? {}),
        }));
        if (events.length > 0) await subscription.handle(trx, events);
        await trx.updateTable('subscriber_checkpoints').set({ last_id: upTo, updated_at: new Date().toISOString() }).where('name', '=', checkpoint).execute();
        return { moved: upTo - mark, handled: events.length };
      });
      handled += step.handled;
      if (step.moved < this.batchRows) return handled;
    }
  }
}
