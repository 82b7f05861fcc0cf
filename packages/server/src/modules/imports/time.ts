/** Timestamps and dates as shops write them, to the contract's ISO forms. */
import { formatOffset, offsetMinutesAt, pad, zonedIso, type WallClock } from '../../platform/timezone';

/** The shop's zone when none is given. */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

const STRICT_ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const LOOSE_TIMESTAMP =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

interface ParsedTimestamp {
  wall: WallClock;
  /** Offset written in the text, in minutes; undefined when the text has none. */
  offset?: number;
}

function parseTimestamp(text: string): ParsedTimestamp | undefined {
  // 2026年11月11日 20:15 reads like 2026-11-11 20:15
  const match = LOOSE_TIMESTAMP.exec(text.trim().replace(/[年月]/g, '-').replace(/日\s*/, ' ').trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offsetText] = match;
  const wall: WallClock = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
  };
  if (!isRealWallClock(wall)) return undefined;
  return { wall, offset: offsetText === undefined ? undefined : parseOffset(offsetText) };
}

function isRealWallClock(wall: WallClock): boolean {
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day));
  return (
    date.getUTCMonth() === wall.month - 1 && date.getUTCDate() === wall.day &&
    wall.hour < 24 && wall.minute < 60 && wall.second < 60
  );
}

function parseOffset(text: string): number {
  if (text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return text.startsWith('-') ? -minutes : minutes;
}

/**
 * A timestamp without an offset is the shop's local time. Text the function cannot read is returned
 * as it is, so the schema rejects it with the contract's own message.
 */
export function toIsoTimestamp(text: string, timezone: string): string {
  const trimmed = text.trim();
  if (STRICT_ISO_WITH_OFFSET.test(trimmed)) return trimmed;
  const parsed = parseTimestamp(trimmed);
  if (!parsed) return text;
  if (parsed.offset === undefined) return zonedIso(parsed.wall, timezone);
  const { wall } = parsed;
  const millis = wall.millisecond ? `.${pad(wall.millisecond, 3)}` : '';
  return (
    `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}` +
    `${millis}${parsed.offset === 0 && /z$/i.test(trimmed) ? 'Z' : formatOffset(parsed.offset)}`
  );
}

/** A calendar date as YYYY-MM-DD; a timestamp with an offset counts as the shop-local day it falls on. */
export function toLocalDate(text: string, timezone: string): string {
  const trimmed = text.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(trimmed);
  const parsed = compact ? parseTimestamp(`${compact[1]}-${compact[2]}-${compact[3]}`) : parseTimestamp(trimmed);
  if (!parsed) return text;
  let { wall } = parsed;
  if (parsed.offset !== undefined) {
    const instant = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - parsed.offset * 60_000;
    const local = new Date(instant + offsetMinutesAt(instant, timezone) * 60_000);
    wall = { ...wall, year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
  }
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}
