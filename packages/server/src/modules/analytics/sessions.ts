import type { DuckDBConnection } from '@duckdb/node-api';
import { addDays } from '@flywheel/contracts';
import type { AnalyticsSchema, AnalyticsStore } from '../../platform/analytics-store';
import { startOfLocalDay } from '../../platform/timezone';
import { Rollup } from './rollup';
import { localDaySql, numberedEventsSql, sessionizeSql, walkKeySql } from './session-rule';

/**
 * `sessions`: the sessions of PRODUCT.md (session-rule.ts), one row per session, with its person,
 * local day, first and last event time, events, page views, whether it added to cart, channel and
 * campaign. A person's sessions of a local day are a function of that person's events of that day, so
 * the rollup keeps them per (person, day) and re-computes only the pairs that new events or new
 * identity links touch, whatever day they fall on. It covers the events whose rowid is below the
 * `sessions` mark and the identity links below the `session_identities` mark (`rollup_marks`);
 * queries re-compute the pairs touched since from the events (see `sessionRowsSql`), so sessions are
 * exact and as fresh as the events.
 */
export const sessionsAnalyticsSchema: AnalyticsSchema = {
  name: 'sessions',
  statements: [
    `create table if not exists sessions (shop_id varchar, person_id varchar, day date, started_at timestamptz, ended_at timestamptz,
      events integer, pages integer, carted boolean, channel varchar, campaign varchar)`,
    `create table if not exists rollup_marks (name varchar, event_rows bigint)`,
    `insert into rollup_marks select 'sessions', 0 where not exists (select 1 from rollup_marks where name = 'sessions')`,
    `insert into rollup_marks select 'session_identities', 0 where not exists (select 1 from rollup_marks where name = 'session_identities')`,
  ],
};

/**
 * An event's columns as the session rule reads them (`numberedEventsSql`), from `events e` joined to
 * its device's link `l`; `day`: the SQL of its local date.
 */
const eventColumns = (day: string) => `coalesce(e.user_id, l.user_id, e.anonymous_id) as person_id, ${day} as day, e.ts,
  coalesce(e.channel, 'direct') as channel, e.utm_campaign as campaign, e.type = 'page' as page, e.event = 'Product Added' as carted,
  e.rowid as event_row, ${walkKeySql('e.ts', "coalesce(e.channel, 'direct')")} as walk_key`;

/** The customer each of some devices (a relation of anonymous_id) belongs to, as `identity_links` says, for the shop $shop. */
const linksOf = (devices: string) => `(select anonymous_id, arg_min(user_id, ts) as user_id from identities
  where shop_id = $shop and anonymous_id in (${devices}) group by all)`;

/**
 * Of `events e` (with its link `l`), those of the persons in `touched` (person_id, day): the events of
 * a customer and of the devices linked to them, or of a device, found by their ids before anything is
 * resolved (resolving every event of a month to its person would cost more than the rest).
 */
const ofTouchedPersons = (touched: string, links: string) => `(e.user_id in (select person_id from ${touched})
  or e.anonymous_id in (select person_id from ${touched} union all select anonymous_id from ${links} where user_id in (select person_id from ${touched})))`;

/**
 * The sessions of one shop ($shop, $tz) that start in [lower, upper) (SQL expressions of two local
 * midnights), as CTEs ending in `<prefix>rows` (person_id, day, started_at, ended_at, events, pages,
 * carted, channel, campaign): the rolled-up sessions, except those of the (person, day) pairs touched
 * since the marks, and those pairs re-computed from the events. Touched are the pairs of the events
 * past the `sessions` mark, and for each device whose customer changed since the `session_identities`
 * mark, its old and new person on the days of its old person's sessions. The marks are read in the
 * same statement, so a roll-up committing meanwhile neither drops nor doubles a session; DuckDB skips
 * the events outside the touched days by their time (the bounds are scalar subqueries it prunes by).
 * `persons`: a relation of person_id to keep only their sessions (attribution's buyers).
 */
