import { Redis } from 'ioredis';
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
 * is one conditional step (`remaining >= n`), so two callers can never both take the last unit,
 * whichever process they run in. `withTaken` is the one way to use a unit: it takes it and runs the
 * caller's Postgres work (the reservation that records it); when the work fails, the unit is back.
 */
export interface HotCounters {
  /** Sets a counter (creating it): the stock a flash sale starts with. */
  set(name: string, remaining: number): Promise<void>;
  /** Takes `n` and runs `work` in a transaction; null (nothing taken, nothing run) when fewer than `n` remain or the counter does not exist. */
  withTaken<T>(name: string, n: number, work: (trx: Trx) => Promise<T>): Promise<T | null>;
  /**
   * Gives `n` back (an expired reservation, a cancelled order), once the change that frees them has
   * committed: a unit given back early could be sold twice if that change rolled back.
   */
  give(name: string, n: number): Promise<void>;
  remaining(name: string): Promise<number | null>;
}

/** Counters as rows of Postgres: the take and the work commit together. */
export class PostgresCounters implements HotCounters {
  constructor(private readonly db: Db) {}

  async set(name: string, remaining: number) {
    await this.db.insertInto('hot_counters').values({ name, remaining })
      .onConflict((oc) => oc.column('name').doUpdateSet({ remaining, updated_at: new Date().toISOString() })).execute();
  }

  async withTaken<T>(name: string, n: number, work: (trx: Trx) => Promise<T>): Promise<T | null> {
    return this.db.transaction().execute(async (trx) => {
      const r = await sql`update hot_counters set remaining = remaining - ${n}, updated_at = now() where name = ${name} and remaining >= ${n}`.execute(trx);
      if (Number(r.numAffectedRows ?? 0) !== 1) return null;
      return work(trx);
    });
  }

  async give(name: string, n: number) {
    await sql`update hot_counters set remaining = remaining + ${n}, updated_at = now() where name = ${name}`.execute(this.db);
  }

  async remaining(name: string): Promise<number | null> {
    const row = await this.db.selectFrom('hot_counters').select(['remaining']).where('name', '=', name).executeTakeFirst();
    return row ? Number(row.remaining) : null;
  }
}

/** DECRBY only when enough remain: -1 when the counter does not exist, -2 when too few remain. */
const TAKE = `local v = redis.call('GET', KEYS[1])
if not v then return -1 end
if tonumber(v) < tonumber(ARGV[1]) then return -2 end
return redis.call('DECRBY', KEYS[1], ARGV[1])`;

/**
 * The same counters in Redis (REDIS_URL): the take is a Lua script, atomic in Redis, so a sold-out
 * 秒杀 answers without touching Postgres; the work still commits in Postgres, and a unit whose work
 * fails is given back. A process killed between the take and the commit leaves the unit taken (never
 * an oversell); the owner of the counter rebuilds it from its Postgres ledger with `set`.
 */
export class RedisCounters implements HotCounters {
  private readonly redis: Redis;

  constructor(private readonly db: Db, url: string, private readonly prefix = 'flywheel:counter:') {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.redis.defineCommand('flywheelTake', { numberOfKeys: 1, lua: TAKE });
  }

  async set(name: string, remaining: number) {
    await this.redis.set(this.prefix + name, String(remaining));
  }

  async withTaken<T>(name: string, n: number, work: (trx: Trx) => Promise<T>): Promise<T | null> {
    const left = Number(await (this.redis as unknown as { flywheelTake(key: string, n: number): Promise<number> }).flywheelTake(this.prefix + name, n));
    if (left < 0) return null;
    try {
      return await this.db.transaction().execute(work);
    } catch (error) {
      await this.redis.incrby(this.prefix + name, n);
      throw error;
    }
  }

  async give(name: string, n: number) {
    await this.redis.incrby(this.prefix + name, n);
  }

  async remaining(name: string): Promise<number | null> {
    const v = await this.redis.get(this.prefix + name);
    return v === null ? null : Number(v);
  }

  async close() {
    await this.redis.quit();
  }
}
