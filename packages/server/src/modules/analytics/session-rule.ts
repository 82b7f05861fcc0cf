import { channels, type Channel } from '@flywheel/contracts';
import { offsetMinutesAt } from '../../platform/timezone';

/**
 * The sessions of PRODUCT.md, written once for DuckDB (`numberedEventsSql`, `sessionizeSql`) and once
 * for events held in memory (`SessionCut`, used by funnels). Sessions are a function of the events'
 * timestamps alone, whatever order they arrive in:
 *
 * - a visitor is the person after identity stitching (the customer once known, else the device);
 * - each person's events of one local day are taken in time order; a new session starts after more
 *   than 30 minutes without events, at local midnight, and (the extension of PRODUCT.md) at an event
 *   that names a channel of its own (a campaign tag or an outside referrer) other than the channel of
 *   the session it would continue: another campaign or referrer brings the visitor back. A session's
 *   channel is the one of its first event (`direct` when that names none);
 * - events at the same instant are taken touches first (an event naming a channel before one naming
 *   none), then by channel, so that ties too are cut the same way in any arrival order.
 */
export const SESSION_GAP_MS = 30 * 60_000;

/** The channels in the order the rule takes them at one instant: touches by name, then direct. */
const WALK_ORDER = [...channels].sort((a, b) => (a === 'direct' ? 1 : b === 'direct' ? -1 : a < b ? -1 : a > b ? 1 : 0));

/**
 * An event's place in its person's walk as one number (one integer compares faster than the columns
 * it stands for): its time in microseconds, then its channel's place in `WALK_ORDER`. Events alike in
 * both are further ordered by their row (`event_row`) so that the three window passes see one order;
 * such events always fall in one session, so which of them comes first changes nothing (the campaign
 * of a session is the least of those its first instant names, see `sessionizeSql`).
 */
export const walkKeySql = (ts: string, channel: string) =>
  `(epoch_us(${ts}) * 32 + coalesce(list_position([${WALK_ORDER.map((c) => `'${c}'`).join(', ')}], ${channel}), 31))`;

const WINDOW = `partition by shop_id, person_id, day order by walk_key, event_row`;

/**
 * Each event of `events` (a relation with shop_id, person_id, day (its local date), ts, channel,
 * campaign, page, carted, event_row (unique) and walk_key (`walkKeySql`)) with `starts` (it begins a
 * session), `n` (its session's number within the person's day) and `first_key` (the walk key of its
 * session's first event). Three window passes: the gap to the previous event and the last touch before
 * it; where the current visit (the run without a 30-minute gap) began; then the sessions counted. A
 * touch starts a session unless the last touch of the same visit named the same channel.
 */
export function numberedEventsSql(events: string): string {
  return `(with gaps as (
      select *, epoch_ms(ts) - epoch_ms(lag(ts) over w) as gap_ms,
        last_value(case when channel <> 'direct' then {'ts': ts, 'channel': channel} end ignore nulls) over (w rows between unbounded preceding and 1 preceding) as touch
      from ${events} window w as (${WINDOW})),
    visits as (
      select *, gap_ms is null or gap_ms > ${SESSION_GAP_MS} as new_visit,
        max(case when gap_ms is null or gap_ms > ${SESSION_GAP_MS} then ts end) over (w rows between unbounded preceding and current row) as visit_start
      from gaps window w as (${WINDOW})),
    starts as (
      select * exclude (gap_ms, touch, new_visit, visit_start),
        new_visit or (channel <> 'direct' and (touch is null or touch.ts < visit_start or touch.channel <> channel)) as starts
      from visits)
    select *, sum(starts::integer) over (w rows between unbounded preceding and current row) as n,
      max(case when starts then walk_key end) over (w rows between unbounded preceding and current row) as first_key
    from starts window w as (${WINDOW}))`;
}

/**
 * The sessions of `events` (see `numberedEventsSql`): per session its person, local day, first and
 * last event time, events, page views, whether it added to cart, channel (its first event's) and
 * campaign (the least one the events of its first instant and channel name).
 */
export function sessionizeSql(events: string): string {
  return `(select shop_id, person_id, day, min(ts) as started_at, max(ts) as ended_at, count(*)::integer as events, count_if(page)::integer as pages,
      bool_or(carted) as carted, any_value(channel) filter (where starts) as channel, min(campaign) filter (where walk_key = first_key) as campaign
    from ${numberedEventsSql(events)} group by shop_id, person_id, day, n)`;
}