export function sessionRowsSql(lower: string, upper: string, persons?: string, prefix = 's_'): string {
  const only = (column: string) => (persons ? ` and ${column} in (select person_id from ${persons})` : '');
  return `${prefix}marks as (select max(event_rows) filter (where name = 'sessions') as events, max(event_rows) filter (where name = 'session_identities') as identities from rollup_marks),
  ${prefix}fresh as (select user_id, anonymous_id, ts from events where shop_id = $shop and rowid >= (select events from ${prefix}marks) and ts >= ${lower} and ts < ${upper}),
  ${prefix}linked as (select distinct anonymous_id from identities where shop_id = $shop and rowid >= (select identities from ${prefix}marks)),
  ${prefix}new as (
    select coalesce(e.user_id, l.user_id, e.anonymous_id) as person_id, timezone($tz, e.ts)::date as day
    from ${prefix}fresh e left join ${linksOf(`select anonymous_id from ${prefix}fresh where user_id is null`)} l on l.anonymous_id = e.anonymous_id),
  ${prefix}before as (
    select anonymous_id, arg_min(user_id, ts) as user_id from identities
    where shop_id = $shop and rowid < (select identities from ${prefix}marks) and anonymous_id in (select anonymous_id from ${prefix}linked) group by all),
  ${prefix}moved as (
    select coalesce(b.user_id, d.anonymous_id) as before, coalesce(l.user_id, d.anonymous_id) as now
    from ${prefix}linked d left join ${prefix}before b on b.anonymous_id = d.anonymous_id left join ${linksOf(`select anonymous_id from ${prefix}linked`)} l on l.anonymous_id = d.anonymous_id
    where coalesce(b.user_id, d.anonymous_id) <> coalesce(l.user_id, d.anonymous_id)),
  ${prefix}touched as (
    select person_id, day from ${prefix}new where true${only('person_id')}
    union
    select unnest([m.before, m.now]) as person_id, s.day from ${prefix}moved m
      join sessions s on s.shop_id = $shop and s.person_id = m.before and s.started_at >= ${lower} and s.started_at < ${upper}),
  ${prefix}span as (
    select coalesce(min(timezone($tz, day::timestamp)), 'infinity'::timestamptz) as first, coalesce(max(timezone($tz, (day + 1)::timestamp)), 'infinity'::timestamptz) as last
    from ${prefix}touched),
  ${prefix}links as ${linksOf(`select person_id from ${prefix}touched union all select anonymous_id from identities where shop_id = $shop and user_id in (select person_id from ${prefix}touched)`)},
  ${prefix}events as (
    select $shop as shop_id, x.* from (
      select ${eventColumns('timezone($tz, e.ts)::date')}
      from events e left join ${prefix}links l on l.anonymous_id = e.anonymous_id
      where e.shop_id = $shop and e.ts >= (select first from ${prefix}span) and e.ts < (select last from ${prefix}span)
        and ${ofTouchedPersons(`${prefix}touched`, `${prefix}links`)}) x
    semi join ${prefix}touched t on t.person_id = x.person_id and t.day = x.day),
  ${prefix}rows as (
    -- As one string (the day is its last 10 characters, so two pairs give one string only if they are one pair):
    -- DuckDB then hashes the few touched pairs, not the month's sessions.
    select s.person_id, s.day, s.started_at, s.ended_at, s.events, s.pages, s.carted, s.channel, s.campaign from sessions s
      where s.shop_id = $shop and s.started_at >= ${lower} and s.started_at < ${upper}${only('s.person_id')}
        and (s.person_id || '|' || s.day) not in (select person_id || '|' || day from ${prefix}touched)
    union all
    select person_id, day, started_at, ended_at, events, pages, carted, channel, campaign from ${sessionizeSql(`${prefix}events`)}
      where started_at >= ${lower} and started_at < ${upper})`;
}

/**
 * The events of one shop in [$start, $end) with the channel of the session each belongs to
 * (`session_channel`) and its person, sessionized at query time by window functions: for the cuts the
 * rollup cannot give (visitors of a category by channel). Periods are whole local days, so their
 * sessions are whole too.
 */
