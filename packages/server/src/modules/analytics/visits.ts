import type { AnalyticsSchema, AnalyticsStore } from '../../platform/analytics-store';
import { Rollup } from './rollup';

/** The rollup's time grain. Every time zone's offset today is a whole number of quarter hours. */
export const VISIT_BUCKET_MS = 15 * 60_000;

/**
 * `visits`: the events rolled up by shop, quarter hour, customer and device, with their page views and
 * whether they added to cart (its `channel` is left null: visitors by channel count the channels of
 * their sessions, which the `sessions` rollup keeps; rows rolled up before that carry one, unread).
 * A visit of a dozen events becomes one row, so visitors and page views of a month are counted from a
 * tenth of the rows. It covers the events whose rowid is below `rollup_marks.event_rows`; queries
 * add the newer events from `events` itself (see `visitSourceSql`), so they see every committed event
 * whether it was rolled up or not.
 */
export const visitsAnalyticsSchema: AnalyticsSchema = {
  name: 'visits',
  statements: [
    `create table if not exists visits (shop_id varchar, bucket timestamptz, channel varchar, user_id varchar, anonymous_id varchar, pages bigint, carted boolean)`,
    `create table if not exists rollup_marks (name varchar, event_rows bigint)`,
    `insert into rollup_marks select 'visits', 0 where not exists (select 1 from rollup_marks where name = 'visits')`,
  ],
};

/**
 * The rows visitors are counted from, for the period $start..$end (both on a quarter hour): the
 * rolled-up quarter hours, and the events committed since the last roll-up. The mark is read in the
 * same statement, so a roll-up committing meanwhile neither drops nor doubles a row.
 */
export function visitSourceSql(): string {
  return `select bucket as ts, user_id, anonymous_id, pages, carted from visits
      where shop_id = $shop and bucket >= $start and bucket < $end
    union all
    select ts, user_id, anonymous_id, (type = 'page')::bigint, event = 'Product Added' from events
      where shop_id = $shop and ts >= $start and ts < $end and rowid >= (select event_rows from rollup_marks where name = 'visits')`;
}

/**
 * Keeps `visits` caught up with `events`: each refresh rolls up the events committed since the last,
 * in batches of `batchRows` rowids, each batch in one transaction with the new mark. Events are only
 * ever appended and DuckDB numbers committed rows densely in commit order, so the rowids below the
 * mark are exactly the rows rolled up. Rows of one quarter hour may be rolled up in two batches; the
 * queries sum page views and count distinct people, so that changes nothing.
 */
export class VisitRollup extends Rollup {
  /** `minRows`: in the background, fewer new events than this wait for the next tick. */
  constructor(private readonly store: AnalyticsStore, private readonly batchRows = 1_000_000, minRows = 100_000) {
    super(minRows);
  }

  protected async rollUp(minRows: number): Promise<number> {
    let done = 0;
    for (;;) {
      const batch = await this.store.write(async (conn) => {
        const read = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRowObjectsJS()[0].n);
        const mark = await read(`select event_rows as n from rollup_marks where name = 'visits'`);
        const rows = await read('select count(*) as n from events');
        if (rows - mark < Math.max(1, minRows)) return { rolled: 0, left: 0 };
        const upTo = Math.min(rows, mark + this.batchRows);
        await conn.run(`insert into visits
          select shop_id, time_bucket(interval ${VISIT_BUCKET_MS / 60_000} minute, ts), null, user_id, anonymous_id, count_if(type = 'page'), bool_or(event = 'Product Added')
          from events where rowid >= ${mark} and rowid < ${upTo} group by all`);
        await conn.run(`update rollup_marks set event_rows = ${upTo} where name = 'visits'`);
        return { rolled: upTo - mark, left: rows - upTo };
      });
      done += batch.rolled;
      if (batch.left === 0) return done;
    }
  }

  /** Erasure: the person's rolled-up visits take the anonymous id their events now carry. */
  async erasePerson(shopId: string, userId: string, anonymousId: string) {
    await this.store.write(async (conn) => {
      await conn.run(`update visits set user_id = ? where shop_id = ? and user_id = ?`, [anonymousId, shopId, userId]);
    });
  }
}
