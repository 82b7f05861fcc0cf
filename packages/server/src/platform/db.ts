import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from './config';
import { PGliteDialect } from './pglite-dialect';

/** A module's migration: plain SQL statements that run on PostgreSQL 15+ and on embedded PGlite alike. */
export interface Migration {
  id: string;
  statements: string[];
}

// bigint columns come back as strings from pg; Flywheel's counts and minor units fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = Kysely<any>;

/** Whether a statement failed on a unique constraint (Postgres 23505): another writer got there first. */
export const isUniqueViolation = (error: unknown) => (error as { code?: string })?.code === '23505';

export async function openDatabase(config: Config): Promise<Db> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
    return new Kysely({ dialect: new PostgresDialect({ pool }) });
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = path.join(config.dataDir, 'pg');
  fs.mkdirSync(dir, { recursive: true });
  const pglite = new PGlite(dir);
  await pglite.waitReady;
  // PGlite returns int8 as bigint by default; align with the pg driver above.
  return new Kysely({ dialect: new PGliteDialect(pglite) });
}

/** Applies the migrations not yet applied, in order, under an advisory lock so several processes may start at once. */
export async function migrate(db: Db, migrations: readonly Migration[]): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(7200601)`.execute(trx);
    await sql`create table if not exists flywheel_migrations (id text primary key, applied_at timestamptz not null default now())`.execute(trx);
    const done = new Set((await sql<{ id: string }>`select id from flywheel_migrations`.execute(trx)).rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      for (const statement of m.statements) await sql.raw(statement).execute(trx);
      await sql`insert into flywheel_migrations (id) values (${m.id})`.execute(trx);
      applied.push(m.id);
    }
    return applied;
  });
}
