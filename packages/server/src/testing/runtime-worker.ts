/**
 * A server process for the runtime's kill test (platform/runtime-kill.test.ts): it reacts to
 * `order.paid` with a subscriber that records an effect and enqueues a job, whose handler records
 * another, and drains until nothing is left. The test kills it with SIGKILL at random moments.
 * Usage: node --import tsx runtime-worker.ts <dataDir>   (DATABASE_URL picks Postgres)
 */
import { sql } from 'kysely';
import { openFlywheel } from '../app';
import { loadConfig } from '../platform/config';
import { Jobs } from '../platform/jobs';
import { Subscribers } from '../platform/subscribers';

const dataDir = process.argv[2];
const fw = await openFlywheel(loadConfig({ dataDir, logLevel: 'silent' }));
await sql`create table if not exists kill_effects (source text not null, shop_id text not null, key text not null)`.execute(fw.db);
// A short lease, so a job whose run died with a killed process is taken over within the test.
const jobs = new Jobs(fw.db, fw.log, { leaseMs: 1500 });
// Small batches: many commits, so a kill lands between and inside them.
const subscribers = new Subscribers(fw.db, 7);
subscribers.subscribe('kill-test', ['order.paid'], async (trx, events) => {
  for (const e of events) await sql`insert into kill_effects values ('event', ${e.shopId}, ${e.key})`.execute(trx);
  process.stdout.write(`events ${events.length}\n`); // a kill right after this lands before the commit
  await jobs.enqueue(events.map((e) => ({ queue: 'kill-test', key: `${e.shopId}:${e.key}`, shopId: e.shopId, payload: { order: e.key } })), trx);
});
jobs.handle<{ order: string }>('kill-test', async (job) => async (trx) => {
  await sql`insert into kill_effects values ('job', ${job.shopId}, ${job.payload.order})`.execute(trx);
  process.stdout.write(`job ${job.key}\n`);
});
for (;;) {
  const events = await subscribers.drainOne('kill-test');
  const ran = await jobs.work(new Date(), 5);
  if (events > 0 || ran > 0) continue;
  // Jobs leased by a killed run are not due until their lease ends: wait for them, then finish.
  if ((await jobs.nextDue()) === null) break;
  await new Promise((r) => setTimeout(r, 250));
}
await fw.close();
process.exit(0);
