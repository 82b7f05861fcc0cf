import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SERVER_FILE } from '../platform/local-access';
import { databaseEnv } from '../testing/database';
import { call, startFlywheel } from '../testing/harness';
import { reviewCommand } from './review';

const bin = path.resolve(__dirname, '../../bin/flywheel.js');

/** Runs the CLI without blocking the test worker (a blocked worker cannot answer vitest while the child runs). */
async function flywheel(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const dataDir = args[args.indexOf('--data-dir') + 1];
  const env = { ...process.env, ...(args.includes('--data-dir') ? await databaseEnv(dataDir) : {}), LOG_LEVEL: 'warn' };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A port nobody listens on now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const at = (date: string) => `${date}T10:00:00+08:00`;
const order = (id: string, customerId: string, amount: number, date: string) => ({
  externalId: id, customerId, status: 'paid', placedAt: at(date), paidAt: at(date), items: [{ sku: 'SKU-1', quantity: 1, unitPrice: amount }], payableAmount: amount,
});
const visit = (id: string, userId: string, date: string) => ({ type: 'page', messageId: id, userId, timestamp: at(date), context: { page: { url: 'https://shop.cn/?utm_source=ads&utm_medium=cpc' } } });

/**
 * A data dir made by `flywheel init`, filled through the API: October 2026 sells 30,000 to 2 of 4
 * visitors against a plan of 50,000 at 40% conversion and 250元 per buyer (= 5 visitors).
 */
let dir: string;
let shopId: string; // named with --shop: on PostgreSQL every test file's shops share the database
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-review-'));
  const init = await flywheel('--data-dir', dir, 'init', '--shop-name', '花间服饰', '--json');
  expect(init.status, init.stderr).toBe(0);
  const shop = JSON.parse(init.stdout);
  shopId = shop.shopId;
  const fw = await startFlywheel({ dataDir: dir });
  try {
    await call(fw, 'POST', '/v1/orders/batch', shop.secretKey, { records: [order('o1', 'c1', 10_000, '2026-10-03'), order('o2', 'c2', 20_000, '2026-10-09'), order('o0', 'c9', 25_000, '2026-09-09')] });
    await call(fw, 'POST', '/v1/batch', shop.publishableKey, { batch: [visit('e1', 'c1', '2026-10-03'), visit('e2', 'c2', '2026-10-09'), visit('e3', 'v3', '2026-10-11'), visit('e4', 'v4', '2026-10-12')] });
    await call(fw, 'POST', '/v1/spend/batch', shop.secretKey, { records: [{ date: '2026-10-02', channel: 'paid_search', amount: 20_000 }] });
    const plan = await call(fw, 'POST', '/v1/plans', shop.secretKey, { name: '2026 Q4', period: '2026-Q4', targets: [{ metric: 'sales', value: 50_000, period: '2026-10' }] });
    expect(plan.status).toBe(201);
    await call(fw, 'PUT', `/v1/plans/${plan.body.id}/targets/${plan.body.targets[0].id}/assumptions`, shop.secretKey, { conversionRate: 0.4, perCustomerSpend: 25_000 });
    await fw.projector.drain();
  } finally {
    await fw.close();
  }
});

