/**
 * Loyalty benchmark: points earned for ORDERS paid orders (CUSTOMERS customers, a year of payments)
 * through loyalty's subscriber on order.paid (members locked, lots, entries, orders, tiers and timers
 * in the subscriber's transactions with its checkpoint), beside the baseline: a bare bulk INSERT of
 * the same rows the subscriber wrote (entries, lots, loyalty's orders, members), in the same run.
 * Then SPENDS spends of 1 point on one hot balance (row lock, lots, entry and allocations), CONCURRENCY
 * at a time.
 * Usage: npx tsx bench/loyalty.ts [orders=100000] [customers=20000] [spends=2000] [concurrency=20]   (DATABASE_URL for Postgres)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openFlywheel } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/platform/config';

const ORDERS = Number(process.argv[2] ?? 100_000);
const CUSTOMERS = Number(process.argv[3] ?? 20_000);
const SPENDS = Number(process.argv[4] ?? 2000);
const CONCURRENCY = Number(process.argv[5] ?? 20);
const fw = await openFlywheel(loadConfig({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-bench-loyalty-')), logLevel: 'silent' }));
const shop = await fw.shops.createShop({ name: '会员基准店' });
const perSecond = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`;

/** mulberry32: a seeded sequence, the same orders every run. */
let seed = 7;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const now = Date.now();
let started = performance.now();
for (let i = 0; i < ORDERS; i += 1000) {
  const records = Array.from({ length: Math.min(1000, ORDERS - i) }, (_, k) => {
    const paidAt = new Date(now - Math.floor(rnd() * 365 * 86_400_000)).toISOString();
    const amount = 1000 + Math.floor(rnd() * 50_000);
    return { externalId: `b${i + k}`, customerId: `c${Math.floor(rnd() * CUSTOMERS)}`, status: 'paid' as const, placedAt: paidAt, paidAt, items: [{ sku: 'S', quantity: 1, unitPrice: amount }], payableAmount: amount };
  });
  await fw.commerce.upsert(shop.shopId, 'orders', records);
}
console.log(`setup: ${ORDERS.toLocaleString('en-US')} paid orders of ${CUSTOMERS.toLocaleString('en-US')} customers loaded through commerce (outbox rows) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// The other subscribers wait: only loyalty's runs here.
started = performance.now();
await fw.runtime.subscribers.drainOne('loyalty');
const subscriberMs = performance.now() - started;
const count = async (table: string) => Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where shop_id = ${shop.shopId}`.execute(fw.db)).rows[0].n);
const written = { entries: await count('points_entries'), lots: await count('points_lots'), orders: await count('loyalty_orders'), members: await count('loyalty_members'), tierChanges: await count('loyalty_tier_changes') };
console.log(`subscriber: ${ORDERS.toLocaleString('en-US')} order.paid events in ${(subscriberMs / 1000).toFixed(2)} s (${perSecond(ORDERS, subscriberMs)}); wrote ${written.entries} entries, ${written.lots} lots, ${written.orders} orders, ${written.members} members, ${written.tierChanges} tier changes`);

// The baseline: the same rows, read back, inserted in bulk into copies of the tables (1,000 rows a statement, one transaction per 1,000 events as the subscriber commits).
const tables = ['points_entries', 'points_lots', 'loyalty_orders', 'loyalty_members'];
const rows = new Map<string, Record<string, unknown>[]>();
for (const table of tables) {
  await sql`create table ${sql.table(`bench_${table}`)} (like ${sql.table(table)} including defaults)`.execute(fw.db);
  const all = (await sql<Record<string, unknown>>`select * from ${sql.table(table)} where shop_id = ${shop.shopId}`.execute(fw.db)).rows;
  // The serial column is left to its default, as the subscriber left it.
  rows.set(table, all.map(({ seq: _seq, ...r }) => r));
}
started = performance.now();
const chunks = Math.ceil(ORDERS / 1000);
for (let c = 0; c < chunks; c++) {
  await fw.db.transaction().execute(async (trx) => {
    for (const table of tables) {
      const all = rows.get(table)!;
      const size = Math.ceil(all.length / chunks);
      const part = all.slice(c * size, (c + 1) * size);
      for (let i = 0; i < part.length; i += 1000) await trx.insertInto(`bench_${table}`).values(part.slice(i, i + 1000).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v])))).execute();
    }
  });
}
const baselineMs = performance.now() - started;
const total = tables.reduce((s, t) => s + rows.get(t)!.length, 0);
console.log(`baseline: the same ${total.toLocaleString('en-US')} rows by bare bulk INSERT in ${(baselineMs / 1000).toFixed(2)} s (${perSecond(ORDERS, baselineMs)} orders' worth); the subscriber takes ${(subscriberMs / baselineMs).toFixed(2)}x the baseline`);

// One hot balance: SPENDS concurrent spends of 1 point.
await fw.loyalty.service.adjust(shop.shopId, { customerId: 'c0', amount: SPENDS, reason: 'bench', idempotencyKey: 'bench-fill' });
let next = 0;
let ok = 0;
started = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (next < SPENDS) {
    const i = next++;
    await fw.loyalty.service.adjust(shop.shopId, { customerId: 'c0', amount: -1, reason: 'bench', idempotencyKey: `bench-spend-${i}` });
    ok++;
  }
}));
const spendMs = performance.now() - started;
console.log(`hot balance: ${ok} spends of 1 point on one customer, ${CONCURRENCY} at a time, in ${(spendMs / 1000).toFixed(2)} s (${perSecond(ok, spendMs)})`);
await fw.close();