export function eventsWithSessionChannelSql(): string {
  const rows = `(select $shop as shop_id, e.category, e.utm_campaign, e.sku, e.product_id, e.event, e.type, e.user_id, e.anonymous_id, ${eventColumns('timezone($tz, e.ts)::date')}
    from events e left join (select anonymous_id, arg_min(user_id, ts) as user_id from identities where shop_id = $shop group by all) l on l.anonymous_id = e.anonymous_id
    where e.shop_id = $shop and e.ts >= $start and e.ts < $end)`;
  return `(select * exclude (n, starts, first_key), max(case when starts then channel end) over (partition by person_id, day, n) as session_channel
    from ${numberedEventsSql(rows)})`;
}

/**
 * Keeps `sessions` caught up with `events` and `identities`. Each roll-up takes the events committed
 * since the `sessions` mark, in batches of `batchRows` rowids, and every identity link stored since the
 * `session_identities` mark; it finds the (person, local day) pairs they touch (for a device whose
 * customer changed: its old and new person on the days of its old person's sessions), deletes those
 * pairs' sessions and writes them again from all their events, with the new marks, in one
 * transaction. A late event is just an event past the mark: the pairs it touches are cut again as if
 * it had come on time, so it merges or splits sessions of any earlier day.
 */
export class SessionRollup extends Rollup {
  /**
   * `timezoneOf`: a shop's time zone (local midnight cuts sessions). `minRows`: in the background,
   * fewer new events than this wait for the next tick (the queries re-compute what waits: kept lower
   * than the visits rollup's, as re-cutting a person's day costs more than adding up its visits).
   */
  constructor(
    private readonly store: AnalyticsStore,
    private readonly timezoneOf: (shopId: string) => Promise<string>,
    private readonly batchRows = 2_000_000,
    minRows = 25_000,
  ) {
    super(minRows);
  }

  /** With `minRows` 0 (`refresh`) it also takes identity links stored with no new event. */
  protected async rollUp(minRows: number): Promise<number> {
    let done = 0;
    for (;;) {
      // The shops with something to roll up, and their zones, are looked up before the write transaction.
      const zones = await this.zonesOfPending();
      const batch = await this.store.write(async (conn) => {
        const read = async <T = number>(sql: string, params: Record<string, string> = {}) => (await conn.runAndReadAll(sql, params)).getRowObjectsJS().map((r) => r) as Record<string, T>[];
        const one = async (sql: string) => Number((await read(sql))[0].n);
        const marks = {
          events: await one(`select event_rows as n from rollup_marks where name = 'sessions'`),
          identities: await one(`select event_rows as n from rollup_marks where name = 'session_identities'`),
        };
        const rows = await one('select count(*) as n from events');
        const links = await one('select count(*) as n from identities');
        const pending = rows - marks.events;
        if (pending === 0 && links === marks.identities) return { rolled: 0, left: 0 };
        if (pending < Math.max(1, minRows) && (minRows > 0 || links === marks.identities)) return { rolled: 0, left: 0 };
        const upTo = Math.min(rows, marks.events + this.batchRows);
        const span = { events: [marks.events, upTo], identities: [marks.identities, links] } as const;
        const shops = await read<string>(`select distinct shop_id from events where rowid >= ${marks.events} and rowid < ${upTo}
          union select distinct shop_id from identities where rowid >= ${marks.identities} and rowid < ${links}`);
        for (const { shop_id: shop } of shops) {
          // A shop that appeared after the zones were read (rare) is looked up now.
          const tz = zones.get(shop) ?? await this.timezoneOf(shop);
          await this.rollUpShop(conn, read, shop, tz, span);
        }
        await conn.run(`update rollup_marks set event_rows = ${upTo} where name = 'sessions'`);
        await conn.run(`update rollup_marks set event_rows = ${links} where name = 'session_identities'`);
        return { rolled: upTo - marks.events, left: rows - upTo };
      });
      done += batch.rolled;
      if (batch.left === 0) return done;
    }
  }