describe('flywheel review', () => {
  it('prints the JSON report of the contract: kpis and the sales gap by driver', async () => {
    const r = await flywheel('review', '--month', '2026-10', '--format', 'json', '--data-dir', dir, '--shop', shopId, '--as-of', '2026-11-02');
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.kpis).toEqual(expect.arrayContaining([expect.objectContaining({ metric: 'sales', target: 50_000, actual: 30_000 })]));
    const v = report.salesVariance;
    expect(v).toMatchObject({ gap: -20_000, drivers: { uv: { target: 5, actual: 4 } } });
    expect(v.uvEffect + v.conversionEffect + v.perCustomerSpendEffect).toBe(-20_000);
    // 4 visitors of 5 planned, conversion 50% vs 40%, 客单价 150元 vs 250元
    expect(v.uvEffect).toBeLessThan(0);
    expect(v.conversionEffect).toBeGreaterThan(0);
    expect(v.perCustomerSpendEffect).toBeLessThan(0);
    expect(report.risks.some((x: { kind: string }) => x.kind === 'roas_below_floor')).toBe(true); // 30,000 on 20,000: ROAS 1.5
  });

  it('writes the Markdown report to --out', async () => {
    const out = path.join(dir, 'review.md');
    const r = await flywheel('--data-dir', dir, 'review', '--month', '2026-10', '--format', 'md', '--out', out, '--shop', shopId, '--as-of', '2026-11-02');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const md = fs.readFileSync(out, 'utf8');
    expect(md).toMatch(/^# 复盘：花间服饰 — 2026-10/);
    expect(md).toContain('## 支付金额差距拆解');
    expect(md).toContain('| **差距** | ¥500.00 | ¥300.00 | **-¥200.00** |');
    const en = await flywheel('--data-dir', dir, 'review', '--month', '2026-10', '--format', 'md', '--lang', 'en', '--shop', shopId, '--as-of', '2026-11-02');
    expect(en.stdout).toContain('## Sales gap by driver');
    expect(en.stdout).toContain('| **Gap** | ¥500.00 | ¥300.00 | **-¥200.00** |');
  });

  it('works beside a running server, which holds the data dir: it asks that server', async () => {
    const local = await flywheel('--data-dir', dir, 'review', '--month', '2026-10', '--format', 'json', '--shop', shopId, '--as-of', '2026-11-02');
    const port = await freePort();
    const server = spawn(process.execPath, [bin, '--data-dir', dir, 'serve', '--port', String(port), '--host', '127.0.0.1'], { env: { ...process.env, ...(await databaseEnv(dir)), LOG_LEVEL: 'warn' } });
    const exited = new Promise((resolve) => server.once('exit', resolve));
    try {
      const file = path.join(dir, SERVER_FILE);
      const until = Date.now() + 60_000;
      while (!fs.existsSync(file) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      const announced = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(announced).toMatchObject({ pid: server.pid, url: `http://127.0.0.1:${port}` });
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      // Opening the dir would fail on the lock: the review comes through the server, the same report.
      const json = await flywheel('--data-dir', dir, 'review', '--month', '2026-10', '--format', 'json', '--as-of', '2026-11-02');
      expect(json.status, json.stderr).toBe(0);
      expect(json.stdout).toBe(local.stdout);
      const md = await flywheel('--data-dir', dir, 'review', '--month', '2026-10', '--format', 'md', '--shop', shopId, '--as-of', '2026-11-02');
      expect(md.stdout).toContain('| **差距** | ¥500.00 | ¥300.00 | **-¥200.00** |');
      const wrong = await flywheel('--data-dir', dir, 'review', '--month', '2026-10', '--shop', 'shop_nope');
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toContain('no shop shop_nope');
      // The token reads, as a viewer, and only through its own shop.
      const bearer = { authorization: `Bearer ${announced.token}:${shopId}` };
      expect((await fetch(`${announced.url}/v1/shop`, { headers: bearer })).status).toBe(200);
      expect((await fetch(`${announced.url}/v1/orders/batch`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: '{"records":[]}' })).status).toBe(403);
      expect((await fetch(`${announced.url}/v1/shop`, { headers: { authorization: `Bearer ${announced.token.slice(1)}x:${shopId}` } })).status).toBe(401);
    } finally {
      server.kill('SIGTERM');
      await exited;
    }
    // Stopped, the server takes its file away, and the command opens the dir itself again.
    expect(fs.existsSync(path.join(dir, SERVER_FILE))).toBe(false);
    expect((await flywheel('--data-dir', dir, 'review', '--month', '2026-10', '--format', 'json', '--shop', shopId, '--as-of', '2026-11-02')).stdout).toBe(local.stdout);
  });

  it('ignores the server file of a server that is gone (killed, say) and opens the dir itself', async () => {
    fs.writeFileSync(path.join(dir, SERVER_FILE), JSON.stringify({ pid: 2 ** 22 + 1, url: 'http://127.0.0.1:9', token: 'stale' }));
    try {
      const r = await flywheel('--data-dir', dir, 'review', '--month', '2026-10', '--format', 'json', '--shop', shopId, '--as-of', '2026-11-02');
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).kpis.length).toBeGreaterThan(0);
    } finally {
      fs.rmSync(path.join(dir, SERVER_FILE), { force: true });
    }
  });

  it('says what is wrong with the period before opening the stores', async () => {
    const refuse = () => { throw new Error('must not open the stores'); };
    const run = (...args: string[]) => reviewCommand({ configFrom: refuse, withFlywheel: refuse, onlyShop: refuse }).exitOverride().parseAsync(args, { from: 'user' });
    await expect(run('--month', '2026-10', '--quarter', '2026-Q4')).rejects.toThrow(/--month: give either month=YYYY-MM or quarter=YYYY-QN/);
    await expect(run('--month', '2026-10', '--as-of', '11/02')).rejects.toThrow(/--as-of: must be a date/);
    await expect(run('--month', '2026-10')).rejects.toThrow(/must not open the stores/); // valid: it goes on to open them
  });
});
