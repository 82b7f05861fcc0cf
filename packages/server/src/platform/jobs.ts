import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import { Clock } from './clock';
import type { Db, Migration } from './db';

export const jobMigrations: Migration[] = [
  {
    id: 'platform/003_jobs',
    statements: [
      `create table jobs (
        id bigserial primary key,
        queue text not null,
        key text not null,
        shop_id text,
        payload jsonb not null,
        run_at timestamptz not null default now(),
        attempts integer not null default 0,
        max_attempts integer not null default 10,
        lease text,
        leased_until timestamptz,
        last_error text,
        done_at timestamptz,
        failed_at timestamptz,
        created_at timestamptz not null default now(),
        unique (queue, key)
      )`,
      `create index jobs_due on jobs (run_at) where done_at is null and failed_at is null`,
    ],
  },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Trx = Transaction<any>;

export interface Job<P = unknown> {
  id: number;
  queue: string;
  key: string;
  shopId: string | null;
  payload: P;
  /** 1 on the first run. */
  attempt: number;
  /** When it was due: a timer's moment. */
  runAt: Date;
  /** The runtime's clock as the job runs (the replayed moment while the demo loads history). */
  now: Date;
}

export interface JobInput<P = unknown> {
  queue: string;
  /** Enqueueing the same (queue, key) again does nothing: the job exists once, whoever asks. */
  key: string;
  shopId?: string | null;
  payload: P;
  /** When it may run first (a timer); now when absent. */
  runAt?: Date;
  maxAttempts?: number;
}

/**
 * What a job does. The work outside Postgres (an HTTP call, an email) happens in the handler; what it
 * changes in Postgres is returned as `effects`, which run in one transaction with the job's completion,
 * so a job whose effects committed is done and never runs again, and one that crashed before has
 * changed nothing. Outside effects may run twice after a crash: they carry the job's key as their
 * idempotency key.
 */
export type JobHandler<P = unknown> = (job: Job<P>) => Promise<((trx: Trx) => Promise<void>) | void>;

/** Waits between attempts: 2 s, 4 s, 8 s ... up to an hour. */
export const retryDelayMs = (attempt: number) => Math.min(3_600_000, 1000 * 2 ** attempt);

/**
 * Durable jobs and timers in Postgres (PGlite embedded), shared by every server process: a job is
 * claimed with `FOR UPDATE SKIP LOCKED` for a lease, run, and completed with its effects in one
 * transaction; a failed run is retried with backoff, and a run whose process died is taken over when
 * its lease ends. `kill -9` at any moment loses no job and doubles no effect.
 */
export class Jobs {
  private readonly handlers = new Map<string, JobHandler<never>>();

  private readonly leaseMs: number;
  private readonly clock: Clock;

  /** `leaseMs`: how long a run may take before another process takes the job over (a minute). */
  constructor(private readonly db: Db, private readonly log: Logger, options: { leaseMs?: number; clock?: Clock } = {}) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.clock = options.clock ?? new Clock();
  }

  handle<P>(queue: string, handler: JobHandler<P>) {
    if (this.handlers.has(queue)) throw new Error(`queue ${queue} has a handler already`);
    this.handlers.set(queue, handler as JobHandler<never>);
  }

  /** Adds jobs, inside the caller's transaction when given (so a job exists exactly when the change that asks for it commits). */
  async enqueue(jobs: readonly JobInput[], trx: Trx | Db = this.db): Promise<void> {
    if (jobs.length === 0) return;
    await trx.insertInto('jobs').values(jobs.map((j) => ({
      queue: j.queue, key: j.key, shop_id: j.shopId ?? null, payload: JSON.stringify(j.payload ?? null),
      run_at: (j.runAt ?? new Date()).toISOString(), max_attempts: j.maxAttempts ?? 10,
    }))).onConflict((oc) => oc.columns(['queue', 'key']).doNothing()).execute();
  }

  /** Runs the jobs due now, batch after batch, until none is left; resolves with how many ran. */
  async work(now = this.clock.now(), batch = 50): Promise<number> {
    let ran = 0;
    for (;;) {
      const claimed = await this.claim(now, batch);
      for (const job of claimed) await this.run(job);
      ran += claimed.length;
      if (claimed.length < batch) return ran;
    }
  }

  /** When the next job of the queues handled here is due, null when none waits. */
  async nextDue(): Promise<Date | null> {
    const queues = [...this.handlers.keys()];
    if (queues.length === 0) return null;
    const row = await this.db.selectFrom('jobs').select((eb) => eb.fn.min('run_at').as('next'))
      .where('done_at', 'is', null).where('failed_at', 'is', null).where('queue', 'in', queues).executeTakeFirst();
    return row?.next ? new Date(row.next as string) : null;
  }

  private async claim(now: Date, batch: number): Promise<(Job & { lease: string })[]> {
    const clock = this.clock.now();
    const queues = [...this.handlers.keys()];
    if (queues.length === 0) return [];
    const lease = randomUUID();
    const at = now.toISOString();
    const rows = await sql<Record<string, unknown>>`
      update jobs set lease = ${lease}, leased_until = ${at}::timestamptz + make_interval(secs => ${this.leaseMs / 1000}), attempts = attempts + 1
      where id in (
        select id from jobs
        where done_at is null and failed_at is null and run_at <= ${at}::timestamptz and queue in (${sql.join(queues)})
          and (leased_until is null or leased_until < ${at}::timestamptz)
        order by run_at, id limit ${batch}
        for update skip locked)
      returning id, queue, key, shop_id, payload, attempts, run_at`.execute(this.db);
    return rows.rows
      .map((r) => ({
        id: Number(r.id), queue: String(r.queue), key: String(r.key), shopId: (r.shop_id as string | null) ?? null,
        payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload, attempt: Number(r.attempts), runAt: new Date(r.run_at as string), now: clock, lease,
      }))
      .sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
  }

  private async run(job: Job & { lease: string }) {
    const handler = this.handlers.get(job.queue)!;
    try {
      const effects = await handler(job as never);
      await this.db.transaction().execute(async (trx) => {
        const done = await trx.updateTable('jobs').set({ done_at: new Date().toISOString(), lease: null, leased_until: null })
          .where('id', '=', job.id).where('lease', '=', job.lease).where('done_at', 'is', null).executeTakeFirst();
        // Another process took the job over (this run outlived its lease): its run counts, not this one.
        if (Number(done.numUpdatedRows) === 0) return;
        if (effects) await effects(trx);
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const row = await this.db.selectFrom('jobs').select(['max_attempts']).where('id', '=', job.id).executeTakeFirst();
      const last = job.attempt >= Number(row?.max_attempts ?? 10);
      this.log.warn({ err: error, queue: job.queue, key: job.key, attempt: job.attempt }, last ? 'job failed for good' : 'job failed; will retry');
      await this.db.updateTable('jobs')
        .set(last
          ? { failed_at: new Date().toISOString(), last_error: message, lease: null, leased_until: null }
          : { run_at: new Date(Date.now() + retryDelayMs(job.attempt)).toISOString(), last_error: message, lease: null, leased_until: null })
        .where('id', '=', job.id).where('lease', '=', job.lease).execute();
    }
  }
}
