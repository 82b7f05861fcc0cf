import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { startFlywheel } from '../testing/harness';

const bin = path.resolve(__dirname, '../../bin/flywheel.js');

/** Runs the CLI without blocking this worker (a blocked worker misses vitest's heartbeats under load). */
function flywheel(dataDir: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, '--data-dir', dataDir, ...args], { env: { ...process.env, LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function waitForHealth(url: string, ms = 60_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try { if ((await fetch(`${url}/healthz`)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server at ${url} did not come up`);
}

/** A port nobody listens on now (the OS picks it), so the test never talks to another process's server. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-cli-'));

describe('flywheel CLI', () => {
  it('init creates a shop and prints its keys; run again it adds another shop', async () => {
    const dir = tmp();
    const a = JSON.parse((await flywheel(dir, 'init', '--shop-name', '一号店', '--json')).stdout);
    expect(a).toMatchObject({ shopId: expect.stringMatching(/^shop_/), publishableKey: expect.stringMatching(/^pk_/), secretKey: expect.stringMatching(/^sk_/) });
    expect(a.ownerPassword.length).toBeGreaterThanOrEqual(8);
    const b = JSON.parse((await flywheel(dir, 'init', '--json')).stdout);
    expect(b.shopId).not.toBe(a.shopId);
    expect((await flywheel(dir, 'migrate', '--json')).status).toBe(0);
  });

  it('import writes an error file naming line and reason, and asks which shop when there are several', async () => {
    const dir = tmp();
    const shop = JSON.parse((await flywheel(dir, 'init', '--json')).stdout);
    const file = path.join(dir, 'spend.csv');
    fs.writeFileSync(file, iconv.encode(['日期,渠道,活动,花费,点击', '2026-11-10,paid_search,双11,12345.60,800', '2026/11/11,paid_social,双11,abc,10', '2026-11-12,kol,,500,'].join('\n'), 'gbk'));
    const r = await flywheel(dir, 'import', 'spend', file, '--shop', shop.shopId, '--money', 'major', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ accepted: 2, rejected: 1, errorFile: `${file}.errors.csv` });
    const report = fs.readFileSync(out.errorFile, 'utf8').trim().split('\n');
    expect(report).toHaveLength(2);
    expect(report[1]).toMatch(/^3,invalid_field,amount,/);
    // Importing again changes nothing.
    expect(JSON.parse((await flywheel(dir, 'import', 'spend', file, '--shop', shop.shopId, '--money', 'major', '--json')).stdout).accepted).toBe(2);
    await flywheel(dir, 'init', '--json');
    const many = await flywheel(dir, 'import', 'spend', file, '--json');
    expect(many.status).toBe(1);
    expect(many.stderr).toMatch(/--shop/);
  });

  it('loses no acknowledged data when the server is killed with SIGKILL right after answering', async () => {
    const dir = tmp();
    const shop = JSON.parse((await flywheel(dir, 'init', '--json')).stdout);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = spawn(process.execPath, [bin, '--data-dir', dir, 'serve', '--port', String(port), '--host', '127.0.0.1'], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    try {
      await waitForHealth(url);
      const events = Array.from({ length: 500 }, (_, i) => ({ type: 'track', event: 'Product Viewed', anonymousId: `a${i % 37}`, messageId: `kill-${i}` }));
      const tracked = await fetch(`${url}/v1/batch`, { method: 'POST', headers: { authorization: `Bearer ${shop.publishableKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ batch: events }) });
      const orders = Array.from({ length: 200 }, (_, i) => ({ externalId: `o${i}`, customerId: `c${i % 20}`, status: 'paid', placedAt: '2026-11-11T10:00:00+08:00', paidAt: '2026-11-11T10:01:00+08:00', items: [{ sku: 'A', quantity: 1, unitPrice: 100 + i }], payableAmount: 100 + i }));
      const upserted = await fetch(`${url}/v1/orders/batch`, { method: 'POST', headers: { authorization: `Bearer ${shop.secretKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ records: orders }) });
      expect(tracked.status).toBe(200);
      expect(upserted.status).toBe(200);
      server.kill('SIGKILL');
    } finally {
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r).once('error', r));
    }
    // Restart on the same data dir: the projector resumes from its checkpoint.
    const fw = await startFlywheel({ dataDir: dir });
    try {
      await fw.projector.drain();
      const ev = await fw.store.one<{ n: number }>(`select count(*) n from events where shop_id = ?`, [shop.shopId]);
      const ord = await fw.store.one<{ n: number; total: number }>(`select count(*) n, sum(paid_amount) total from orders where shop_id = ?`, [shop.shopId]);
      expect(ev!.n).toBe(500);
      expect(ord).toEqual({ n: 200, total: Array.from({ length: 200 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0) });
    } finally {
      await fw.close();
    }
  }, 180_000);
});

describe('flywheel demo and simulate', () => {
  it('loads a small demo shop through the services, and reuses it when run again', async () => {
    const dir = tmp();
    const first = await flywheel(dir, 'demo', '--customers', '300', '--days', '20', '--seed', '7', '--no-serve', '--json');
    expect(first.status, first.stderr).toBe(0);
    const keys = JSON.parse(first.stdout);
    expect(keys).toMatchObject({ shopId: expect.stringMatching(/^shop_/), ownerEmail: 'demo@flywheel.local' });
    const again = JSON.parse((await flywheel(dir, 'demo', '--no-serve', '--json')).stdout);
    expect(again.shopId).toBe(keys.shopId);
  }, 180_000);

  it('sends live traffic through the HTTP APIs of a running server', async () => {
    const dir = tmp();
    const demo = JSON.parse((await flywheel(dir, 'demo', '--customers', '200', '--days', '5', '--no-serve', '--json')).stdout);
    const fw = await startFlywheel({ dataDir: dir });
    try {
      const address = await fw.http.listen({ port: 0, host: '127.0.0.1' });
      const before = (await fw.store.one<{ n: number }>(`select count(*) as n from events where shop_id = ?`, [demo.shopId]))!.n;
      // Asynchronously: the server answering it runs in this process.
      const child = spawn(process.execPath, [bin, '--data-dir', dir, 'simulate', '--live', '--url', address, '--rate', '200', '--duration', '3']);
      const r = { stderr: '', status: -1 };
      child.stderr.on('data', (d) => (r.stderr += d));
      r.status = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
      expect(r.status, r.stderr).toBe(0);
      const sent = Number(/(\d+) events and/.exec(r.stderr)![1]);
      expect(sent).toBeGreaterThan(100);
      const after = (await fw.store.one<{ n: number }>(`select count(*) as n from events where shop_id = ? and message_id like 'live-%'`, [demo.shopId]))!.n;
      expect(after).toBe(sent);
      expect(before).toBeGreaterThan(0);
    } finally {
      await fw.close();
    }
  }, 180_000);
});
