import { z } from 'zod';

/** Money: an integer number of minor units (分 for CNY). Fractions of a minor unit are refused. */
export const minorUnits = z
  .number({ error: 'must be a number of minor units (e.g. 分)' })
  .int({ error: 'must be an integer number of minor units (e.g. 分): fractions of a minor unit are refused' })
  .min(0, { error: 'must not be negative' })
  .max(Number.MAX_SAFE_INTEGER);

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as CNY' });

/** ISO 8601 timestamp that carries its offset (Z or +08:00): a timestamp without one is ambiguous. */
export const isoTimestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp with an offset, e.g. 2026-11-11T00:00:00+08:00' });

export const localDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

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
