import type { CallType, ChannelMapping, RejectedRecord } from '@flywheel/contracts';
import type { AnalyticsStore } from '../../platform/analytics-store';
import { FlywheelError } from '../../platform/errors';
import { Backfills } from './backfill';
import { DedupeWindow } from './dedupe';
import { GroupCommit } from './group-commit';
import { IdentityLinks } from './identities';
import type { CallSource } from './prepare';
import { Preparer } from './preparer';
import { ShopSessions } from './sessions';
import { writeCalls, type CallWrite, type EventBatch } from './writer';

export interface IngestOptions {
  /** The type of calls that carry none: a single-call route (`track`), an events import. */
  defaultType?: CallType;
  /** Historical backfill: the event time is also its receive time (keeps the live de-duplication window small). */
  historical?: boolean;
}

export interface IngestResult { accepted: number; duplicates: number; rejected: RejectedRecord[] }

/**
 * Behaviour events: validated, de-duplicated by messageId, stitched to customers, channel-tagged and
 * appended to DuckDB in group commits. Parsing, validation and row building run in a worker
 * (`Preparer`); de-duplication (dedupe.ts, backfill.ts), sessions (sessions.ts) and identity links
 * (identities.ts) need this service's memory and stay on this thread; writer.ts writes to DuckDB.
 * `ingest` resolves only once its events are committed, so an acknowledged call survives `kill -9`.
 */
export class TrackingService {
  private readonly preparer = new Preparer();
  private readonly window: DedupeWindow;
  private readonly identities = new IdentityLinks();
  private readonly sessions = new ShopSessions();
  private readonly backfills: Backfills;
  private readonly commits: GroupCommit<CallWrite>;

  constructor(
    private readonly store: AnalyticsStore,
    /** The shop's settings (the platform's shop lookup: cached, and dropped when they change). */
    private readonly shopOf: (shopId: string) => Promise<{ channelMapping: ChannelMapping | null; timezone: string }>,
    dedupeWindowHours: number,
  ) {
    this.window = new DedupeWindow(dedupeWindowHours);
    this.backfills = new Backfills(store);
    this.commits = new GroupCommit((calls) => writeCalls(store, calls));
  }

  /** Rebuilds the de-duplication window, the identity links and the open sessions from what DuckDB already holds. */
  async init() {
    await this.window.load(this.store);
    await this.identities.load(this.store);
    await this.backfills.load();
    await this.sessions.load(this.store, async (shopId) => (await this.shopOf(shopId)).timezone);
  }

  /**
   * Stores tracking calls: a `/v1/batch` body or JSON lines as text, or calls already parsed. Invalid
   * calls are reported by index and the valid ones land; a body that is not a batch at all is refused
   * whole (400).
   */
  async ingest(shopId: string, source: CallSource, options: IngestOptions = {}): Promise<IngestResult> {
    const receivedAt = Date.now();
    const { channelMapping: mapping, timezone } = await this.shopOf(shopId);
    const historical = options.historical ?? false;
    const events = await this.preparer.prepare({ source, defaultType: options.defaultType ?? null, historical, receivedAt, mapping });
    if (events.bodyError) throw new FlywheelError(events.bodyError.code, events.bodyError.message, events.bodyError.field);
    const admission = this.window.admit(shopId, events, receivedAt, historical);
    const identities = this.identities.claim(shopId, events, admission.kept);
    const batch: EventBatch = { shopId, events, ...this.sessions.assign(shopId, events, admission.kept, timezone) };
    const store = async (b: EventBatch) => {
      if (b.rows.length === 0) return;
      try {
        this.backfills.queued(b);
        await this.commits.add({ batch: b, identities });
      } catch (error) {
        admission.forget();
        this.identities.release(identities);
        throw error;
      }
    };
    if (!historical) {
      await store(batch);
      return { accepted: batch.rows.length, duplicates: admission.duplicates, rejected: events.rejected };
    }
    const fresh = await this.backfills.inTurn(shopId, async () => {
      const b = await this.backfills.notYetStored(batch);
      await store(b);
      return b.rows.length;
    });
    return { accepted: fresh, duplicates: admission.duplicates + batch.rows.length - fresh, rejected: events.rejected };
  }

  async drain() { await this.commits.drain(); }

  /**
   * Erasure of a person (PII): their events and identity links take `anonymousId` in place of their
   * userId, so visitors, sessions and attribution count them as before but lead to no one, and the
   * traits their identify calls carried are dropped. Events being committed land first; running it
   * again changes nothing.
   */
  async erasePerson(shopId: string, userId: string, anonymousId: string) {
    await this.drain();
    await this.store.write(async (conn) => {
      await conn.run(`update events set user_id = ? where shop_id = ? and user_id = ?`, [anonymousId, shopId, userId]);
      await conn.run(`update identities set user_id = ? where shop_id = ? and user_id = ?`, [anonymousId, shopId, userId]);
      await conn.run(`update events set properties = '{}' where shop_id = ? and user_id = ? and type = 'identify'`, [shopId, anonymousId]);
    });
    this.identities.forget(shopId, userId);
  }

  async close() {
    await this.drain();
    await this.preparer.close();
  }

  /**
   * For the live debugger: without a cursor the newest events; with one, those received after it,
   * oldest first, so a burst larger than `limit` is read page by page and nothing is skipped.
   */
  async recent(shopId: string, after: string | undefined, limit: number) {
    const rows = await this.store.all<Record<string, string | null>>(
      `select message_id, type, event, anonymous_id, user_id, session_id, channel, ts, received_at, properties from events
       where shop_id = $shop ${after ? 'and received_at > $after::timestamptz order by received_at, message_id' : 'order by received_at desc, message_id'} limit ${limit}`,
      { shop: shopId, ...(after ? { after } : {}) });
    const newest = after ? rows[rows.length - 1] : rows[0];
    return {
      events: rows.map((r) => ({
        messageId: r.message_id!, type: r.type!, event: r.event, anonymousId: r.anonymous_id, userId: r.user_id, sessionId: r.session_id, channel: r.channel,
        timestamp: r.ts!, receivedAt: r.received_at!, properties: r.properties ? JSON.parse(r.properties) : {},
      })),
      cursor: newest?.received_at ?? after ?? null,
    };
  }
}
