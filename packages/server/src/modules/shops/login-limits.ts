import { sql } from 'kysely';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { newId } from '../../platform/ids';

/** Failed logins counted over this window… */
const WINDOW_MS = 15 * 60_000;
/** …lock an account after this many (whoever tries), */
const PER_ACCOUNT = 5;
/** …and an address after this many (whatever accounts it tries). */
const PER_ADDRESS = 30;

/** One password check under way: settle it with `LoginLimits.succeeded` or leave it counted as a failure. */
export interface Attempt { id: string; email: string }

/**
 * Limits password guessing: attempts are kept in Postgres, so every server process sees the same
 * counts. An attempt is counted *before* the password is checked and uncounted when it succeeds; the
 * count and the insert happen under an advisory lock per account and per address, so forty guesses
 * sent at once are limited exactly like forty in a row (the first five are counted, the rest refused
 * and not kept). While a limit holds, even the right password is refused (429 with Retry-After).
 */
export class LoginLimits {
  constructor(private readonly db: Db) {}

  /** Counts an attempt for the account and the address; throws `rate_limited` past either limit. */
  async begin(email: string, address: string): Promise<Attempt> {
    const now = new Date();
    const since = new Date(now.getTime() - WINDOW_MS);
    const attempt = { id: newId('la', 16), email };
    const keys = [accountKey(email), addressKey(address)].sort();
    await this.db.transaction().execute(async (trx) => {
      for (const key of keys) await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
      const rows = await trx.selectFrom('login_failures')
        .select(['key', sql<number>`count(*)`.as('attempts'), sql<Date>`min(failed_at)`.as('oldest')])
        .where('key', 'in', keys).where('failed_at', '>', since)
        .groupBy('key').execute();
      for (const row of rows) {
        const limit = row.key.startsWith('account:') ? PER_ACCOUNT : PER_ADDRESS;
        if (Number(row.attempts) < limit) continue;
        // Refused attempts are not kept: the lock ends a window after the failures that caused it.
        const retryAfter = Math.max(1, Math.ceil((new Date(row.oldest).getTime() + WINDOW_MS - Date.now()) / 1000));
        throw new FlywheelError('rate_limited', `too many failed logins ${row.key.startsWith('account:') ? 'for this account' : 'from this address'}; try again in ${Math.ceil(retryAfter / 60)} min`, undefined, retryAfter);
      }
      await trx.insertInto('login_failures').values(keys.map((key) => ({ key, failed_at: now, attempt: attempt.id }))).execute();
    });
    await this.db.deleteFrom('login_failures').where('failed_at', '<', since).execute();
    return attempt;
  }

  /** The holder got in: this attempt is not a failure, and their account's count starts again (the address keeps its count). */
  async succeeded(attempt: Attempt): Promise<void> {
    await this.db.deleteFrom('login_failures').where((eb) => eb.or([eb('attempt', '=', attempt.id), eb('key', '=', accountKey(attempt.email))])).execute();
  }
}

const accountKey = (email: string) => `account:${email}`;
const addressKey = (address: string) => `address:${address}`;
