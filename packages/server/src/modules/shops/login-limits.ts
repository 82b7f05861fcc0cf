import { sql } from 'kysely';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';

/** Failed logins counted over this window… */
const WINDOW_MS = 15 * 60_000;
/** …lock an account after this many (whoever tries), */
const PER_ACCOUNT = 5;
/** …and an address after this many (whatever accounts it tries). */
const PER_ADDRESS = 30;

/**
 * Limits password guessing: failed attempts are kept in Postgres, so every server process sees the
 * same counts. While a limit holds, even the right password is refused (429 with Retry-After).
 */
export class LoginLimits {
  constructor(private readonly db: Db) {}

  async check(email: string, address: string): Promise<void> {
    const since = new Date(Date.now() - WINDOW_MS);
    const rows = await this.db.selectFrom('login_failures')
      .select(['key', sql<number>`count(*)`.as('failures'), sql<Date>`min(failed_at)`.as('oldest')])
      .where('key', 'in', [accountKey(email), addressKey(address)]).where('failed_at', '>', since)
      .groupBy('key').execute();
    for (const row of rows) {
      const limit = row.key.startsWith('account:') ? PER_ACCOUNT : PER_ADDRESS;
      if (Number(row.failures) < limit) continue;
      const retryAfter = Math.max(1, Math.ceil((new Date(row.oldest).getTime() + WINDOW_MS - Date.now()) / 1000));
      throw new FlywheelError('rate_limited', `too many failed logins ${row.key.startsWith('account:') ? 'for this account' : 'from this address'}; try again in ${Math.ceil(retryAfter / 60)} min`, undefined, retryAfter);
    }
  }

  async failed(email: string, address: string): Promise<void> {
    const now = new Date();
    await this.db.insertInto('login_failures').values([{ key: accountKey(email), failed_at: now }, { key: addressKey(address), failed_at: now }]).execute();
    await this.db.deleteFrom('login_failures').where('failed_at', '<', new Date(now.getTime() - WINDOW_MS)).execute();
  }

  /** The holder got in: their account's count starts again (the address keeps its count). */
  async succeeded(email: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('key', '=', accountKey(email)).execute();
  }
}

const accountKey = (email: string) => `account:${email}`;
const addressKey = (address: string) => `address:${address}`;