  /**
   * One shop's part of a roll-up, in its transaction: the (person, day) pairs that the events and the
   * identity links of the rowids in `span` ([from, to) each) touch, their sessions deleted and written
   * again from all their events.
   */
  private async rollUpShop(conn: DuckDBConnection, read: <T>(sql: string, params?: Record<string, string>) => Promise<Record<string, T>[]>, shop: string, tz: string,
    span: { events: readonly [number, number]; identities: readonly [number, number] }) {
    const params = { shop };
    const rowsOf = `rowid >= ${span.events[0]} and rowid < ${span.events[1]}`;
    const [range] = await read<number | null>(`select epoch_ms(min(ts)) as first, epoch_ms(max(ts)) as last from events where shop_id = $shop and ${rowsOf}`, params);
    const newDay = localDaySql('e.ts', tz, Number(range.first ?? 0), Number(range.last ?? 0));
    const shopLinks = `(select anonymous_id, arg_min(user_id, ts) as user_id from identities where shop_id = $shop group by all)`;
    await conn.run(`create or replace temp table session_touched as
      with linked as (select distinct anonymous_id from identities where shop_id = $shop and rowid >= ${span.identities[0]} and rowid < ${span.identities[1]}),
      before as (
        select anonymous_id, arg_min(user_id, ts) as user_id from identities
        where shop_id = $shop and rowid < ${span.identities[0]} and anonymous_id in (select anonymous_id from linked) group by all),
      now as (
        select anonymous_id, arg_min(user_id, ts) as user_id from identities
        where shop_id = $shop and rowid < ${span.identities[1]} and anonymous_id in (select anonymous_id from linked) group by all),
      moved as (
        select coalesce(b.user_id, d.anonymous_id) as before, coalesce(n.user_id, d.anonymous_id) as now
        from linked d left join before b on b.anonymous_id = d.anonymous_id left join now n on n.anonymous_id = d.anonymous_id
        where coalesce(b.user_id, d.anonymous_id) <> coalesce(n.user_id, d.anonymous_id))
      select distinct person_id, day from (
        select coalesce(e.user_id, l.user_id, e.anonymous_id) as person_id, ${newDay} as day
        from events e left join ${shopLinks} l on l.anonymous_id = e.anonymous_id
        where e.shop_id = $shop and e.${rowsOf}
        union all
        select unnest([m.before, m.now]) as person_id, s.day from moved m join sessions s on s.shop_id = $shop and s.person_id = m.before)`, params);
    const [days] = await read<string | null>(`select min(day)::varchar as first, max(day)::varchar as last from session_touched`);
    if (days.first !== null) {
      const [first, last] = [startOfLocalDay(days.first!, tz).getTime(), startOfLocalDay(addDays(days.last!, 1), tz).getTime()];
      await conn.run(`delete from sessions s using session_touched t where s.shop_id = $shop and s.person_id = t.person_id and s.day = t.day`, params);
      await conn.run(`create or replace temp table session_links as ${shopLinks}`, params);
      await conn.run(`insert into sessions select * from ${sessionizeSql(`(
        select $shop as shop_id, x.* from (
          select ${eventColumns(localDaySql('e.ts', tz, first, last))}
          from events e left join session_links l on l.anonymous_id = e.anonymous_id
          where e.shop_id = $shop and e.ts >= '${new Date(first).toISOString()}'::timestamptz and e.ts < '${new Date(last).toISOString()}'::timestamptz
            and ${ofTouchedPersons('session_touched', 'session_links')}) x
        semi join session_touched t on t.person_id = x.person_id and t.day = x.day)`)}`, params);
      await conn.run('drop table session_links');
    }
    await conn.run('drop table session_touched');
  }

  /** The zones of the shops whose events or links wait to be rolled up. */
  private async zonesOfPending(): Promise<Map<string, string>> {
    const shops = await this.store.all<{ shop_id: string }>(`select distinct shop_id from events where rowid >= (select event_rows from rollup_marks where name = 'sessions')
      union select distinct shop_id from identities where rowid >= (select event_rows from rollup_marks where name = 'session_identities')`);
    const zones = new Map<string, string>();
    for (const { shop_id: shop } of shops) zones.set(shop, await this.timezoneOf(shop));
    return zones;
  }

  /** Erasure: the person's sessions take the anonymous id their events now carry. */
  async erasePerson(shopId: string, userId: string, anonymousId: string) {
    await this.store.write(async (conn) => {
      await conn.run(`update sessions set person_id = ? where shop_id = ? and person_id = ?`, [anonymousId, shopId, userId]);
    });
  }
}