/**
 * The local date of `ts` in zone `tz` for events between `fromMs` and `toMs`: plain arithmetic when
 * the zone keeps one offset over that time (DuckDB's time zone conversion costs most of a roll-up
 * otherwise), else DuckDB's conversion.
 */
export function localDaySql(ts: string, tz: string, fromMs: number, toMs: number): string {
  const offset = fixedOffsetMinutes(tz, fromMs, toMs);
  return offset === null
    ? `timezone('${tz.replace(/'/g, "''")}', ${ts})::date`
    : `(date '1970-01-01' + ((epoch_ms(${ts}) + ${offset * 60_000}) // 86400000)::integer)`;
}

const offsetsByDay = new Map<string, number>();

/** The zone's offset if it is the same at every instant in [fromMs, toMs] (offsets change at most twice a year: checked twice a day), else null. */
export function fixedOffsetMinutes(tz: string, fromMs: number, toMs: number): number | null {
  const at = (ms: number) => {
    const key = `${tz}|${Math.floor(ms / 43_200_000)}`;
    let offset = offsetsByDay.get(key);
    if (offset === undefined) {
      if (offsetsByDay.size > 1_000_000) offsetsByDay.clear();
      offsetsByDay.set(key, (offset = offsetMinutesAt(Math.floor(ms / 43_200_000) * 43_200_000, tz)));
    }
    return offset;
  };
  if (!(toMs >= fromMs) || toMs - fromMs > 200 * 365 * 86_400_000) return null;
  const first = offsetMinutesAt(fromMs, tz);
  if (offsetMinutesAt(toMs, tz) !== first) return null;
  for (let ms = fromMs; ms < toMs; ms += 43_200_000) if (at(ms) !== first) return null;
  return first;
}

/**
 * Each channel's place in `WALK_ORDER`, indexed by channel code (0: none, read as direct; else 1 + the
 * channel's index in `channels`).
 */
export const channelRanks: Uint8Array = (() => {
  const ranks = new Uint8Array(channels.length + 1);
  ranks[0] = WALK_ORDER.indexOf('direct');
  channels.forEach((c, i) => { ranks[i + 1] = WALK_ORDER.indexOf(c); });
  return ranks;
})();

/** The channel code of a channel (see `channelRanks`). */
export const channelCode = (channel: Channel): number => 1 + channels.indexOf(channel);
const DIRECT = channelCode('direct');

/**
 * The rule over one person's events given in walk order (time, then `channelRanks`): `next` takes an
 * event and answers the code of the session's channel it belongs to. Local days come from the zone's
 * offset: one number when it keeps one between `fromMs` and `toMs` (the events' span), else looked up
 * per quarter hour of time and remembered.
 */
export class SessionCut {
  private last = -Infinity;
  private day = NaN;
  private sessionChannel = DIRECT;
  private offsetQuarter = NaN;
  private offsetMs = 0;
  private readonly fixed: boolean;
  private readonly quarterOffsets = new Map<number, number>();

  constructor(private readonly timezone: string, fromMs: number, toMs: number) {
    const fixed = fixedOffsetMinutes(timezone, fromMs, toMs);
    this.fixed = fixed !== null;
    this.offsetMs = (fixed ?? 0) * 60_000;
  }

  /** Starts another person. */
  reset() {
    this.last = -Infinity;
    this.day = NaN;
  }

  /** `code`: the event's own channel code (0 or direct: it names none). */
  next(ms: number, code: number): number {
    // Offsets change on a quarter hour (every zone's, today).
    const quarter = Math.floor(ms / 900_000);
    if (!this.fixed && quarter !== this.offsetQuarter) {
      this.offsetQuarter = quarter;
      let offset = this.quarterOffsets.get(quarter);
      if (offset === undefined) this.quarterOffsets.set(quarter, (offset = offsetMinutesAt(quarter * 900_000, this.timezone) * 60_000));
      this.offsetMs = offset;
    }
    const day = Math.floor((ms + this.offsetMs) / 86_400_000);
    const own = code === 0 ? DIRECT : code;
    if (ms - this.last > SESSION_GAP_MS || day !== this.day || (own !== DIRECT && own !== this.sessionChannel)) this.sessionChannel = own;
    this.last = ms;
    this.day = day;
    return this.sessionChannel;
  }
}
