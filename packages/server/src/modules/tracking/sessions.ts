import type { Channel } from '@flywheel/contracts';
import type { AnalyticsStore } from '../../platform/analytics-store';
import { offsetMinutesAt } from '../../platform/timezone';
import { valueAt, type PreparedEvents } from './prepare';

export const SESSION_GAP_MS = 30 * 60_000;

interface OpenSession { id: string; last: number; day: number; channel: Channel }

/**
 * Splits each device's events into visits as they arrive: a new one after 30 minutes without events,
 * at local midnight, or when a new campaign/referrer brings the visitor back. Its ids (`session_id`)
 * are a hint for the live debugger and a person's timeline, in arrival order and per device; the
 * sessions every metric counts are cut by event time, per person after identity stitching, by the
 * analytics module (its session-rule.ts and sessions.ts), so a late or out-of-order event, or a
 * customer on two devices at once, is counted as PRODUCT.md defines.
 */
export class Sessionizer {
  private readonly open = new Map<string, OpenSession>();
  private readonly offsets = new Map<string, number>();

  constructor(private readonly maxDevices = 1_000_000) {}

  /** The last hour looked up: events come in bursts of the same hour. */
  private last = { timezone: '', hour: NaN, offset: 0 };

  private localDay(ms: number, timezone: string): number {
    const hour = Math.floor(ms / 3600_000);
    if (hour !== this.last.hour || timezone !== this.last.timezone) {
      const hourKey = `${timezone}|${hour}`;
      let offset = this.offsets.get(hourKey);
      if (offset === undefined) {
        if (this.offsets.size > 100_000) this.offsets.clear();
        this.offsets.set(hourKey, (offset = offsetMinutesAt(ms, timezone)));
      }
      this.last = { timezone, hour, offset };
    }
    return Math.floor((ms + this.last.offset * 60_000) / 86_400_000);
  }

  /** `channel` is what this event alone says (direct when it has no campaign or outside referrer). */
  assign(device: string, ms: number, timezone: string, channel: Channel): { sessionId: string; channel: Channel } {
    const day = this.localDay(ms, timezone);
    const s = this.open.get(device);
    if (s !== undefined && Math.abs(ms - s.last) <= SESSION_GAP_MS && day === s.day && (channel === 'direct' || channel === s.channel)) {
      if (ms > s.last) s.last = ms;
      return { sessionId: s.id, channel: s.channel };
    }
    const id = `${device}:${ms.toString(36)}`;
    if (s === undefined) this.open.set(device, { id, last: ms, day, channel });
    else { s.id = id; s.last = ms; s.day = day; s.channel = channel; } // in place: no object an event on the hot path
    if (this.open.size > this.maxDevices) this.evict(ms);
    return { sessionId: id, channel };
  }

  /**
   * Makes room for a tenth of the devices at once (so eviction costs little per event): first the
   * sessions idle for longer than the gap (only an out-of-order event could continue them), then the
   * devices seen first.
   */
  private evict(now: number) {
    const target = Math.floor(this.maxDevices * 0.9);
    for (const [device, s] of this.open) if (now - s.last > SESSION_GAP_MS) this.open.delete(device);
    for (const device of this.open.keys()) {
      if (this.open.size <= target) break;
      this.open.delete(device);
    }
  }

  /** Restores a session still open when the process stopped. */
  restore(device: string, id: string, last: number, timezone: string, channel: Channel) {
    this.open.set(device, { id, last, day: this.localDay(last, timezone), channel });
  }
}

/** The visits of one call's kept rows, and each row's own channel (what it alone names), in the order of `rows`. */
export interface AssignedSessions { rows: number[]; sessionIds: string[]; channels: string[] }

/** Per shop, each device's open session, restored from DuckDB when the process starts. */
export class ShopSessions {
  private readonly sessions = new Map<string, Sessionizer>();

  /**
   * Restores the visits still open (an event within the gap) from what DuckDB already holds: each
   * device's latest, with the channel its first event named.
   */
  async load(store: AnalyticsStore, timezoneOf: (shopId: string) => Promise<string>) {
    const open = await store.all<{ shop_id: string; device: string; session_id: string; last: string; channel: Channel }>(
      `select shop_id, device, arg_max(session_id, last) as session_id, max(last) as last, arg_max(channel, last) as channel from (
         select shop_id, coalesce(anonymous_id, user_id) as device, session_id, max(ts) as last, arg_min(channel, ts) as channel
         from events where ts >= ?::timestamptz group by all)
       group by all`, [new Date(Date.now() - SESSION_GAP_MS).toISOString()]);
    for (const o of open) this.of(o.shop_id).restore(o.device, o.session_id, new Date(o.last).getTime(), await timezoneOf(o.shop_id), o.channel);
  }

  /** Assigns each kept row (`kept[r]` is 1) to its device's session, in row order; a device is its anonymousId, else its userId. */
  assign(shopId: string, events: PreparedEvents, kept: Uint8Array, timezone: string): AssignedSessions {
    const assigned: AssignedSessions = { rows: [], sessionIds: [], channels: [] };
    const sessions = this.of(shopId);
    for (let r = 0; r < events.size; r++) {
      if (!kept[r]) continue;
      const device = valueAt(events, 'anonymousId', r) ?? valueAt(events, 'userId', r);
      const channel = valueAt(events, 'channel', r) as Channel;
      assigned.rows.push(r);
      assigned.sessionIds.push(sessions.assign(device!, events.ts[r], timezone, channel).sessionId);
      assigned.channels.push(channel);
    }
    return assigned;
  }

  private of(shopId: string): Sessionizer {
    let sessions = this.sessions.get(shopId);
    if (!sessions) this.sessions.set(shopId, (sessions = new Sessionizer()));
    return sessions;
  }
}
