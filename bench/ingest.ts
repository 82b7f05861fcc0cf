/**
 * Ingestion benchmark: behaviour events per second through
 *   1. a raw DuckDB appender loop into the same `events` table (the baseline),
 *   2. bulk import (`flywheel import events file.ndjson`, in process: parse, validate, channel, append),
 *   3. HTTP `POST /v1/batch` (500 events a call, several clients) against `flywheel serve` in its own process.
 * Usage (the node flags are those the `flywheel` bin runs with):
 *   node --max-semi-space-size=64 --import tsx bench/ingest.ts [events=300000] [httpSeconds=15] [clients=8]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBDataChunk, DuckDBInstance, DuckDBTimestampTZValue, TIMESTAMPTZ, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import { openFlywheel } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/platform/config';
import { trackingAnalyticsSchema } from '../packages/server/src/modules/tracking';

const N = Number(process.argv[2] ?? 300_000);
const HTTP_SECONDS = Number(process.argv[3] ?? 15);
const CLIENTS = Number(process.argv[4] ?? 8);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-bench-'));

const EVENTS = ['Product Viewed', 'Product Added', 'Checkout Started', 'Products Searched', 'Order Completed'];
function call(i: number, prefix: string) {
  const t = new Date(Date.UTC(2026, 10, 11) + i * 37).toISOString();
  if (i % 4 === 0) return { type: 'page', messageId: `${prefix}-${i}`, anonymousId: `a${i % 50_000}`, name: '商品详情', timestamp: t, context: { page: { url: `https://shop.cn/p/${i % 500}?utm_source=baidu&utm_medium=cpc`, referrer: 'https://www.baidu.com/' } } };
  return { type: 'track', messageId: `${prefix}-${i}`, anonymousId: `a${i % 50_000}`, userId: i % 3 === 0 ? `c${i % 20_000}` : undefined, event: EVENTS[i % EVENTS.length], timestamp: t, properties: { product_id: `p${i % 500}`, sku: `p${i % 500}-1`, category: '服饰/女装', price: 29900, quantity: 1 } };
}

/** The fastest raw path we know: precomputed columns appended in 2,048-row data chunks. */
async function rawChunkAppender(): Promise<number> {
  const dir = tmp();
  const db = await DuckDBInstance.create(path.join(dir, 'raw.duckdb'), { threads: '2' });
  const conn = await db.connect();
  await conn.run(trackingAnalyticsSchema.statements[0]);
  const types = Array.from({ length: 22 }, (_, i) => (i === 6 || i === 7 ? TIMESTAMPTZ : VARCHAR));
  const calls = Array.from({ length: N }, (_, i) => call(i, 'chunk') as Record<string, unknown>);
  const started = performance.now();
  const a = await conn.createAppender('events');
  for (let start = 0; start < N; start += 2048) {
    const rows = calls.slice(start, start + 2048);
    const p = (c: Record<string, unknown>) => (c.properties ?? {}) as Record<string, unknown>;
    const ts = (c: Record<string, unknown>) => new DuckDBTimestampTZValue(BigInt(new Date(c.timestamp as string).getTime()) * 1000n);
    const s = (x: unknown): DuckDBValue => (x == null ? null : String(x));
    const columns: DuckDBValue[][] = [
      rows.map(() => 'shop'), rows.map((c) => s(c.messageId)), rows.map((c) => s(c.type)), rows.map((c) => s(c.event ?? c.name)), rows.map((c) => s(c.anonymousId)), rows.map((c) => s(c.userId)),
      rows.map(ts), rows.map(ts), rows.map((c) => `${c.anonymousId}:1`), rows.map(() => 'paid_search'), rows.map(() => 'baidu'), rows.map(() => 'cpc'), rows.map(() => null), rows.map(() => null), rows.map(() => null), rows.map(() => null),
      rows.map((c) => s(p(c).product_id)), rows.map((c) => s(p(c).sku)), rows.map((c) => s(p(c).category)), rows.map(() => null), rows.map(() => null), rows.map((c) => JSON.stringify(p(c))),
    ];
    const chunk = DuckDBDataChunk.create(types, rows.length);
    chunk.setColumns(columns);
    a.appendDataChunk(chunk);
  }
  a.closeSync();
  const seconds = (performance.now() - started) / 1000;
  conn.closeSync(); db.closeSync();
  return N / seconds;
}

