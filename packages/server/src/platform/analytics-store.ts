import fs from 'node:fs';
import path from 'node:path';
import duckdb from '@duckdb/node-bindings';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

/** DDL a module contributes to the analytics store; run at start-up, idempotent (`create ... if not exists`). */
export interface AnalyticsSchema {
  name: string;
  statements: string[];
}

/**
 * The analytics store: one embedded DuckDB file owned by this process. Writes go through `write`,
 * which serialises them on one connection so group commits and projector batches never interleave;
 * reads use their own connection and see committed data.
 */
export class AnalyticsStore {
  private writeQueue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
  ) {}

  /** `memoryLimit`: DuckDB's `memory_limit` (e.g. `4GB`); DuckDB's default, 80% of RAM, when not given. */
  static async open(dataDir: string | null, memoryLimit?: string): Promise<AnalyticsStore> {
    let file = ':memory:';
    if (dataDir) {
      fs.mkdirSync(dataDir, { recursive: true });
      file = path.join(dataDir, 'analytics.duckdb');
    }
    // A larger WAL than DuckDB's 16 MB default: each checkpoint rewrites the table's open row groups, so
    // checkpointing every few group commits cost more than the commits themselves during bulk loads.
    const instance = await DuckDBInstance.create(file, { threads: '2', checkpoint_threshold: '256MB', ...(memoryLimit ? { memory_limit: memoryLimit } : {}) });
    const store = new AnalyticsStore(instance, await instance.connect(), await instance.connect());
    return store;
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
    const reader = await this.reader.runAndReadAll(sql, Array.isArray(params) ? params : bindUsed(sql, params));
    return reader.getRowObjectsJS().map((row) => normalizeRow(row) as T);
  }

  async one<T extends Row = Row>(sql: string, params: DuckDBValue[] | Record<string, DuckDBValue> = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /**
   * Streams a result of fixed-width, non-null columns (numbers, hashes, timestamps as numbers) chunk by
   * chunk as raw bytes: `widths[i]` is column i's byte width; `onChunk` gets one buffer per column and
   * the chunk's row count. For bulk reads into typed arrays, without one JS value per cell. Runs on a
   * connection of its own: a query on the shared reader would end the stream.
   */
  async scanColumns(sql: string, params: Record<string, DuckDBValue>, widths: readonly number[], onChunk: (columns: Uint8Array[], rows: number) => void) {
    const conn = await this.instance.connect();
    try {
      const result = await conn.stream(sql, bindUsed(sql, params));
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const rows = chunk.rowCount;
        onChunk(widths.map((w, i) => duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, i), rows * w)), rows);
      }
    } finally {
      conn.closeSync();
    }
  }

  async checkpoint() { await this.write(async (conn) => { await conn.run('checkpoint'); }).catch(() => undefined); }

  async close() {
    await this.writeQueue.catch(() => undefined);
    this.writer.closeSync();
    this.reader.closeSync();
    this.instance.closeSync();
  }
}

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
