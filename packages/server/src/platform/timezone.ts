/** Time zones without a library: Intl gives the offset of any IANA zone at any instant. */

// Calendar arithmetic on local dates is the one of contracts' periods.ts, shared with the console.
export { addDays, addMonths, daysBetween } from '@flywheel/contracts';

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(timezone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneFormats.set(timezone, format);
  }
  return format;
}

/** Minutes the zone is ahead of UTC at an instant (480 for Asia/Shanghai). */
export function offsetMinutesAt(instant: number, timezone: string): number {
  const parts: Record<string, number> = {};
  for (const part of zoneFormat(timezone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/**
 * The instant a wall-clock time in the zone denotes. Around a DST switch a wall time can be ambiguous
 * (taken as its first occurrence) or skipped (read with the offset before the switch, which moves it
 * forward by the gap, as a clock would).
 */
export function instantOf(wall: WallClock, timezone: string): number {
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
  const day = 86_400_000;
  const offsetBefore = offsetMinutesAt(wallAsUtc - day, timezone);
  const offsetAfter = offsetMinutesAt(wallAsUtc + day, timezone);
  const candidates = [offsetBefore, offsetAfter]
    .map((offset) => ({ offset, instant: wallAsUtc - offset * 60_000 }))
    .filter(({ offset, instant }) => offsetMinutesAt(instant, timezone) === offset)
    .map(({ instant }) => instant);
  return candidates.length > 0 ? Math.min(...candidates) : wallAsUtc - offsetBefore * 60_000;
}

export const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO 8601 in the zone's local time with the offset valid at that moment, e.g. 2026-11-11T20:15:00+08:00. */
export function zonedIso(wall: WallClock, timezone: string): string {
  const instant = instantOf(wall, timezone);
  const offset = offsetMinutesAt(instant, timezone);
  const local = new Date(instant + offset * 60_000);
  const millis = local.getUTCMilliseconds() ? `.${pad(local.getUTCMilliseconds(), 3)}` : '';
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${millis}${formatOffset(offset)}`
  );
}

/** The instant local midnight starts `date` (YYYY-MM-DD) in the zone. */
export function startOfLocalDay(date: string, timezone: string): Date {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(instantOf({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 }, timezone));
}

/** The local calendar date (YYYY-MM-DD) of an instant in the zone. */
export function localDateOf(instant: Date | number, timezone: string): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const local = new Date(ms + offsetMinutesAt(ms, timezone) * 60_000);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
}

