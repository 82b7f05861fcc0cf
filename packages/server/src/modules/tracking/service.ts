import { randomUUID } from 'node:crypto';
import { DuckDBDataChunk, DuckDBTimestampTZValue, TIMESTAMPTZ, VARCHAR, type DuckDBAppender, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import {
  aliasCall,
  identifyCall,
  pageCall,
  trackCall,
  type CallType,
  type Channel,
  type ChannelMapping,
  type RejectedRecord,
} from '@flywheel/contracts';
import type { AnalyticsSchema, AnalyticsStore } from '../../platform/analytics-store';
import { fromZodIssue } from '../../platform/errors';
import { deriveChannel, utmOf } from './channels';
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
    // of a device belong to the customer it was first linked to.
    `create or replace view tracked_events as
      select e.*, coalesce(e.user_id, i.user_id, e.anonymous_id) as person_id
      from events e left join (select shop_id, anonymous_id, arg_min(user_id, ts) as user_id from identities group by all) i
        on i.shop_id = e.shop_id and i.anonymous_id = e.anonymous_id`,
  ],
};

const schemas = { track: trackCall, page: pageCall, screen: pageCall, identify: identifyCall, alias: aliasCall } as const;

interface EventRow {
  shopId: string; messageId: string; type: string; event: string | null; anonymousId: string | null; userId: string | null;
  ts: Date; receivedAt: Date; sessionId: string; channel: string; utmSource: string | null; utmMedium: string | null; utmCampaign: string | null;
  referrer: string | null; url: string | null; path: string | null; productId: string | null; sku: string | null; category: string | null;
  orderId: string | null; query: string | null; properties: string;
}

interface IdentityRow { shopId: string; anonymousId: string; userId: string; ts: Date }

export interface IngestOptions {
  /** Batch-level `sentAt` and `context` (Segment batch envelope). */
  sentAt?: string;
  context?: Record<string, unknown>;
  /** Historical backfill: the event time is also its receive time (keeps the live de-duplication window small). */
  historical?: boolean;
}

export interface IngestResult { accepted: number; duplicates: number; rejected: RejectedRecord[] }

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));

/**
 * Behaviour events: validated, de-duplicated by messageId, stitched to customers, channel-tagged and
 * appended to DuckDB in group commits. `ingest` resolves only once its events are committed, so an
 * acknowledged call survives `kill -9`.
 */
