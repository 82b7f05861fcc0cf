import type { AnalyticsStore } from '../../platform/analytics-store';
import { Turns } from '../../platform/background';
import { valueAt } from './prepare';
import type { EventBatch } from './writer';

/**
 * Backfills (historical imports) are de-duplicated against what DuckDB holds rather than the live
 * window, and a shop's backfills take turns, so one sees what the previous one committed.
 */
export class Backfills {
  /** Per shop, the newest event time stored or queued: a backfill entirely after it cannot hold a stored event. */
  private readonly newest = new Map<string, number>();
  private readonly turns = new Turns();

  constructor(private readonly store: AnalyticsStore) {}

  /** Reads the newest event time of each shop from what DuckDB already holds. */
  async load() {
    const newest = await this.store.all<{ shop_id: string; newest: number }>(`select shop_id, epoch_ms(max(ts)) as newest from events group by all`);
    for (const n of newest) this.newest.set(n.shop_id, n.newest);
  }

  /** A batch (live or backfilled) goes to be committed: its events count as stored from now on. */
  queued(batch: EventBatch) {
    let max = this.newest.get(batch.shopId) ?? -Infinity;
    for (const r of batch.rows) if (batch.events.ts[r] > max) max = batch.events.ts[r];
    this.newest.set(batch.shopId, max);
  }

  /** Runs one backfill's de-duplication and commit after the shop's previous backfill has committed. */
  inTurn<T>(shopId: string, work: () => Promise<T>): Promise<T> {
    return this.turns.run(shopId, work);
  }

  /**
   * The batch without the events DuckDB holds already, looked up in the batch's time range (cheap:
   * events are stored in time order), so importing the same history twice changes nothing without
   * filling the live window's memory with old ids. A backfill newer than anything the shop holds (a
   * first import, the demo's day-by-day load) needs no query at all.
   */
  async notYetStored(batch: EventBatch): Promise<EventBatch> {
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
}
