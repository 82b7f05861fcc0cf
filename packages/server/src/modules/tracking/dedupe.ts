import type { AnalyticsStore } from '../../platform/analytics-store';
import { valueAt, type PreparedEvents } from './prepare';

const hourOf = (ms: number) => Math.floor(ms / 3600_000);

/** What de-duplication decided for one call's events. */
export interface Admission {
  /** `kept[r]` is 1 for a row whose messageId was not seen before. */
  kept: Uint8Array;
  duplicates: number;
  /** Takes the call's ids out of the window again: its commit failed, so a retry is not a duplicate. */
  forget(): void;
}

/**
 * The live de-duplication window: the messageIds received in the last `hours` hours, per shop, with
 * their hour of receipt; and per hour and shop, the ids to expire when that hour leaves the window.
 */
export class DedupeWindow {
  private readonly seen = new Map<string, Map<string, number>>();
  private readonly seenByHour = new Map<number, Map<string, string[]>>();

  constructor(private readonly hours: number) {}

  /** Rebuilds the window from what DuckDB already holds. */
  async load(store: AnalyticsStore) {
    const since = new Date(Date.now() - this.hours * 3600_000);
    const recent = await store.all<{ shop_id: string; message_id: string; hour: number }>(
      `select shop_id, message_id, (epoch_ms(received_at) // 3600000)::integer as hour from events where received_at >= ?::timestamptz`, [since.toISOString()]);
    for (const r of recent) this.idsOfHour(r.shop_id, r.hour).push(r.message_id);
    for (const [hour, shops] of this.seenByHour) for (const [shopId, ids] of shops) for (const id of ids) this.seenIn(shopId).set(id, hour);
  }

  /**
   * Live calls are checked against (and added to) the window; a backfill (`historical`) only against
   * itself here, and against what DuckDB holds when it commits.
   */
  admit(shopId: string, events: PreparedEvents, receivedAt: number, historical: boolean): Admission {
    const messageIds = Array.from({ length: events.size }, (_, r) => valueAt(events, 'messageId', r)!);
    const hour = hourOf(receivedAt);
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
    return {
      kept,
      duplicates,
      forget: () => { if (!historical) for (const id of added) seen.delete(id); },
    };
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
      const oldest = hourOf(Date.now()) - this.hours;
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
}