export class TrackingService {
  private pending: { events: EventRow[]; identities: IdentityRow[]; done: (error?: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  /** messageIds seen in the de-duplication window, with their hour of receipt; and each hour's ids, to expire them. */
  private readonly seen = new Map<string, number>();
  private readonly seenByHour = new Map<number, string[]>();
  private readonly linked = new Set<string>();
  private readonly settings = new Map<string, { mapping: ChannelMapping | null; timezone: string; at: number }>();
  private readonly sessions = new Sessionizer();
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
    const recent = await this.store.all<{ shop_id: string; message_id: string; received_at: string }>(
      `select shop_id, message_id, received_at from events where received_at >= ?::timestamptz`, [since.toISOString()]);
    for (const r of recent) this.remember(`${r.shop_id}|${r.message_id}`, new Date(r.received_at).getTime());
    const links = await this.store.all<{ shop_id: string; anonymous_id: string; user_id: string }>(`select distinct shop_id, anonymous_id, user_id from identities`);
    for (const l of links) this.linked.add(`${l.shop_id}|${l.anonymous_id}|${l.user_id}`);
    const open = await this.store.all<{ shop_id: string; device: string; session_id: string; last: string; channel: Channel }>(
      `select shop_id, coalesce(anonymous_id, user_id) as device, arg_max(session_id, ts) as session_id, max(ts) as last, arg_max(channel, ts) as channel
       from events where ts >= ?::timestamptz group by all`, [new Date(Date.now() - SESSION_GAP_MS).toISOString()]);
    const newest = await this.store.all<{ shop_id: string; newest: number }>(`select shop_id, epoch_ms(max(ts)) as newest from events group by all`);
    for (const n of newest) this.newest.set(n.shop_id, n.newest);
    for (const o of open) this.sessions.restore(`${o.shop_id}|${o.device}`, o.session_id, new Date(o.last).getTime(), (await this.settingsOf(o.shop_id)).timezone, o.channel);
  }

  private hour(ms: number) { return Math.floor(ms / 3600_000); }

  private isDuplicate(key: string): boolean { return this.seen.has(key); }

  private remember(key: string, ms: number) {
    const h = this.hour(ms);
    let keys = this.seenByHour.get(h);
    if (!keys) {
      this.seenByHour.set(h, (keys = []));
      const oldest = this.hour(Date.now()) - this.dedupeWindowHours;
      for (const [hour, expired] of this.seenByHour) {
        if (hour >= oldest) continue;
        for (const k of expired) if (this.seen.get(k) === hour) this.seen.delete(k);
        this.seenByHour.delete(hour);
      }
    }
    this.seen.set(key, h);
    keys.push(key);
  }

  private forget(key: string) { this.seen.delete(key); }

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

  async ingest(shopId: string, calls: readonly { type?: string }[], defaultType: CallType | null, options: IngestOptions = {}): Promise<IngestResult> {
    const receivedAt = new Date();
    const { mapping, timezone } = await this.settingsOf(shopId);
    const rejected: RejectedRecord[] = [];
    const events: EventRow[] = [];
    const identities: IdentityRow[] = [];
    const keys = new Set<string>();
    let duplicates = 0;
    calls.forEach((raw, index) => {
      const type = (raw.type ?? defaultType) as CallType | undefined;
      const prefix = defaultType ? '' : `batch[${index}]`;
      if (!type || !Object.hasOwn(schemas, type)) {
        rejected.push({ index, code: 'invalid_field', message: `${prefix ? `${prefix}.` : ''}type: must be one of track, page, screen, identify, alias`, field: `${prefix ? `${prefix}.` : ''}type` });
        return;
      }
      const parsed = schemas[type].safeParse(raw);
      if (!parsed.success) {
        const e = fromZodIssue(parsed.error.issues[0], prefix);
        rejected.push({ index, code: e.code, message: e.message, field: e.field });
        return;
      }
      const call = parsed.data as Record<string, unknown> & { messageId?: string; anonymousId?: string; userId?: string; timestamp?: string; originalTimestamp?: string; sentAt?: string; context?: Record<string, unknown>; previousId?: string };
      if (!call.anonymousId && !call.userId) {
        rejected.push({ index, code: 'invalid_field', message: `${prefix ? `${prefix}.` : ''}anonymousId: an anonymousId or a userId is required`, field: `${prefix ? `${prefix}.` : ''}anonymousId` });
        return;
      }
      const messageId = call.messageId ?? `srv-${randomUUID()}`;
      const key = `${shopId}|${messageId}`;
      if (keys.has(key) || (!options.historical && this.isDuplicate(key))) { duplicates++; return; }
      keys.add(key);
      const ts = eventTime(call.timestamp ?? call.originalTimestamp, call.sentAt ?? options.sentAt, receivedAt);
      const context = options.context ? { ...options.context, ...call.context } : (call.context ?? {});
      const row = this.toRow(shopId, messageId, type, call, ts, options.historical ? ts : receivedAt, context, mapping);
      const session = this.sessions.assign(`${shopId}|${row.anonymousId ?? row.userId}`, ts.getTime(), timezone, row.channel as Channel);
      row.sessionId = session.sessionId;
      row.channel = session.channel;
      events.push(row);
      const anonymousId = type === 'alias' ? call.previousId : call.anonymousId;
      if (anonymousId && call.userId && anonymousId !== call.userId) {
        const link = `${shopId}|${anonymousId}|${call.userId}`;
        if (!this.linked.has(link)) { this.linked.add(link); identities.push({ shopId, anonymousId: String(anonymousId), userId: String(call.userId), ts }); }
      }
    });
    const store = async (rows: EventRow[]) => {
      if (rows.length === 0) return;
      try {
        await this.enqueue(shopId, rows, identities);
      } catch (error) {
        if (!options.historical) for (const key of keys) this.forget(key);
        for (const i of identities) this.linked.delete(`${i.shopId}|${i.anonymousId}|${i.userId}`);
        throw error;
      }
    };
    if (!options.historical) {
      for (const key of keys) this.remember(key, receivedAt.getTime());
      await store(events);
      return { accepted: events.length, duplicates, rejected };
    }
    const fresh = await this.backfill(shopId, async () => {
      const rows = await this.notYetStored(shopId, events);
      await store(rows);
      return rows.length;
    });
    return { accepted: fresh, duplicates: duplicates + events.length - fresh, rejected };
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
  private async notYetStored(shopId: string, events: EventRow[]): Promise<EventRow[]> {
    if (events.length === 0) return events;
    let min = events[0].ts.getTime();
    let max = min;
    for (const e of events) { const t = e.ts.getTime(); if (t < min) min = t; if (t > max) max = t; }
    if (min > (this.newest.get(shopId) ?? -Infinity)) return events;
    const stored = await this.store.all<{ message_id: string }>(
      `select message_id from events where shop_id = $shop and ts >= $min::timestamptz and ts <= $max::timestamptz
         and message_id in (select unnest(from_json($ids::json, '["VARCHAR"]')))`,
      { shop: shopId, min: new Date(min).toISOString(), max: new Date(max).toISOString(), ids: JSON.stringify(events.map((e) => e.messageId)) });
    if (stored.length === 0) return events;
    const seen = new Set(stored.map((r) => r.message_id));
    return events.filter((e) => !seen.has(e.messageId));
  }

  private toRow(shopId: string, messageId: string, type: string, call: Record<string, unknown>, ts: Date, receivedAt: Date, context: Record<string, unknown>, mapping: ChannelMapping | null): EventRow {
    const page = (context.page ?? {}) as Record<string, unknown>;
    const campaign = (context.campaign ?? {}) as Record<string, unknown>;
    const props = (call.properties ?? call.traits ?? {}) as Record<string, unknown>;
    const url = str(page.url ?? props.url);
    const utm = utmOf(url);
    const source = str(campaign.source) ?? utm.source ?? null;
    const medium = str(campaign.medium) ?? utm.medium ?? null;
    const referrer = str(page.referrer ?? props.referrer);
    const firstProduct = Array.isArray(props.products) ? (props.products[0] as Record<string, unknown> | undefined) : undefined;
    return {
      shopId, messageId, type: type === 'screen' ? 'page' : type,
      event: type === 'track' ? String(call.event) : type === 'page' || type === 'screen' ? str(call.name) : null,
      anonymousId: str(call.anonymousId), userId: str(call.userId), ts, receivedAt, sessionId: '',
      channel: deriveChannel({ source, medium, referrer, ownHost: utm.host }, mapping),
      utmSource: source, utmMedium: medium, utmCampaign: str(campaign.name) ?? utm.campaign ?? null,
      referrer, url, path: str(page.path ?? props.path),
      productId: str(props.product_id ?? props.productId ?? firstProduct?.product_id),
      sku: str(props.sku ?? firstProduct?.sku),
      category: str(props.category ?? firstProduct?.category),
      orderId: str(props.order_id ?? props.orderId),
      query: str(props.query),
      properties: JSON.stringify(props),
    };
  }

  private enqueue(shopId: string, events: EventRow[], identities: IdentityRow[]): Promise<void> {
    let max = this.newest.get(shopId) ?? -Infinity;
    for (const e of events) if (e.ts.getTime() > max) max = e.ts.getTime();
    this.newest.set(shopId, max);
    return new Promise((resolve, reject) => {
      this.pending.push({ events, identities, done: (error) => (error ? reject(error) : resolve()) });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  /** Group commit: whatever arrived while the previous commit ran goes into the next one. */
  private async flushLoop() {
    while (this.pending.length > 0) {
      const group = this.pending.splice(0);
      try {
        await this.store.write(async (_conn, append) => {
          appendEvents(await append('events'), group.flatMap((p) => p.events));
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

const tz = (d: Date) => new DuckDBTimestampTZValue(BigInt(d.getTime()) * 1000n);

/** Column order of the `events` table. */
const EVENT_COLUMNS: [keyof EventRow, DuckDBType][] = [
  ['shopId', VARCHAR], ['messageId', VARCHAR], ['type', VARCHAR], ['event', VARCHAR], ['anonymousId', VARCHAR], ['userId', VARCHAR],
  ['ts', TIMESTAMPTZ], ['receivedAt', TIMESTAMPTZ], ['sessionId', VARCHAR], ['channel', VARCHAR], ['utmSource', VARCHAR], ['utmMedium', VARCHAR], ['utmCampaign', VARCHAR],
  ['referrer', VARCHAR], ['url', VARCHAR], ['path', VARCHAR], ['productId', VARCHAR], ['sku', VARCHAR], ['category', VARCHAR], ['orderId', VARCHAR],
  ['query', VARCHAR], ['properties', VARCHAR],
];
const EVENT_TYPES = EVENT_COLUMNS.map(([, t]) => t);
const CHUNK_ROWS = 2048; // DuckDB's vector size

/** Appends column by column in data chunks: far fewer crossings into DuckDB than value by value. */
function appendEvents(appender: DuckDBAppender, events: EventRow[]) {
  for (let start = 0; start < events.length; start += CHUNK_ROWS) {
    const rows = events.slice(start, start + CHUNK_ROWS);
    const chunk = DuckDBDataChunk.create(EVENT_TYPES, rows.length);
    chunk.setColumns(EVENT_COLUMNS.map(([key, type]) => rows.map((e): DuckDBValue => (type === TIMESTAMPTZ ? tz(e[key] as Date) : (e[key] as string | null)))));
    appender.appendDataChunk(chunk);
  }
}

/**
 * Segment's clock-skew correction: the client's clock may be wrong, but the gap between its event and
 * its send is right, so the event happened `sentAt - timestamp` before the server received it.
 */
export function eventTime(timestamp: string | undefined, sentAt: string | undefined, receivedAt: Date): Date {
  if (!timestamp) return receivedAt;
  const t = new Date(timestamp);
  if (!sentAt) return t;
  return new Date(receivedAt.getTime() - (new Date(sentAt).getTime() - t.getTime()));
}
