import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../app';
import { startFlywheel } from '../testing/harness';
import { PostgresCounters, RedisCounters, type HotCounters } from './counters';

/** Redis runs beside Postgres on the project's machines and in CI; a bare machine has none, and says so. */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(redisUrl);
  const socket = net.connect(Number(port || 6379), hostname, () => { socket.end(); resolve(true); });
  socket.once('error', () => resolve(false));
  socket.setTimeout(500, () => { socket.destroy(); resolve(false); });
});
if (!redisUp) console.warn(`counters.test: no Redis at ${redisUrl}; the Redis counters are not tested on this machine`);

describe.each([
  ['Postgres', (fw: Flywheel) => new PostgresCounters(fw.db), true],
  ['Redis', (fw: Flywheel) => new RedisCounters(fw.db, redisUrl, `flywheel-test:${Math.random().toString(36).slice(2)}:`), redisUp],
] as const)('hot counters on %s', (_, make, available) => {
  let fw: Flywheel;
  let counters: HotCounters;
  const run = Math.random().toString(36).slice(2, 8);
  beforeAll(async () => {
    fw = await startFlywheel();
    counters = make(fw);
    await sql`create table if not exists counter_reservations (counter text, who text)`.execute(fw.db);
  });
  afterAll(async () => {
    if (counters instanceof RedisCounters) await counters.close();
    await fw.close();
  });
  const reservations = async (name: string) => Number((await sql<{ n: number }>`select count(*)::int as n from counter_reservations where counter = ${name}`.execute(fw.db)).rows[0].n);

  it.runIf(available)('never sells more than the stock to concurrent takers, and records each unit taken exactly once', async () => {
    const name = `${run}:flash`;
    await counters.set(name, 10);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => counters.withTaken(name, 1, async (trx) => {
      await sql`insert into counter_reservations values (${name}, ${`c${i}`})`.execute(trx);
      return `reserved c${i}`;
    })));
    expect(answers.filter((a) => a !== null)).toHaveLength(10);
    expect(await counters.remaining(name)).toBe(0);
    expect(await reservations(name)).toBe(10);
  });

  it.runIf(available)('gives the unit back when the work fails, takes nothing when too few remain, and none from a counter that does not exist', async () => {
    const name = `${run}:coupons`;
    await counters.set(name, 3);
    await expect(counters.withTaken(name, 2, async () => { throw new Error('the order was refused'); })).rejects.toThrow('the order was refused');
    expect(await counters.remaining(name)).toBe(3);
    expect(await counters.withTaken(name, 4, async () => 'too many')).toBeNull();
    expect(await counters.withTaken(name, 3, async () => 'all of them')).toBe('all of them');
    await counters.give(name, 1);
    expect(await counters.remaining(name)).toBe(1);
    expect(await counters.withTaken(`${run}:none`, 1, async () => 'nothing')).toBeNull();
    expect(await counters.remaining(`${run}:none`)).toBeNull();
  });
});
