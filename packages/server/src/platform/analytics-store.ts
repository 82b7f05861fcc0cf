import fs from 'node:fs';
import path from 'node:path';
import duckdb from '@duckdb/node-bindings';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { FlywheelError } from './errors';

export type Row = Record<string, unknown>;

/** DDL a module contributes to the analytics store; run at start-up, idempotent (`create ... if not exists`). */
export interface AnalyticsSchema {
  name: string;
  statements: string[];
  /**
   * The tables and views of this schema other modules may read in SQL, each with what readers may
   * rely on. The others are the owner's alone; nobody but the owner writes any of them.
   */
  shared?: Record<string, string>;
}

/**
 * The analytics store: one embedded DuckDB file owned by this process. Writes go through `write`,
 * which serialises them on one connection so group commits and projector batches never interleave;
 * reads take a connection of their own from a small pool and see committed data. A read that runs
 * longer than `queryTimeoutMs` is interrupted and answered 503 `query_timeout`, so no request holds
 * the store for the others.
 */
export class AnalyticsStore {
  private writeQueue: Promise<unknown> = Promise.resolve();
  private readonly idleReaders: DuckDBConnection[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly queryTimeoutMs: number,
  ) {}

  /**
   * `memoryLimit`: DuckDB's `memory_limit` (e.g. `4GB`); DuckDB's default, 80% of RAM, when not given.
   * `queryTimeoutMs`: the longest a read may run (config `queryTimeoutMs`).
   */
  static async open(dataDir: string | null, options: { memoryLimit?: string; queryTimeoutMs?: number } = {}): Promise<AnalyticsStore> {
    const { memoryLimit, queryTimeoutMs = 30_000 } = options;
    let file = ':memory:';
    if (dataDir) {
      fs.mkdirSync(dataDir, { recursive: true });
      file = path.join(dataDir, 'analytics.duckdb');
    }
    // A larger WAL than DuckDB's 16 MB default: each checkpoint rewrites the table's open row groups, so
    // checkpointing every few group commits cost more than the commits themselves during bulk loads.
    const instance = await DuckDBInstance.create(file, { threads: '2', checkpoint_threshold: '256MB', ...(memoryLimit ? { memory_limit: memoryLimit } : {}) });
    return new AnalyticsStore(instance, await instance.connect(), queryTimeoutMs);
  }

  async ensureSchemas(schemas: readonly AnalyticsSchema[]) {
    await this.write(async (conn) => {
      for (const schema of schemas) for (const statement of schema.statements) await conn.run(statement);
    });
  }

  /** Runs `work` alone on the writer connection inside one transaction; rolls back if it throws. */
  write<T>(work: (conn: DuckDBConnection, append: (table: string) => Promise<DuckDBAppender>) => Promise<T>): Promise<T> {
    const run = async () => {
      await this.writer.run('begin transaction');
      const appenders: DuckDBAppender[] = [];
      try {
        const result = await work(this.writer, async (table) => {
          const appender = await this.writer.createAppender(table);
          appenders.push(appender);
          return appender;
        });
        for (const a of appenders) a.closeSync();
        await this.writer.run('commit');
        return result;
      } catch (error) {
        for (const a of appenders) { try { a.closeSync(); } catch { /* already failed */ } }
        await this.writer.run('rollback').catch(() => undefined);
        throw error;
      }
    };
    const next = this.writeQueue.then(run, run);
    this.writeQueue = next.catch(() => undefined);
    return next;
  }

  /** Named parameters (`$shop`) may be given in a superset: only those the statement uses are bound. */
  async all<T extends Row = Row>(sql: string, params: DuckDBValue[] | Record<string, DuckDBValue> = []): Promise<T[]> {
    const reader = await this.read((conn) => conn.runAndReadAll(sql, Array.isArray(params) ? params : bindUsed(sql, params)));
    return reader.getRowObjectsJS().map((row) => normalizeRow(row) as T);
  }

