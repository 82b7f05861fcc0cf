import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../app';
import { startFlywheel } from '../testing/harness';
import { Jobs, retryDelayMs, type Trx } from './jobs';

const log = pino({ level: 'silent' });
/** Queues of this run: a database shared with other runs (PostgreSQL) holds theirs too. */
const run = Math.random().toString(36).slice(2, 8);
const q = (name: string) => `${run}:${name}`;
const later = (ms: number) => new Date(Date.now() + ms);

describe('durable jobs', () => {
  let fw: Flywheel;
  beforeAll(async () => {
    fw = await startFlywheel();
    await sql`create table if not exists job_effects (queue text, key text, attempt int)`.execute(fw.db);
  });
  afterAll(async () => { await fw.close(); });

  const effects = async (queue: string) => (await sql<{ key: string; attempt: number }>`select key, attempt from job_effects where queue = ${queue} order by key`.execute(fw.db)).rows;
  const record = (queue: string, key: string, attempt: number) => async (trx: Trx) => { await sql`insert into job_effects values (${queue}, ${key}, ${attempt})`.execute(trx); };

  it('runs a job once however often it is enqueued, and a timer only when it is due', async () => {
    const jobs = new Jobs(fw.db, log);
    jobs.handle<{ n: number }>(q('once'), async (job) => record(q('once'), job.key, job.attempt));
    await jobs.enqueue([{ queue: q('once'), key: 'order-1', payload: { n: 1 } }, { queue: q('once'), key: 'order-1', payload: { n: 2 } }]);
    await jobs.enqueue([{ queue: q('once'), key: 'order-1', payload: { n: 3 } }]);
    await jobs.enqueue([{ queue: q('once'), key: 'release-in-7-days', payload: { n: 4 }, runAt: later(7 * 86_400_000) }]);
    expect(await jobs.work()).toBe(1);
    expect(await jobs.work()).toBe(0);
    expect(await effects(q('once'))).toEqual([{ key: 'order-1', attempt: 1 }]);
    expect((await jobs.nextDue())!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(await jobs.work(later(7 * 86_400_000 + 1000))).toBe(1);
    expect((await effects(q('once'))).map((e) => e.key)).toEqual(['order-1', 'release-in-7-days']);
  });

  it('retries a failing job with growing waits, and gives up after its attempts, keeping the reason', async () => {
    const jobs = new Jobs(fw.db, log);
    let calls = 0;
    jobs.handle(q('flaky'), async (job) => {
      calls++;
      if (job.key === 'never' || job.attempt < 3) throw new Error(`receiver answered 503 (attempt ${job.attempt})`);
      return record(q('flaky'), job.key, job.attempt);
    });
    await jobs.enqueue([{ queue: q('flaky'), key: 'third-time', payload: {} }, { queue: q('flaky'), key: 'never', payload: {}, maxAttempts: 2 }]);
    expect(await jobs.work()).toBe(2); // both fail once
    expect(await jobs.work()).toBe(0); // nothing is due before its backoff
    expect(retryDelayMs(1)).toBeLessThan(retryDelayMs(2));
    await jobs.work(later(retryDelayMs(1) + 1000)); // second attempts: "never" gives up
    await jobs.work(later(retryDelayMs(2) + 1000)); // third attempt of "third-time" succeeds
    expect(await effects(q('flaky'))).toEqual([{ key: 'third-time', attempt: 3 }]);
    const never = await fw.db.selectFrom('jobs').selectAll().where('queue', '=', q('flaky')).where('key', '=', 'never').executeTakeFirstOrThrow();
    expect([never.attempts, never.failed_at !== null, never.last_error]).toEqual([2, true, 'receiver answered 503 (attempt 2)']);
    expect(calls).toBe(5);
  });

  it('lets a second process take over a job whose run outlived its lease, and counts only one run', async () => {
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((r) => { entered = r; });
    const stuck = new Jobs(fw.db, log, { leaseMs: 1000 });
    stuck.handle(q('lease'), async (job) => {
      entered();
      await new Promise<void>((r) => { release = r; });
      return record(q('lease'), `${job.key}:stuck`, job.attempt);
    });
    const other = new Jobs(fw.db, log, { leaseMs: 1000 });
    other.handle(q('lease'), async (job) => record(q('lease'), `${job.key}:other`, job.attempt));
    await stuck.enqueue([{ queue: q('lease'), key: 'j', payload: {} }]);
    const stuckRun = stuck.work();
    await inside;
    expect(await other.work()).toBe(0); // leased
    expect(await other.work(later(5000))).toBe(1); // the lease has ended: taken over
    release();
    await stuckRun;
    expect(await effects(q('lease'))).toEqual([{ key: 'j:other', attempt: 2 }]);
  });

  it('never runs a job twice when several workers claim at once', async () => {
    const workers = [new Jobs(fw.db, log), new Jobs(fw.db, log), new Jobs(fw.db, log)];
    for (const w of workers) w.handle(q('shared'), async (job) => record(q('shared'), job.key, job.attempt));
    await workers[0].enqueue(Array.from({ length: 60 }, (_, i) => ({ queue: q('shared'), key: `k${String(i).padStart(2, '0')}`, payload: {} })));
    const ran = await Promise.all(workers.map((w) => w.work(new Date(), 7)));
    expect(ran.reduce((a, b) => a + b, 0)).toBe(60);
    const done = await effects(q('shared'));
    expect(done).toHaveLength(60);
    expect(new Set(done.map((e) => e.key)).size).toBe(60);
  });
});
