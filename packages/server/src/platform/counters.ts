import { sql } from 'kysely';
import type { Db, Migration } from './db';
import type { Trx } from './jobs';

export const counterMigrations: Migration[] = [
  {
    id: 'platform/005_counters',
    statements: [`create table hot_counters (name text primary key, remaining bigint not null, updated_at timestamptz not null default now())`],
  },
];

/**
 * Hot counters: a 秒杀's stock, a coupon template's remaining count, a budget, a frequency cap. Taking
 * is one conditional update (`remaining >= n`), so two callers can never both take the last unit,
 * whichever process they run in. Inside the caller's transaction when given, so a unit is taken exactly
 * when the reservation that records it commits.
 */
export class HotCounters {
  constructor(private readonly db: Db) {}

  /** Sets a counter (creating it): the stock a flash sale starts with. */
  async set(name: string, remaining: number, trx: Trx | Db = this.db) {
    await trx.insertInto('hot_counters').values({ name, remaining })
      .onConflict((oc) => oc.column('name').doUpdateSet({ remaining, updated_at: new Date().toISOString() })).execute();
  }

  /** Takes `n` if at least `n` remain; false (and nothing taken) otherwise, or when the counter does not exist. */
  async take(name: string, n: number, trx: Trx | Db = this.db): Promise<boolean> {
    const r = await sql`update hot_counters set remaining = remaining - ${n}, updated_at = now() where name = ${name} and remaining >= ${n}`.execute(trx);
    return Number(r.numAffectedRows ?? 0) === 1;
  }

  /** Gives `n` back (an expired reservation, a cancelled order). */
  async give(name: string, n: number, trx: Trx | Db = this.db) {
    await sql`update hot_counters set remaining = remaining + ${n}, updated_at = now() where name = ${name}`.execute(trx);
  }

  async remaining(name: string): Promise<number | null> {
    const row = await this.db.selectFrom('hot_counters').select(['remaining']).where('name', '=', name).executeTakeFirst();
    return row ? Number(row.remaining) : null;
  }
}