  /** Runs `work` on a reader connection of its own, interrupted after `timeoutMs`. */
  private async read<T>(work: (conn: DuckDBConnection) => Promise<T>, timeoutMs = this.queryTimeoutMs): Promise<T> {
    const conn = this.idleReaders.pop() ?? await this.instance.connect();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; conn.interrupt(); }, timeoutMs);
    try {
      return await work(conn);
    } catch (error) {
      if (timedOut) {
        throw new FlywheelError('query_timeout', `the query ran longer than ${timeoutMs / 1000} s and was stopped: ask for a shorter period, a coarser grain or fewer breakdowns`);
      }
      throw error;
    } finally {
      clearTimeout(timer);
      if (this.idleReaders.length < MAX_IDLE_READERS) this.idleReaders.push(conn);
      else conn.closeSync();
    }
  }

  async one<T extends Row = Row>(sql: string, params: DuckDBValue[] | Record<string, DuckDBValue> = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /**
   * Streams a result of fixed-width, non-null columns (numbers, hashes, timestamps as numbers) chunk by
   * chunk as raw bytes: `widths[i]` is column i's byte width; `onChunk` gets one buffer per column and
   * the chunk's row count. For bulk reads into typed arrays, without one JS value per cell. Runs on a
   * connection of its own. Bulk loads (the funnel engine's cache) are not bound by the query timeout:
   * their size is the shop's, not the request's, and a request waits on them at most once.
   */
  async scanColumns(sql: string, params: Record<string, DuckDBValue>, widths: readonly number[], onChunk: (columns: Uint8Array[], rows: number) => void) {
    await this.read(async (conn) => {
      const result = await conn.stream(sql, bindUsed(sql, params));
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const rows = chunk.rowCount;
        onChunk(widths.map((w, i) => duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, i), rows * w)), rows);
      }
    }, 2 ** 31 - 1);
  }

  async checkpoint() { await this.write(async (conn) => { await conn.run('checkpoint'); }).catch(() => undefined); }

  async close() {
    await this.writeQueue.catch(() => undefined);
    this.writer.closeSync();
    for (const conn of this.idleReaders.splice(0)) conn.closeSync();
    this.instance.closeSync();
  }
}

/** Reader connections kept open between queries; more are opened while more queries run at once. */
const MAX_IDLE_READERS = 4;

/** DuckDB refuses a named parameter the statement does not use: binds only those it does (`$shop`). */
function bindUsed(sql: string, params: Record<string, DuckDBValue>): Record<string, DuckDBValue> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql)));
}

/** DuckDB returns BIGINT as bigint and timestamps as Date; the API speaks numbers and ISO strings. */
function normalizeRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = normalizeValue(v);
  return out;
}

function normalizeValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(normalizeValue);
  return v;
}

/**
 * Inserts plain objects into a DuckDB table in one statement: the rows travel as one JSON parameter
 * and are unnested and cast to the column types inside DuckDB.
 */
export async function insertRows(conn: DuckDBConnection, table: string, columns: Record<string, string>, rows: readonly object[]) {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  const spec = JSON.stringify([Object.fromEntries(names.map((n) => [n, columns[n].endsWith('[]') ? ['VARCHAR'] : 'VARCHAR']))]);
  const select = names.map((n) => `r."${n}"::${columns[n]}`).join(', ');
  const json = JSON.stringify(rows.map((row) => Object.fromEntries(names.map((n) => [n, (row as Record<string, unknown>)[n] ?? null]))));
  await conn.run(`insert into ${table} (${names.map((n) => `"${n}"`).join(', ')}) select ${select} from (select unnest(from_json(?::json, '${spec}')) as r)`, [json]);
}

/** Deletes the rows of a shop whose key (a column, or an SQL expression for a composite key) is in `keys`. */
export async function deleteKeys(conn: DuckDBConnection, table: string, shopId: string, keyExpr: string, keys: readonly string[]) {
  if (keys.length === 0) return;
  await conn.run(`delete from ${table} where shop_id = ? and ${keyExpr} in (select unnest(from_json(?::json, '["VARCHAR"]')))`, [shopId, JSON.stringify(keys)]);
}
