import crypto from 'node:crypto';
import path from 'node:path';
import pg from 'pg';

/**
 * On PostgreSQL (DATABASE_URL set, as in CI's second run) every test data dir gets its own database,
 * as it gets its own PGlite on the embedded default: accounts, shops, the outbox and the subscribers'
 * checkpoints (whose DuckDB marks belong to that dir's DuckDB file) are never shared between tests.
 * The name derives from the dir, so a process the test spawns on the same dir finds the same database.
 * Returns the environment that points a process at it (empty on PGlite).
 */
export async function databaseEnv(dataDir: string): Promise<{ DATABASE_URL?: string }> {
  const base = process.env.DATABASE_URL;
  if (!base) return {};
  const url = new URL(base);
  const name = `${url.pathname.slice(1) || 'postgres'}_${crypto.createHash('sha1').update(path.resolve(dataDir)).digest('hex').slice(0, 12)}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } catch (err) {
    // 42P04: it exists (this dir's earlier Flywheel); 23505: another process created it just now.
    const code = (err as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw err;
  } finally {
    await client.end();
  }
  url.pathname = `/${name}`;
  return { DATABASE_URL: url.toString() };
}
