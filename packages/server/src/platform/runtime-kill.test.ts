import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { databaseEnv } from '../testing/database';
import { newShop, paidOrder, startFlywheel } from '../testing/harness';

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), '../testing/runtime-worker.ts');

/** Runs the worker until it exits, or kills it once it has printed `killAtLine` lines (one per batch of events or job applied, just before its commit). */
async function runWorker(dataDir: string, killAtLine?: number): Promise<'done' | 'killed'> {
  const env = { ...process.env, ...(await databaseEnv(dataDir)) };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let lines = 0;
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      lines += d.toString().split('\n').length - 1;
      if (killAtLine !== undefined && lines >= killAtLine) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('done');
      else reject(new Error(`worker exited with ${code}: ${stderr}`));
    });
  });
}

describe('the levers runtime under kill -9', () => {
  it('loses no effect and doubles none when its process is killed at any moment', async () => {
    const fw = await startFlywheel();
    const dataDir = fw.dataDir;
    const shop = await newShop(fw, '断电测试');
    const orders = Array.from({ length: 400 }, (_, i) => paidOrder(`kill-${i}`, `c${i % 50}`, 1000 + i));
    for (let i = 0; i < orders.length; i += 100) await fw.commerce.upsert(shop.shopId, 'orders', orders.slice(i, i + 100));
    await fw.close();

    let kills = 0;
    // Killed after a few rounds each time, while batches and jobs are in flight.
    for (const line of [3, 20, 57, 9, 140, 33]) if ((await runWorker(dataDir, line)) === 'killed') kills++;
    expect(await runWorker(dataDir)).toBe('done');

    const check = await startFlywheel({ dataDir });
    try {
      const rows = (await sql<{ source: string; key: string; n: number }>`select source, key, count(*)::int as n from kill_effects where shop_id = ${shop.shopId} group by 1, 2`.execute(check.db)).rows;
      const events = rows.filter((r) => r.source === 'event');
      const jobs = rows.filter((r) => r.source === 'job');
      expect([events.length, jobs.length]).toEqual([400, 400]);
      expect(rows.filter((r) => r.n !== 1)).toEqual([]);
      expect(kills).toBe(6);
      const pending = await check.db.selectFrom('jobs').select((eb) => eb.fn.countAll().as('n')).where('queue', '=', 'kill-test').where('shop_id', '=', shop.shopId).where('done_at', 'is', null).executeTakeFirstOrThrow();
      expect(Number(pending.n)).toBe(0);
    } finally {
      await check.close();
    }
  }, 180_000);
});