/** The textbook loop: one appender call per value. */
async function rawAppender(): Promise<number> {
  const dir = tmp();
  const db = await DuckDBInstance.create(path.join(dir, 'raw.duckdb'), { threads: '2' });
  const conn = await db.connect();
  for (const s of trackingAnalyticsSchema.statements.slice(0, 1)) await conn.run(s);
  const calls = Array.from({ length: N }, (_, i) => call(i, 'raw'));
  const started = performance.now();
  const BATCH = 5000;
  for (let start = 0; start < N; start += BATCH) {
    const a = await conn.createAppender('events');
    for (let i = start; i < Math.min(N, start + BATCH); i++) {
      const c = calls[i] as Record<string, unknown>;
      const v = (x: unknown) => (x == null ? a.appendNull() : a.appendVarchar(String(x)));
      v('shop'); v(c.messageId); v(c.type); v(c.event ?? c.name); v(c.anonymousId); v(c.userId);
      const micros = BigInt(new Date(c.timestamp as string).getTime()) * 1000n;
      a.appendTimestampTZ(new DuckDBTimestampTZValue(micros)); a.appendTimestampTZ(new DuckDBTimestampTZValue(micros));
      v(`${c.anonymousId}:1`); v('paid_search'); v('baidu'); v('cpc'); v(null); v(null); v(null); v(null);
      const p = (c.properties ?? {}) as Record<string, unknown>;
      v(p.product_id); v(p.sku); v(p.category); v(null); v(null); v(JSON.stringify(p));
      a.endRow();
    }
    a.closeSync(); // each batch commits on its own, like the service's group commits
  }
  const seconds = (performance.now() - started) / 1000;
  conn.closeSync(); db.closeSync();
  return N / seconds;
}

async function bulkImport(): Promise<number> {
  const dir = tmp();
  const fw = await openFlywheel(loadConfig({ dataDir: dir, logLevel: 'warn' }));
  const shop = await fw.shops.createShop({ name: 'bench' });
  const file = Buffer.from(Array.from({ length: N }, (_, i) => JSON.stringify(call(i, 'imp'))).join('\n'));
  const started = performance.now();
  const result = await fw.imports.importFile(shop.shopId, 'events', file, 'events.ndjson');
  const seconds = (performance.now() - started) / 1000;
  if (result.accepted !== N) throw new Error(`bulk import accepted ${result.accepted} of ${N}`);
  await fw.close();
  return N / seconds;
}

async function http(): Promise<{ rate: number; p99: number }> {
  const dir = tmp();
  const env = { ...process.env, LOG_LEVEL: 'warn', FLYWHEEL_RATE_LIMIT: '100000' };
  const bin = path.resolve('packages/server/bin/flywheel.js');
  const init = await new Promise<string>((resolve) => {
    const p = spawn(process.execPath, [bin, '--data-dir', dir, 'init', '--json'], { env });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', () => resolve(out));
  });
  const shop = JSON.parse(init);
  const port = 30000 + Math.floor(Math.random() * 20000);
  // The node flags of the bin's shebang (`npx flywheel serve` runs with them).
  const nodeFlags = fs.readFileSync(bin, 'utf8').split('\n')[0].split(' node ')[1]?.split(' ') ?? [];
  const server = spawn(process.execPath, [...nodeFlags, bin, '--data-dir', dir, 'serve', '--port', String(port)], { env, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 300; i++) { try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* starting */ } await new Promise((r) => setTimeout(r, 200)); }
    const bodies: string[] = [];
    for (let b = 0; b < 400; b++) bodies.push(JSON.stringify({ batch: Array.from({ length: 500 }, (_, i) => call(b * 500 + i, `h${b}`)) }));
    let sent = 0;
    let next = 0;
    const latencies: number[] = [];
    const until = performance.now() + HTTP_SECONDS * 1000;
    const started = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) {
        const body = bodies[next++ % bodies.length].replaceAll('"messageId":"h', `"messageId":"r${next}-h`);
        const t0 = performance.now();
        const res = await fetch(`${url}/v1/batch`, { method: 'POST', headers: { authorization: `Bearer ${shop.publishableKey}`, 'content-type': 'application/json' }, body });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        sent += 500;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return { rate: sent / seconds, p99: latencies[Math.floor(latencies.length * 0.99)] };
  } finally {
    server.kill('SIGTERM');
  }
}

const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`.padStart(18);
console.log(`${N.toLocaleString('en-US')} events, ${os.cpus().length} cores`);
const loop = await rawAppender();
console.log(`raw DuckDB appender, value by value:   ${fmt(loop)}`);
const raw = await rawChunkAppender();
console.log(`raw DuckDB appender, data chunks:      ${fmt(raw)}  (baseline: the faster raw path)`);
const bulk = await bulkImport();
console.log(`bulk import (NDJSON, in process):      ${fmt(bulk)}  = ${(raw / bulk).toFixed(2)}x the baseline's time (target <= 2x)`);
const h = await http();
console.log(`HTTP /v1/batch (${CLIENTS} clients x 500):  ${fmt(h.rate)}  p99 ${h.p99.toFixed(1)} ms per call (target >= 50,000 events/s)`);
