import { sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AnalyticsStore } from './analytics-store';
import type { Db, Migration } from './db';

export const outboxMigrations: Migration[] = [
  {
    id: 'platform/001_outbox',
    statements: [
      `create table outbox (
        id bigserial primary key,
        shop_id text not null,
        topic text not null,
        key text not null,
        payload jsonb not null,
        created_at timestamptz not null default now()
      )`,
    ],
  },
];

export interface OutboxMessage {
  topic: string;
  key: string;
  payload: unknown;
}

/**
 * Adds domain events to the outbox inside the caller's transaction. The advisory lock is held to
 * commit, so outbox ids become visible in id order and the projector never skips a late commit.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function enqueue(trx: Transaction<any>, shopId: string, messages: readonly OutboxMessage[]) {
  if (messages.length === 0) return;
  await sql`select pg_advisory_xact_lock(7200602)`.execute(trx);
  await trx
    .insertInto('outbox')
    .values(messages.map((m) => ({ shop_id: shopId, topic: m.topic, key: m.key, payload: JSON.stringify(m.payload) })))
    .execute();
}

export interface ProjectedMessage<P = unknown> {
  id: number;
  shopId: string;
  key: string;
  payload: P;
}

/** Applies one topic's messages (the newest per key, in id order) to DuckDB inside the projector's transaction. */
export type Projection = (conn: DuckDBConnection, messages: ProjectedMessage[]) => Promise<void>;

const CHECKPOINT_DDL = `create table if not exists projector_checkpoint (name varchar primary key, last_id bigint not null)`;

/**
 * Moves outbox rows into the analytics store. Each batch and the checkpoint are written in one DuckDB
 * transaction, and projections replace rows by key, so a crash anywhere means the batch is applied
 * again from the checkpoint: DuckDB never holds a row twice nor misses one.
 */
export class OutboxProjector {
  private running: Promise<number> | undefined;
  /** Test hook: runs after the batch is applied in DuckDB, before it commits. */
  beforeCommit: (() => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly store: AnalyticsStore,
    private readonly projections: Record<string, Projection>,
    private readonly log: Logger,
    private readonly intervalMs: number,
    private readonly batchSize = 5000,
    private readonly name = 'analytics',
  ) {}

  async init() { await this.store.ensureSchemas([{ name: 'projector', statements: [CHECKPOINT_DDL] }]); }

  /** Applies everything committed so far; resolves with the number of outbox rows applied. */
  async drain(): Promise<number> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.drainLoop();
    try { return await this.running; } finally { this.running = undefined; }
  }

  private async drainLoop(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.applyBatch();
      total += n;
      if (n < this.batchSize) return total;
    }
  }

  async lastAppliedId(): Promise<number> {
    const row = await this.store.one<{ last_id: number }>(`select last_id from projector_checkpoint where name = ?`, [this.name]);
    return row?.last_id ?? 0;
  }

  private async applyBatch(): Promise<number> {
    const after = await this.lastAppliedId();
    const rows = await this.db
      .selectFrom('outbox')
      .select(['id', 'shop_id', 'topic', 'key', 'payload'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(this.batchSize)
      .execute();
    if (rows.length === 0) return 0;
    const byTopic = new Map<string, Map<string, ProjectedMessage>>();
    for (const r of rows) {
      if (!this.projections[r.topic]) continue;
      let latest = byTopic.get(r.topic);
      if (!latest) byTopic.set(r.topic, (latest = new Map()));
      const payload = typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload;
      latest.set(`${r.shop_id}\u0000${r.key}`, { id: Number(r.id), shopId: r.shop_id, key: r.key, payload });
    }
    const lastId = Number(rows[rows.length - 1].id);
    await this.store.write(async (conn) => {
      for (const [topic, messages] of byTopic) await this.projections[topic](conn, [...messages.values()]);
      await conn.run(`insert or replace into projector_checkpoint values (?, ?)`, [this.name, lastId]);
      this.beforeCommit?.();
    });
    return rows.length;
  }
}

/** Several modules' projections, those of one topic run one after the other in the projector's transaction. */
export function mergeProjections(...maps: Record<string, Projection>[]): Record<string, Projection> {
  const out: Record<string, Projection> = {};
  for (const map of maps) {
    for (const [topic, projection] of Object.entries(map)) {
      const before = out[topic];
      out[topic] = before ? async (conn, messages) => { await before(conn, messages); await projection(conn, messages); } : projection;
    }
  }
  return out;
}
