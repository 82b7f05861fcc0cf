/**
 * 秒杀 benchmark (PRODUCT.md: 10,000 concurrent attempts at 100 units give exactly 100 reservations,
 * none oversold, at least 5,000 attempts/s): ATTEMPTS attempts of ATTEMPTS different customers,
 * CONCURRENCY in flight at a time, at POST /v1/flash-sales/:id/reserve of a sale of STOCK units,
 * on the Postgres counter (PGlite, or DATABASE_URL) and on Redis (REDIS_URL, default the local one),
 * beside a bare Fastify route answering the sold-out JSON, in the same run, with the same client.
 * Usage: npx tsx bench/campaigns.ts [attempts=10000] [stock=100] [concurrency=200]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { openFlywheel } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/platform/config';
import { formatLoad, load, type LoadResult } from './http-load';

const ATTEMPTS = Number(process.argv[2] ?? 10_000);
const STOCK = Number(process.argv[3] ?? 100);
const CONCURRENCY = Number(process.argv[4] ?? 200);
const bodies = Array.from({ length: ATTEMPTS }, (_, i) => JSON.stringify({ customerId: `c${i}`, quantity: 1, idempotencyKey: `attempt-${i}` }));
const run = { requests: ATTEMPTS, concurrency: CONCURRENCY };

const bare = Fastify();
bare.post('/reserve', async (_request, reply) => reply.status(409).send({ error: { code: 'sold_out', message: 'the flash sale is sold out', field: 'quantity' } }));
await bare.listen({ port: 0, host: '127.0.0.1' });
const baseline = await load((bare.server.address() as AddressInfo).port, '/reserve', {}, bodies, run);
await bare.close();

async function sale(redisUrl: string | undefined): Promise<{ result: LoadResult; counts: Record<string, number> }> {
  const fw = await openFlywheel(loadConfig({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-bench-campaigns-')), logLevel: 'silent', rateLimitPerSecond: 1_000_000, redisUrl }));
  try {
    const shop = await fw.shops.createShop({ name: '秒杀基准店' });
    const auth = { authorization: `Bearer ${shop.secretKey}` };
    const created = await fw.http.inject({ method: 'POST', url: '/v1/flash-sales', headers: auth, payload: {
      sku: 'FLASH-1', price: 9900, stock: STOCK, perCustomer: 1, startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), holdMinutes: 15,
    } });
    if (created.statusCode !== 201) throw new Error(`flash sale not created: ${created.body}`);
    const { id } = created.json() as { id: string };
    const address = await fw.http.listen({ port: 0, host: '127.0.0.1' });
    const result = await load(Number(new URL(address).port), `/v1/flash-sales/${id}/reserve`, auth, bodies, run);
    const counts = (await fw.http.inject({ method: 'GET', url: `/v1/flash-sales/${id}`, headers: auth })).json() as Record<string, number>;
    return { result, counts };
  } finally {
    await fw.close();
  }
}

const line = (name: string, r: LoadResult) => `${name}: ${r.requests.toLocaleString('en-US')} attempts, ${formatLoad(r)}; answers ${Object.entries(r.statuses).map(([s, n]) => `${s}×${n.toLocaleString('en-US')}`).join(', ')}`;
console.log(`秒杀: ${ATTEMPTS.toLocaleString('en-US')} attempts by as many customers at ${STOCK} units, ${CONCURRENCY} in flight (keep-alive, from a worker thread)`);
console.log(`  ${line('baseline (bare Fastify route answering 409 sold_out)', baseline)}`);
for (const [name, redisUrl] of [['Postgres counter', undefined], ['Redis counter', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379']] as const) {
  const { result, counts } = await sale(redisUrl);
  console.log(`  ${line(name, result)} (${(result.perSecond / baseline.perSecond * 100).toFixed(0)}% of the baseline)`);
  console.log(`    GET /v1/flash-sales/:id after: stock ${counts.stock}, reserved ${counts.reserved}, sold ${counts.sold}, remaining ${counts.remaining}${result.statuses['201'] === STOCK ? '' : `  <- ${result.statuses['201'] ?? 0} reservations, not ${STOCK}`}`);
}
