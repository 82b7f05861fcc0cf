import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { databaseEnv } from '../testing/database';
import { startFlywheel } from '../testing/harness';

const bin = path.resolve(__dirname, '../../bin/flywheel.js');

/** Runs the CLI without blocking this worker (a blocked worker misses vitest's heartbeats under load). */
async function flywheel(dataDir: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, ...(await databaseEnv(dataDir)), LOG_LEVEL: 'warn' };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, '--data-dir', dataDir, ...args], { env });
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
    // UTF-8 with a BOM (Excel on Windows), the file's own column and value, the reason in Chinese
    const raw = fs.readFileSync(out.errorFile);
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const report = raw.toString('utf8').slice(1).trim().split('\r\n');
    expect(report).toEqual(['行号,列,填写的值,原因', '3,花费,abc,花费不是金额，应写成 199.00 这样（填的是“abc”）']);
    // Importing again changes nothing.
    expect(JSON.parse((await flywheel(dir, 'import', 'spend', file, '--shop', shop.shopId, '--money', 'major', '--json')).stdout).accepted).toBe(2);
    await flywheel(dir, 'init', '--json');
    const many = await flywheel(dir, 'import', 'spend', file, '--json');
    expect(many.status).toBe(1);
    expect(many.stderr).toMatch(/--shop/);
  });

  it('import reads a decimal point as 元, asks for --money when amounts are whole numbers, and counts rows of the file', async () => {
    const dir = tmp();
    await flywheel(dir, 'init', '--json');
    const header = '订单号,用户ID,商品编码,数量,单价,实付金额,应付金额,订单状态,下单时间,支付时间';
    const paid = '已付款,2026-11-11 10:00:00,2026-11-11 10:01:00';
    const yuan = path.join(dir, 'orders.csv');
    // five rows, four orders: T1 has two lines
    fs.writeFileSync(yuan, [header, `T1,u1,S1,1,49.00,98.00,98.00,${paid}`, `T1,u1,S2,1,49.00,98.00,98.00,${paid}`, `T2,u2,S1,1,49,49,49,${paid}`, `T3,u3,S1,2,10,20,20,${paid}`, `T4,u4,S1,1,10,10,10,未知状态,2026-11-11 10:00:00,`].join('\n'));
    const r = await flywheel(dir, 'import', 'orders', yuan);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('订单：文件共 5 行，导入 4 行（3 条记录），拒绝 1 行。');
    expect(r.stdout).toContain('金额按元读取。');
    expect(r.stdout).toContain('第 6 行：订单状态“未知状态”无法识别，可填：待付款、');
    expect(r.stderr).toMatch(/导入订单: 5\/5 行 \(100%\)/);
    const order = JSON.parse((await flywheel(dir, 'import', 'orders', yuan, '--json')).stdout);
    expect(order.accepted).toBe(3);

    const whole = path.join(dir, 'whole.csv');
    fs.writeFileSync(whole, [header, `T9,u9,S1,1,4900,4900,4900,${paid}`].join('\n'));
    const zh = await flywheel(dir, 'import', 'orders', whole);
    expect(zh.status).toBe(1);
    expect(zh.stderr).toContain('无法判断金额单位：单价、实付金额、应付金额都没有小数点（例如第 2 行单价为“4900”），既可能是元也可能是分。');
    expect(zh.stderr).toContain('--money major 表示金额以元为单位（4900 即 ¥4,900.00），--money minor 表示以分为单位、与 API 相同（4900 即 ¥49.00）');
    const en = await flywheel(dir, 'import', 'orders', whole, '--lang', 'en');
    expect(en.stderr).toContain('--money major means amounts are in yuan (4900 is ¥4,900.00); --money minor means they are in fen');
    const conflict = await flywheel(dir, 'import', 'orders', yuan, '--money', 'minor');
    expect(conflict.status).toBe(1);
    expect(conflict.stderr).toContain('金额单位矛盾：选择的是分，但第 2 行单价写作“49.00”，有小数点即为元。');
    expect((await flywheel(dir, 'import', 'orders', whole, '--money', 'minor', '--json')).stdout).toContain('"accepted": 1');
  });

  it('loses no acknowledged data when the server is killed with SIGKILL right after answering', async () => {
    const dir = tmp();
    const shop = JSON.parse((await flywheel(dir, 'init', '--json')).stdout);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = spawn(process.execPath, [bin, '--data-dir', dir, 'serve', '--port', String(port), '--host', '127.0.0.1'], { env: { ...process.env, ...(await databaseEnv(dir)), LOG_LEVEL: 'warn' }, stdio: 'ignore' });
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
