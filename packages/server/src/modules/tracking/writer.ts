/** The DuckDB writes of tracking: events appended column by column as vectors, identity links row by row. */
import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk, DuckDBTimestampTZValue, TIMESTAMPTZ, VARCHAR, type DuckDBAppender, type DuckDBType } from '@duckdb/node-api';
import type { AnalyticsStore } from '../../platform/analytics-store';
import type { IdentityRow } from './identities';
import { valueAt, type PreparedColumn, type PreparedEvents } from './prepare';

/** Prepared events of one call about to be stored: the rows kept (`rows`, indices into `events`) with their sessions. */
export interface EventBatch { shopId: string; events: PreparedEvents; rows: number[]; sessionIds: string[]; channels: string[] }

/** What one call stores: its events and the identity links they state for the first time. */
export interface CallWrite { batch: EventBatch; identities: IdentityRow[] }

/** Stores the events and links of several calls in one transaction. */
export function writeCalls(store: AnalyticsStore, calls: readonly CallWrite[]): Promise<void> {
  return store.write(async (_conn, append) => {
    const events = await append('events');
    for (const c of calls) appendEvents(events, c.batch);
    const links = calls.flatMap((c) => c.identities);
    if (links.length > 0) {
      const id = await append('identities');
      for (const l of links) { id.appendVarchar(l.shopId); id.appendVarchar(l.anonymousId); id.appendVarchar(l.userId); id.appendTimestampTZ(tz(l.ts)); id.endRow(); }
    }
  });
}

const tz = (ms: number) => new DuckDBTimestampTZValue(BigInt(ms) * 1000n);

const CHUNK_ROWS = 2048; // DuckDB's vector size
const allValid = () => new Uint8Array(CHUNK_ROWS / 8).fill(255).buffer;
/** The `events` table's 22 columns: VARCHAR except the two timestamps (ts, received_at). */
const EVENT_TYPES: DuckDBType[] = Array.from({ length: 22 }, (_, i) => (i === 6 || i === 7 ? TIMESTAMPTZ : VARCHAR));

type ColumnWriter = (vector: duckdb.Vector, start: number, n: number) => void;

/** A VARCHAR column: one call into DuckDB a value, the nulls as one mask. */
const textColumn = (value: (i: number) => string | null): ColumnWriter => (vector, start, n) => {
  let validity: ArrayBuffer | undefined;
  for (let i = 0; i < n; i++) {
    const v = value(start + i);
    if (v !== null) duckdb.vector_assign_string_element(vector, i, v);
    else new Uint8Array((validity ??= allValid()))[i >> 3] &= ~(1 << (i & 7));
  }
  if (validity) {
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, validity, 0, validity.byteLength);
  }
};

/** A TIMESTAMPTZ column from epoch milliseconds: int64 microseconds written as two 32-bit halves (no BigInt a value). */
const timeColumn = (ms: (i: number) => number): ColumnWriter => (vector, start, n) => {
  const micros = new Int32Array(new ArrayBuffer(8 * n));
  for (let i = 0; i < n; i++) {
    const us = ms(start + i) * 1000;
    const high = Math.floor(us / 4294967296);
    micros[2 * i] = us - high * 4294967296;
    micros[2 * i + 1] = high;
  }
  duckdb.copy_data_to_vector(vector, 0, micros.buffer, 0, micros.byteLength);
};

/** The same value on every row: one constant vector. */
const constantColumn = (value: duckdb.Value): ColumnWriter => (vector) => duckdb.vector_reference_value(vector, value);

/** Appends column by column in data chunks: far fewer crossings into DuckDB than value by value. */
function appendEvents(appender: DuckDBAppender, batch: EventBatch) {
  const { events, rows, sessionIds, channels } = batch;
  const text = (column: PreparedColumn) => textColumn((i) => valueAt(events, column, rows[i]));
  const writers: ColumnWriter[] = [
    constantColumn(duckdb.create_varchar(batch.shopId)), text('messageId'), text('type'), text('event'), text('anonymousId'), text('userId'),
    timeColumn((i) => events.ts[rows[i]]), timeColumn((i) => events.receivedAt[rows[i]]), textColumn((i) => sessionIds[i]), textColumn((i) => channels[i]),
    text('utmSource'), text('utmMedium'), text('utmCampaign'), text('referrer'), text('url'), text('path'), text('productId'), text('sku'), text('category'),
    text('orderId'), text('query'), text('properties'),
  ];
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows.length - start);
    const chunk = DuckDBDataChunk.create(EVENT_TYPES, n);
    writers.forEach((write, column) => write(duckdb.data_chunk_get_vector(chunk.chunk, column), start, n));
    appender.appendDataChunk(chunk);
  }
}
