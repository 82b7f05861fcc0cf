import { z } from 'zod';

/**
 * The largest amount one record may carry: 10^12 minor units (¥100亿 in 分). Sums of a shop's records
 * then stay far below 2^53, where JavaScript numbers stop being exact.
 */
export const MAX_MINOR_UNITS = 1e12;

/** Money: an integer number of minor units (分 for CNY). Fractions of a minor unit are refused. */
export const minorUnits = z
  .number({ error: 'must be a number of minor units (e.g. 分)' })
  .max(MAX_MINOR_UNITS, { error: `is too large: at most ${MAX_MINOR_UNITS.toLocaleString('en')} minor units (e.g. 分) a record`, abort: true })
  .int({ error: 'must be an integer number of minor units (e.g. 分): fractions of a minor unit are refused' })
  .min(0, { error: 'must not be negative' });

/** Dates and times are accepted from 1970 to 2100: a year outside is a typo, and would stretch every period. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2100;
const yearInRange = (text: string) => {
  const year = Number(text.slice(0, 4));
  return year >= MIN_YEAR && year <= MAX_YEAR;
};
const YEARS = `between ${MIN_YEAR} and ${MAX_YEAR}`;

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as CNY' });

/** ISO 8601 timestamp that carries its offset (Z or +08:00): a timestamp without one is ambiguous. */
export const isoTimestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp with an offset, e.g. 2026-11-11T00:00:00+08:00' })
  .refine(yearInRange, { error: `must be a time ${YEARS}` });

export const localDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' }).refine(yearInRange, { error: `must be a date ${YEARS}` });

/** A person's birthday: people were born before 1970. */
export const birthDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' })
  .refine((text) => Number(text.slice(0, 4)) >= 1900 && Number(text.slice(0, 4)) <= MAX_YEAR, { error: `must be a date between 1900 and ${MAX_YEAR}` });

export const NUL_MESSAGE = 'must not contain a NUL character (\\u0000)';

/** The first path in `value` (a JSON value) whose string, or key, holds a NUL character, which no text column stores. */
export function nulPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return here;
    const found = nulPath(item, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

export const externalId = z.string().trim().min(1, { error: 'must not be empty' }).max(200);

export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBody>;

export const roles = ['owner', 'operator', 'analyst', 'viewer'] as const;
export type Role = (typeof roles)[number];

/** The answer of a delete: how many rows went (a target takes what was decomposed from it along). */
export const deletedResult = z.object({ deleted: z.number().int() });
/** The answer of an upsert: how many rows were written. */
export const upsertedResult = z.object({ upserted: z.number().int() });
