import fs from 'node:fs';
import path from 'node:path';
import { FlywheelError } from './errors';

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * The embedded stores (PGlite, DuckDB) belong to one process. The lock file names it, so a second
 * `flywheel` on the same data dir says which process holds it instead of failing inside a database.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'flywheel.pid');
  try {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    if (pid && pid !== process.pid && alive(pid)) {
      throw new FlywheelError('conflict', `the data dir ${dataDir} is in use by flywheel process ${pid}; stop it first, or send the data to that server over HTTP (e.g. POST /v1/import/{entity})`);
    }
  } catch (e) {
    if (e instanceof FlywheelError) throw e;
  }
  fs.writeFileSync(file, String(process.pid));
  return () => { try { if (Number(fs.readFileSync(file, 'utf8')) === process.pid) fs.unlinkSync(file); } catch { /* gone already */ } };
}
