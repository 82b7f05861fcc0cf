/**
 * Time of day: when Chinese shoppers are online, and ISO timestamps in the shop's time zone.
 * Times inside the simulation are (day number, seconds after local midnight); strings are made
 * only for the records, from a table of the 86,400 clock times (millions of events a run).
 */
import { fromDayNumber } from './calendar';
import { Rng, WeightedTable } from './random';

/** Sessions by hour: a lunch-break bump and the evening peak at 21:00 (睡前刷手机). */
const hourWeights = [2.5, 1.2, 0.6, 0.3, 0.25, 0.3, 0.8, 2.0, 3.2, 4.0, 4.8, 4.8, 5.2, 4.8, 4.5, 4.5, 4.5, 4.3, 4.5, 5.5, 7.0, 8.0, 7.0, 4.5];
const ordinaryHours = new WeightedTable(hourWeights);
/** 0 点开抢: on 06-18 and 11-11 a third of the day's traffic lands in the first two hours. */
const rushHours = new WeightedTable(hourWeights.map((w, h) => (h === 0 ? w + 30 : h === 1 ? w + 12 : w)));

export function drawSecondOfDay(rng: Rng, midnightRush: boolean): number {
  const hour = (midnightRush ? rushHours : ordinaryHours).draw(rng);
  return hour * 3600 + rng.int(3600);
}

export const SECONDS_PER_DAY = 86_400;

let clockTimes: string[] | null = null;
function clockTime(second: number): string {
  if (!clockTimes) {
    clockTimes = new Array<string>(SECONDS_PER_DAY);
    const two = (n: number) => (n < 10 ? `0${n}` : String(n));
    for (let s = 0; s < SECONDS_PER_DAY; s++) clockTimes[s] = `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  }
  return clockTimes[second];
}

/** Formats instants as ISO 8601 with the shop's UTC offset (+08:00 for Asia/Shanghai). */
export class ShopClock {
  private readonly offsets = new Map<number, string>();
  private readonly dates = new Map<number, string>();
  private readonly formatter: Intl.DateTimeFormat | null;

  constructor(readonly timeZone: string) {
    // Asia/Shanghai has had no daylight saving since 1991: skip Intl for the common case.
    this.formatter = timeZone === 'Asia/Shanghai' ? null : new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  }

  date(day: number): string {
    let date = this.dates.get(day);
    if (date === undefined) {
      date = fromDayNumber(day);
      this.dates.set(day, date);
    }
    return date;
  }

  /**
   * The offset in force at local noon of the day. Days of a daylight-saving switch get one offset
   * for the whole day: an hour off around the switch, which a demo can live with.
   */
  offset(day: number): string {
    let offset = this.offsets.get(day);
    if (offset === undefined) {
      offset = this.formatter ? offsetOf(this.formatter, new Date(day * 86_400_000 + 12 * 3_600_000)) : '+08:00';
      this.offsets.set(day, offset);
    }
    return offset;
  }

  /**
   * A fast formatter for many times of one day (0 <= second < 86400). With `shareStrings` (days of
   * a big shop, several calls a second) calls in the same second share one string.
   */
  dayStamper(day: number, shareStrings: boolean): (second: number) => string {
    const prefix = `${this.date(day)}T`;
    const offset = this.offset(day);
    if (!shareStrings) return (second) => prefix + clockTime(second) + offset;
    const made = new Array<string | undefined>(SECONDS_PER_DAY);
    return (second) => (made[second] ??= prefix + clockTime(second) + offset);
  }

  /** `second` may run past midnight (payment, shipping days later): it carries into the day. */
  timestamp(day: number, second: number): string {
    const carry = Math.floor(second / SECONDS_PER_DAY);
    const d = day + carry;
    return `${this.date(d)}T${clockTime(second - carry * SECONDS_PER_DAY)}${this.offset(d)}`;
  }
}

function offsetOf(formatter: Intl.DateTimeFormat, instant: Date): string {
  const name = formatter.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
  return match ? `${match[1]}:${match[2] ?? '00'}` : '+00:00';
}
