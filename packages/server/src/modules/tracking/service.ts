import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk, DuckDBTimestampTZValue, TIMESTAMPTZ, VARCHAR, type DuckDBAppender, type DuckDBType } from '@duckdb/node-api';
import type { CallType, Channel, ChannelMapping, RejectedRecord } from '@flywheel/contracts';
import type { AnalyticsSchema, AnalyticsStore } from '../../platform/analytics-store';
import { FlywheelError } from '../../platform/errors';
import { valueAt, type CallSource, type PreparedColumn, type PreparedEvents } from './prepare';
import { Preparer } from './preparer';
import { SESSION_GAP_MS, Sessionizer } from './sessions';

export const trackingAnalyticsSchema: AnalyticsSchema = {
  name: 'tracking',
  statements: [
    `create table if not exists events (shop_id varchar, message_id varchar, type varchar, event varchar,
      anonymous_id varchar, user_id varchar, ts timestamptz, received_at timestamptz,
      session_id varchar, channel varchar, utm_source varchar, utm_medium varchar, utm_campaign varchar, referrer varchar, url varchar, path varchar,
      product_id varchar, sku varchar, category varchar, order_id varchar, query varchar, properties json)`,
    `create table if not exists identities (shop_id varchar, anonymous_id varchar, user_id varchar, ts timestamptz)`,
    // A person is the customer (userId) once known, else the anonymous device; earlier anonymous events
    // of a device belong to the customer it was first linked to (`identity_links`: one row a device).
    `create or replace view identity_links as select shop_id, anonymous_id, arg_min(user_id, ts) as user_id from identities group by all`,
    `create or replace view tracked_events as
      select e.*, coalesce(e.user_id, i.user_id, e.anonymous_id) as person_id
      from events e left join identity_links i on i.shop_id = e.shop_id and i.anonymous_id = e.anonymous_id`,
  ],
};

interface IdentityRow { shopId: string; anonymousId: string; userId: string; ts: number }

/** Prepared events of one call about to be stored: the rows kept (`rows`, indices into `events`) with their sessions. */
interface EventBatch { shopId: string; events: PreparedEvents; rows: number[]; sessionIds: string[]; channels: string[] }

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
 * (`Preparer`); de-duplication, sessions and identity links need this service's memory and stay here.
 * `ingest` resolves only once its events are committed, so an acknowledged call survives `kill -9`.
 */
