/**
 * Exactly once under `kill -9`: a real `flywheel serve` process takes orders and refunds over HTTP
 * while loyalty's subscriber and timers run in its background, and is killed with SIGKILL at
 * random moments (a seeded sequence) and started again on the same data dir, the unacknowledged
 * batch sent again each time. In the end every order's points are in the ledger exactly once, worth
 * floor((paid − refunded) / 100) with its refunds' entries, and every balance is the sum of its
 * entries. Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { databaseEnv } from '../../testing/database';
import { newShop, startFlywheel } from '../../testing/harness';

const bin = path.resolve(__dirname, '../../../bin/flywheel.js');
const DAY = 86_400_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A seeded sequence (the kills are random but the same every run). */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

interface Server { child: ChildProcess; url: string; exited: Promise<void> }

async function startServer(dataDir: string): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [bin, '--data-dir', dataDir, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    // Subscribers drain every 10 ms, so kills land inside their batches.
    env: { ...process.env, ...(await databaseEnv(dataDir)), LOG_LEVEL: 'error', FLYWHEEL_PROJECTOR_INTERVAL_MS: '10' }, stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try { if ((await fetch(`${url}/healthz`)).ok) return { child, url, exited }; } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error('the server did not come up');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('loyalty under kill -9', () => {
  it('puts every order\'s points in the ledger exactly once, refunds and all, whenever the server dies', async () => {
    const setup = await startFlywheel();
    const dataDir = setup.dataDir;
    const shop = await newShop(setup, '断电会员店');
    await setup.close();

    const rnd = random(18);
    const now = Date.now();
    const orders = Array.from({ length: 600 }, (_, i) => {
      const paidAt = new Date(now - Math.floor(rnd() * 20 * DAY)).toISOString();
      const amount = 1000 + Math.floor(rnd() * 200_000);
      return { externalId: `k${i}`, customerId: `c${i % 40}`, status: 'paid', placedAt: paidAt, paidAt, items: [{ sku: 'S', quantity: 1, unitPrice: amount }], payableAmount: amount };
    });
    // A third of the orders are refunded in part, some twice, and some refunds are sent again corrected.
    const refunds: { externalId: string; orderId: string; amount: number; createdAt: string }[] = [];
    for (const o of orders) {
      if (rnd() > 0.33) continue;
      const at = new Date(new Date(o.paidAt).getTime() + 3600_000).toISOString();
      const first = Math.floor(o.payableAmount * rnd() * 0.6);
      refunds.push({ externalId: `${o.externalId}-r1`, orderId: o.externalId, amount: first, createdAt: at });
      if (rnd() < 0.3) refunds.push({ externalId: `${o.externalId}-r2`, orderId: o.externalId, amount: o.payableAmount - first, createdAt: at });
      if (rnd() < 0.2) refunds.push({ externalId: `${o.externalId}-r1`, orderId: o.externalId, amount: Math.floor(first / 2), createdAt: at });
    }
    // Orders in batches of 40, each followed by the refunds of the batch before (a refund needs its order).
    const batches: { entity: string; records: unknown[] }[] = [];
    for (let i = 0; i < orders.length; i += 40) {
      batches.push({ entity: 'orders', records: orders.slice(i, i + 40) });
      const previous = new Set(orders.slice(Math.max(0, i - 40), i).map((o) => o.externalId));
      const theirs = refunds.filter((r) => previous.has(r.orderId));
      if (theirs.length > 0) batches.push({ entity: 'refunds', records: theirs });
    }
    const last = new Set(orders.slice(orders.length - (orders.length % 40 || 40)).map((o) => o.externalId));
    batches.push({ entity: 'refunds', records: refunds.filter((r) => last.has(r.orderId)) });

    let kills = 0;
    let resent = 0;
    let next = 0;
    while (next < batches.length) {
      const server = await startServer(dataDir);
      // Sent one to six batches and killed 20-800 ms after the first is answered: while batches
      // arrive, while the subscriber applies them, while timers run.
      const killAt = 20 + Math.floor(rnd() * 780);
      let killer: NodeJS.Timeout | undefined;
      const upTo = Math.min(batches.length, next + 1 + Math.floor(rnd() * 6));
      const first = next;
      try {
        while (next < upTo) {
          if (next === first + 1) killer = setTimeout(() => { server.child.kill('SIGKILL'); }, killAt);
          const { entity, records } = batches[next];
          let answer: { status: number; body: { rejected?: unknown[] } };
          try {
            const r = await fetch(`${server.url}/v1/${entity}/batch`, { method: 'POST', headers: { authorization: `Bearer ${shop.secretKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ records }) });
            answer = { status: r.status, body: await r.json() as { rejected?: unknown[] } };
          } catch {
            // Killed before it answered: the batch goes again to the next server.
            resent++;
            break;
          }
          expect(answer.status).toBe(200);
          expect(answer.body.rejected).toEqual([]);
          next++;
        }
        // Until the kill: the background works on what came in.
        killer ??= setTimeout(() => { server.child.kill('SIGKILL'); }, killAt);
        if (next === upTo) await server.exited;
      } finally {
        clearTimeout(killer);
        if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
        await server.exited;
        if (server.child.signalCode === 'SIGKILL') kills++;
      }
    }

    const check = await startFlywheel({ dataDir });
    try {
      await check.projector.drain();
      await check.runtime.drain();
      await check.runtime.jobs.work(new Date());
      const finalRefunds = new Map<string, { orderId: string; amount: number }>();
      for (const r of refunds) finalRefunds.set(r.externalId, r);
      const refunded = new Map<string, number>();
      for (const r of finalRefunds.values()) refunded.set(r.orderId, (refunded.get(r.orderId) ?? 0) + r.amount);
      const refundOrder = new Map([...finalRefunds].map(([id, r]) => [id, r.orderId]));

      const entries = (await sql<{ source: string; kind: string; amount: number; n: number }>`
        select source, kind, sum(amount)::bigint as amount, count(*)::int as n from points_entries where shop_id = ${shop.shopId} group by source, kind`.execute(check.db)).rows;
      const earned = new Map<string, number>();
      let earnEntries = 0;
      for (const e of entries) {
        if (e.source.startsWith('order:')) {
          expect(e.n).toBe(1);
          earnEntries++;
        }
        const orderId = e.source.startsWith('order:') ? e.source.slice(6) : refundOrder.get(e.source.slice(7));
        if (!orderId) throw new Error(`an entry of an unknown source ${e.source}`);
        earned.set(orderId, (earned.get(orderId) ?? 0) + Number(e.amount));
      }
      const wrong = orders
        .map((o) => ({ order: o.externalId, expected: Math.floor((o.payableAmount - (refunded.get(o.externalId) ?? 0)) / 100), ledger: earned.get(o.externalId) ?? 0 }))
        .filter((o) => o.expected !== o.ledger);
      expect(wrong).toEqual([]);
      expect(earnEntries).toBe(orders.length);

      const unbalanced = await sql<Record<string, unknown>>`
        select m.customer_id, m.owed,
          (select coalesce(sum(amount), 0) from points_entries e where e.shop_id = m.shop_id and e.customer_id = m.customer_id)::bigint as entries,
          (select coalesce(sum(remaining), 0) from points_lots l where l.shop_id = m.shop_id and l.customer_id = m.customer_id)::bigint as lots
        from loyalty_members m where m.shop_id = ${shop.shopId}
          and (select coalesce(sum(amount), 0) from points_entries e where e.shop_id = m.shop_id and e.customer_id = m.customer_id)
            <> (select coalesce(sum(remaining), 0) from points_lots l where l.shop_id = m.shop_id and l.customer_id = m.customer_id) - m.owed`.execute(check.db);
      expect(unbalanced.rows).toEqual([]);
      // DuckDB's copy for segment rules agrees with the ledger, member by member.
      await check.projector.drain();
      const ledgerPoints = (await sql<{ customer_id: string; tier: string; points: number }>`
        select m.customer_id, m.tier, coalesce((select sum(remaining) from points_lots l where l.shop_id = m.shop_id and l.customer_id = m.customer_id and l.status = 'available'), 0)::bigint as points
        from loyalty_members m where m.shop_id = ${shop.shopId} order by 1`.execute(check.db)).rows.map((r) => [r.customer_id, r.tier, Number(r.points)]);
      const projected = (await check.store.all<{ customer_id: string; tier: string; points: number }>('select customer_id, tier, points::integer as points from loyalty_facts where shop_id = ? order by 1', [shop.shopId])).map((r) => [r.customer_id, r.tier, Number(r.points)]);
      expect(projected).toEqual(ledgerPoints);
      const pendingDue = await sql<{ n: number }>`select count(*)::int as n from points_lots where shop_id = ${shop.shopId} and status = 'pending' and remaining > 0 and available_at < now() - interval '10 minutes'`.execute(check.db);
      expect(pendingDue.rows[0].n).toBe(0);
      console.log(`loyalty kill test (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}): ${orders.length} orders, ${refunds.length} refund records, ${batches.length} batches, ${kills} kills, ${resent} batches sent again; ${earnEntries} earn entries, each once`);
      expect(kills).toBeGreaterThanOrEqual(5);
    } finally {
      await check.close();
    }
  }, 600_000);
});
