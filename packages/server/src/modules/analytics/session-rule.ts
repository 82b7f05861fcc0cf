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
 *   none), then by channel and campaign, so that ties too are cut the same way in any arrival order.
 */
export const SESSION_GAP_MS = 30 * 60_000;

/** The order the rule walks a person's day in, as SQL: time, then touches first, then channel and campaign. */
const ORDER = `order by ts, channel = 'direct', channel, campaign`;
const WINDOW = `partition by shop_id, person_id, day ${ORDER}`;

/**
 * Each event of `events` (a relation with shop_id, person_id, day (local date), ts, channel, campaign,
 * page, carted) with `starts` (it begins a session) and `n` (its session's number within the person's
 * day). Three window passes: the gap to the previous event and the last touch before it; where the
 * current visit (the run without a 30-minute gap) began; then the sessions counted. A touch starts a
 * session unless the last touch of the same visit named the same channel.
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
    select *, sum(starts::integer) over (w rows between unbounded preceding and current row) as n from starts window w as (${WINDOW}))`;
}

/**
 * The sessions of `events` (see `numberedEventsSql`): per session its person, local day, first and
 * last event time, events, page views, whether it added to cart, channel and campaign (those of its
 * first event).
 */
export function sessionizeSql(events: string): string {
  return `(select shop_id, person_id, day, min(ts) as started_at, max(ts) as ended_at, count(*)::integer as events, count_if(page)::integer as pages,
      bool_or(carted) as carted, any_value(channel) filter (where starts) as channel, any_value(campaign) filter (where starts) as campaign
    from ${numberedEventsSql(events)} group by shop_id, person_id, day, n)`;
}

/**
 * The walk order of channels at one instant, as `ORDER` takes them: touches by name, then direct. Index
 * by channel code (0: none, read as direct; else 1 + the channel's index in `channels`).
 */
export const channelRanks: Uint8Array = (() => {
  const byName = [...channels].sort((a, b) => (a === 'direct' ? 1 : b === 'direct' ? -1 : a < b ? -1 : a > b ? 1 : 0));
  const ranks = new Uint8Array(channels.length + 1);
  ranks[0] = byName.indexOf('direct');
  channels.forEach((c, i) => { ranks[i + 1] = byName.indexOf(c); });
  return ranks;
})();

/** The channel code of a channel (see `channelRanks`). */
export const channelCode = (channel: Channel): number => 1 + channels.indexOf(channel);
const DIRECT = channelCode('direct');

/**
 * The rule over one person's events given in walk order (time, then `channelRanks`): `next` takes an
 * event and answers the code of the session's channel it belongs to. Local days come from the zone's
 * offset, looked up once an hour of time.
 */
export class SessionCut {
  private last = -Infinity;
  private day = NaN;
  private sessionChannel = DIRECT;
  private offsetHour = NaN;
  private offsetMs = 0;

  constructor(private readonly timezone: string) {}

  /** Starts another person. */
  reset() {
    this.last = -Infinity;
    this.day = NaN;
  }

  /** `code`: the event's own channel code (0 or direct: it names none). */
  next(ms: number, code: number): number {
    const hour = Math.floor(ms / 3600_000);
    if (hour !== this.offsetHour) {
      this.offsetHour = hour;
      this.offsetMs = offsetMinutesAt(ms, this.timezone) * 60_000;
    }
    const day = Math.floor((ms + this.offsetMs) / 86_400_000);
    const own = code === 0 ? DIRECT : code;
    if (ms - this.last > SESSION_GAP_MS || day !== this.day || (own !== DIRECT && own !== this.sessionChannel)) this.sessionChannel = own;
    this.last = ms;
    this.day = day;
    return this.sessionChannel;
  }
}