export class TrackingService {
  private pending: { batch: EventBatch; identities: IdentityRow[]; done: (error?: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  /** Per shop, the messageIds seen in the de-duplication window with their hour of receipt; and per hour and shop, the ids to expire. */
  private readonly seen = new Map<string, Map<string, number>>();
  private readonly seenByHour = new Map<number, Map<string, string[]>>();
  private readonly linked = new Set<string>();
  private readonly settings = new Map<string, { mapping: ChannelMapping | null; timezone: string; at: number }>();
  /** Per shop, each device's open session. */
  private readonly sessions = new Map<string, Sessionizer>();
  private readonly preparer = new Preparer();
  /** Per shop, the newest event time stored or queued: a backfill entirely after it cannot hold a stored event. */
  private readonly newest = new Map<string, number>();
  /** Per shop, the backfill now being de-duplicated and committed (backfills of a shop take turns). */
  private readonly backfills = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: AnalyticsStore,
    private readonly shopSettingsOf: (shopId: string) => Promise<{ channelMapping: ChannelMapping | null; timezone: string }>,
    private readonly dedupeWindowHours: number,
  ) {}

  /** Rebuilds the de-duplication window and the identity links from what DuckDB already holds. */
  async init() {
    const since = new Date(Date.now() - this.dedupeWindowHours * 3600_000);
    const recent = await this.store.all<{ shop_id: string; message_id: string; hour: number }>(
      `select shop_id, message_id, (epoch_ms(received_at) // 3600000)::integer as hour from events where received_at >= ?::timestamptz`, [since.toISOString()]);
    for (const r of recent) this.idsOfHour(r.shop_id, r.hour).push(r.message_id);
    for (const [hour, shops] of this.seenByHour) for (const [shopId, ids] of shops) for (const id of ids) this.seenIn(shopId).set(id, hour);
    const links = await this.store.all<{ shop_id: string; anonymous_id: string; user_id: string }>(`select distinct shop_id, anonymous_id, user_id from identities`);
    for (const l of links) this.linked.add(`${l.shop_id}|${l.anonymous_id}|${l.user_id}`);
    const open = await this.store.all<{ shop_id: string; device: string; session_id: string; last: string; channel: Channel }>(
      `select shop_id, coalesce(anonymous_id, user_id) as device, arg_max(session_id, ts) as session_id, max(ts) as last, arg_max(channel, ts) as channel
       from events where ts >= ?::timestamptz group by all`, [new Date(Date.now() - SESSION_GAP_MS).toISOString()]);
    const newest = await this.store.all<{ shop_id: string; newest: number }>(`select shop_id, epoch_ms(max(ts)) as newest from events group by all`);
    for (const n of newest) this.newest.set(n.shop_id, n.newest);
    for (const o of open) this.sessionsOf(o.shop_id).restore(o.device, o.session_id, new Date(o.last).getTime(), (await this.settingsOf(o.shop_id)).timezone, o.channel);
  }

  private hour(ms: number) { return Math.floor(ms / 3600_000); }

  private sessionsOf(shopId: string): Sessionizer {
    let sessions = this.sessions.get(shopId);
    if (!sessions) this.sessions.set(shopId, (sessions = new Sessionizer()));
    return sessions;
  }

  private seenIn(shopId: string): Map<string, number> {
    let ids = this.seen.get(shopId);
    if (!ids) this.seen.set(shopId, (ids = new Map()));
    return ids;
  }

  /** The list of a shop's ids received in `hour`; a new hour first expires those older than the window. */
  private idsOfHour(shopId: string, hour: number): string[] {
    let shops = this.seenByHour.get(hour);
    if (!shops) {
      this.seenByHour.set(hour, (shops = new Map()));
      const oldest = this.hour(Date.now()) - this.dedupeWindowHours;
      for (const [h, expired] of this.seenByHour) {
        if (h >= oldest) continue;
        for (const [s, ids] of expired) {
          const seen = this.seenIn(s);
          for (const id of ids) if (seen.get(id) === h) seen.delete(id);
        }
        this.seenByHour.delete(h);
      }
    }
    let ids = shops.get(shopId);
    if (!ids) shops.set(shopId, (ids = []));
    return ids;
  }

  private async settingsOf(shopId: string) {
    const cached = this.settings.get(shopId);
    if (cached && Date.now() - cached.at < 10_000) return cached;
    const shop = await this.shopSettingsOf(shopId);
    const fresh = { mapping: shop.channelMapping, timezone: shop.timezone, at: Date.now() };
    this.settings.set(shopId, fresh);
    return fresh;
  }

  /** Drops the cached settings after the shop edits its channel mapping or time zone. */
  settingsChanged(shopId: string) { this.settings.delete(shopId); }

  /**
   * Stores tracking calls: a `/v1/batch` body or JSON lines as text, or calls already parsed. Invalid
   * calls are reported by index and the valid ones land; a body that is not a batch at all is refused
   * whole (400).
   */
  async ingest(shopId: string, source: CallSource, options: IngestOptions = {}): Promise<IngestResult> {
    const receivedAt = Date.now();
    const { mapping, timezone } = await this.settingsOf(shopId);
    const historical = options.historical ?? false;
    const events = await this.preparer.prepare({ source, defaultType: options.defaultType ?? null, historical, receivedAt, mapping });
    if (events.bodyError) throw new FlywheelError(events.bodyError.code, events.bodyError.message, events.bodyError.field);
    const messageIds = Array.from({ length: events.size }, (_, r) => valueAt(events, 'messageId', r)!);
    // Live calls are checked against (and added to) the de-duplication window; a backfill only against
    // itself here, and against what DuckDB holds when it commits.
    const hour = this.hour(receivedAt);
    const seen = historical ? new Map<string, number>() : this.seenIn(shopId);
    const added: string[] = [];
    const kept = new Uint8Array(events.size);
    let duplicates = 0;
    for (let r = 0; r < events.size; r++) {
      const id = messageIds[r];
      if (seen.has(id)) { duplicates++; continue; }
      seen.set(id, hour);
      if (!historical) added.push(id);
      kept[r] = 1;
    }
    if (!historical) {
      const expiring = this.idsOfHour(shopId, hour);
      for (const id of added) expiring.push(id);
    }
    const identities: IdentityRow[] = [];
    for (const [r, anonymousId, userId] of events.links) {
      const link = `${shopId}|${anonymousId}|${userId}`;
      if (kept[r] && !this.linked.has(link)) { this.linked.add(link); identities.push({ shopId, anonymousId, userId, ts: events.ts[r] }); }
    }
    const batch: EventBatch = { shopId, events, rows: [], sessionIds: [], channels: [] };
    const sessions = this.sessionsOf(shopId);
    for (let r = 0; r < events.size; r++) {
      if (!kept[r]) continue;
      const device = valueAt(events, 'anonymousId', r) ?? valueAt(events, 'userId', r);
      const session = sessions.assign(device!, events.ts[r], timezone, valueAt(events, 'channel', r) as Channel);
      batch.rows.push(r);
      batch.sessionIds.push(session.sessionId);
      batch.channels.push(session.channel);
    }
    const store = async (b: EventBatch) => {
      if (b.rows.length === 0) return;
      try {
        await this.enqueue(b, identities);
      } catch (error) {
        if (!historical) for (const id of added) seen.delete(id);
        for (const i of identities) this.linked.delete(`${i.shopId}|${i.anonymousId}|${i.userId}`);
        throw error;
      }
    };
    if (!historical) {
      await store(batch);
      return { accepted: batch.rows.length, duplicates, rejected: events.rejected };
    }
    const fresh = await this.backfill(shopId, async () => {
      const b = await this.notYetStored(batch);
      await store(b);
      return b.rows.length;
    });
    return { accepted: fresh, duplicates: duplicates + batch.rows.length - fresh, rejected: events.rejected };
  }

  /** Runs one backfill's de-duplication and commit after the shop's previous backfill has committed. */
  private backfill<T>(shopId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.backfills.get(shopId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.backfills.set(shopId, settled);
    void settled.then(() => { if (this.backfills.get(shopId) === settled) this.backfills.delete(shopId); });
    return next;
  }

  /**
   * Backfills are de-duplicated against what DuckDB holds in the batch's time range (cheap: events are
   * stored in time order), so importing the same history twice changes nothing without filling the
   * live window's memory with old ids. A backfill newer than anything the shop holds (a first import,
   * the demo's day-by-day load) needs no query at all.
   */
  private async notYetStored(batch: EventBatch): Promise<EventBatch> {
    const { events, rows } = batch;
    if (rows.length === 0) return batch;
    let min = Infinity;
    let max = -Infinity;
    for (const r of rows) { const t = events.ts[r]; if (t < min) min = t; if (t > max) max = t; }
    if (min > (this.newest.get(batch.shopId) ?? -Infinity)) return batch;
    const ids = rows.map((r) => valueAt(events, 'messageId', r)!);
    const stored = await this.store.all<{ message_id: string }>(
      `select message_id from events where shop_id = $shop and ts >= $min::timestamptz and ts <= $max::timestamptz
         and message_id in (select unnest(from_json($ids::json, '["VARCHAR"]')))`,
      { shop: batch.shopId, min: new Date(min).toISOString(), max: new Date(max).toISOString(), ids: JSON.stringify(ids) });
    if (stored.length === 0) return batch;
    const seen = new Set(stored.map((x) => x.message_id));
    const fresh: EventBatch = { ...batch, rows: [], sessionIds: [], channels: [] };
    rows.forEach((r, i) => {
      if (seen.has(ids[i])) return;
      fresh.rows.push(r);
      fresh.sessionIds.push(batch.sessionIds[i]);
      fresh.channels.push(batch.channels[i]);
    });
    return fresh;
  }

  private enqueue(batch: EventBatch, identities: IdentityRow[]): Promise<void> {
    let max = this.newest.get(batch.shopId) ?? -Infinity;
    for (const r of batch.rows) if (batch.events.ts[r] > max) max = batch.events.ts[r];
    this.newest.set(batch.shopId, max);
    return new Promise((resolve, reject) => {
      this.pending.push({ batch, identities, done: (error) => (error ? reject(error) : resolve()) });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  /** Group commit: whatever arrived while the previous commit ran goes into the next one. */
  private async flushLoop() {
    while (this.pending.length > 0) {
      const group = this.pending.splice(0);
      try {
        await this.store.write(async (_conn, append) => {
          const events = await append('events');
          for (const p of group) appendEvents(events, p.batch);
          const links = group.flatMap((p) => p.identities);
          if (links.length > 0) {
            const id = await append('identities');
            for (const l of links) { id.appendVarchar(l.shopId); id.appendVarchar(l.anonymousId); id.appendVarchar(l.userId); id.appendTimestampTZ(tz(l.ts)); id.endRow(); }
          }
        });
        for (const p of group) p.done();
      } catch (error) {
        for (const p of group) p.done(error);
      }
    }
    this.flushing = undefined;
  }

  async drain() { while (this.flushing) await this.flushing; }

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

const tz = (ms: number) => new DuckDBTimestampTZValue(BigInt(ms) * 1000n);

const CHUNK_ROWS = 2048; // DuckDB's vector size
const allValid = () => new Uint8Array(CHUNK_ROWS / 8).fill(255).buffer;
/** The `events` table's 22 columns: VARCHAR except the two timestamps (ts, received_at). */
const EVENT_TYPES: DuckDBType[] = Array.from({ length: 22 }, (_, i) => (i === 6 || i === 7 ? TIMESTAMPTZ : VARCHAR));

type ColumnWriter = (vector: duckdb.Vector, start: number, n: number) => void;

/** A VARCHAR column: one call into DuckDB a value, the nulls as one mask. */
const textColumn = (value: (i: number) => string | null): ColumnWriter => (vector, start, n) => {
  let validity: ArrayBuffer | undefined;
  for (let i = 0; i < n; i++) {
    const v = value(start + i);
    if (v !== null) duckdb.vector_assign_string_element(vector, i, v);
    else new Uint8Array((validity ??= allValid()))[i >> 3] &= ~(1 << (i & 7));
  }
  if (validity) {
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, validity, 0, validity.byteLength);
  }
};

/** A TIMESTAMPTZ column from epoch milliseconds: int64 microseconds written as two 32-bit halves (no BigInt a value). */
const timeColumn = (ms: (i: number) => number): ColumnWriter => (vector, start, n) => {
  const micros = new Int32Array(new ArrayBuffer(8 * n));
  for (let i = 0; i < n; i++) {
    const us = ms(start + i) * 1000;
    const high = Math.floor(us / 4294967296);
    micros[2 * i] = us - high * 4294967296;
    micros[2 * i + 1] = high;
  }
  duckdb.copy_data_to_vector(vector, 0, micros.buffer, 0, micros.byteLength);
};

/** The same value on every row: one constant vector. */
const constantColumn = (value: duckdb.Value): ColumnWriter => (vector) => duckdb.vector_reference_value(vector, value);

/** Appends column by column in data chunks: far fewer crossings into DuckDB than value by value. */
function appendEvents(appender: DuckDBAppender, batch: EventBatch) {
  const { events, rows, sessionIds, channels } = batch;
  const text = (column: PreparedColumn) => textColumn((i) => valueAt(events, column, rows[i]));
  const writers: ColumnWriter[] = [
    constantColumn(duckdb.create_varchar(batch.shopId)), text('messageId'), text('type'), text('event'), text('anonymousId'), text('userId'),
    timeColumn((i) => events.ts[rows[i]]), timeColumn((i) => events.receivedAt[rows[i]]), textColumn((i) => sessionIds[i]), textColumn((i) => channels[i]),
    text('utmSource'), text('utmMedium'), text('utmCampaign'), text('referrer'), text('url'), text('path'), text('productId'), text('sku'), text('category'),
    text('orderId'), text('query'), text('properties'),
  ];
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows.length - start);
    const chunk = DuckDBDataChunk.create(EVENT_TYPES, n);
    writers.forEach((write, column) => write(duckdb.data_chunk_get_vector(chunk.chunk, column), start, n));
    appender.appendDataChunk(chunk);
  }
}
