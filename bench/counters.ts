/**
 * Hot counters benchmark: a 秒杀 of STOCK units taken one by one by CONCURRENCY concurrent buyers, each
 * take recording its reservation in Postgres (the real pattern), through
 *   1. PostgresCounters (conditional UPDATE + the reservation in one transaction),
 *   2. RedisCounters (a Lua take, then the reservation in Postgres),
 *   3. the baseline: the reservation INSERTs alone, with no counter at all.
 * Then the sold-out path: ATTEMPTS takes after the stock is gone (the answer a flash sale gives most).
 * Usage: npx tsx bench/counters.ts [stock=5000] [concurrency=50] [attempts=20000]   (DATABASE_URL, REDIS_URL as for serve)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openFlywheel } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/platform/config';
import { PostgresCounters, RedisCounters, type HotCounters } from '../packages/server/src/platform/counters';

const STOCK = Number(process.argv[2] ?? 5000);
const CONCURRENCY = Number(process.argv[3] ?? 50);
const ATTEMPTS = Number(process.argv[4] ?? 20_000);
const fw = await openFlywheel(loadConfig({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-bench-counters-')), logLevel: 'silent' }));
await sql`create table if not exists bench_reservations (counter text, who text)`.execute(fw.db);

async function inParallel(n: number, work: (i: number) => Promise<unknown>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next < n) await work(next++); }));
  return performance.now() - started;
}
const perSecond = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`;

const baseline = await inParallel(STOCK, (i) => sql`insert into bench_reservations values ('baseline', ${`c${i}`})`.execute(fw.db));
console.log(`baseline: ${STOCK} reservation inserts, ${CONCURRENCY} at a time: ${baseline.toFixed(0)} ms (${perSecond(STOCK, baseline)})`);

const redisUrl = fw.config.redisUrl ?? 'redis://127.0.0.1:6379';
const candidates: [string, HotCounters][] = [['postgres', new PostgresCounters(fw.db)], ['redis', new RedisCounters(fw.db, redisUrl, `flywheel-bench:${Date.now()}:`)]];
for (const [name, counters] of candidates) {
  try {
    await counters.set(name, STOCK);
  } catch (error) {
    console.log(`${name}: unavailable (${(error as Error).message})`);
    continue;
  }
  let sold = 0;
  const selling = await inParallel(STOCK + CONCURRENCY, (i) => counters.withTaken(name, 1, async (trx) => {
    await sql`insert into bench_reservations values (${name}, ${`c${i}`})`.execute(trx);
    sold++;
  }));
  const soldOut = await inParallel(ATTEMPTS, () => counters.withTaken(name, 1, async () => undefined));
  const rows = Number((await sql<{ n: number }>`select count(*)::int as n from bench_reservations where counter = ${name}`.execute(fw.db)).rows[0].n);
  console.log(`${name}: sold ${sold}/${STOCK} (${rows} reservations, ${await counters.remaining(name)} left) in ${selling.toFixed(0)} ms (${perSecond(STOCK, selling)}, ${(selling / baseline).toFixed(2)}x the baseline); ${ATTEMPTS} sold-out answers in ${soldOut.toFixed(0)} ms (${perSecond(ATTEMPTS, soldOut)})`);
  if (counters instanceof RedisCounters) await counters.close();
}
await fw.close();
