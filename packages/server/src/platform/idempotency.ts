import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Migration } from './db';

export const idempotencyMigrations: Migration[] = [
  {
    id: 'platform/002_idempotency_keys',
    statements: [
      `create table idempotency_keys (
        shop_id text not null,
        key text not null,
        fingerprint text not null,
        status integer,
        content_type text,
        body text,
        created_at timestamptz not null default now(),
        completed_at timestamptz,
        primary key (shop_id, key)
      )`,
      `create index idempotency_keys_created on idempotency_keys (created_at)`,
    ],
  },
];

/** How long an answer is kept for a retry under the same key (as Stripe does: a day). */
export const IDEMPOTENCY_HOURS = 24;
/** A claim whose request never answered (the process died) is given up after this. */
const ABANDONED_SECONDS = 60;

export type Claim =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; contentType: string | null; body: string }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

/** What makes two requests "the same" for a key: the route, its parameters and its body. */
export function fingerprintOf(method: string, route: string, params: unknown, body: unknown): string {
  return createHash('sha256').update(JSON.stringify([method, route, params ?? null, body ?? null])).digest('hex');
}

/**
 * `Idempotency-Key` for creating calls: the first request with a key claims it and its answer is
 * kept; a retry with the same key and the same request gets that answer again instead of creating a
 * second plan (or target, key, invitation). The same key with another request is refused. Shared by
 * every server process through Postgres.
 */
export class IdempotencyKeys {
  private lastSweep = 0;

  constructor(private readonly db: Db) {}

  async claim(shopId: string, key: string, fingerprint: string): Promise<Claim> {
    await this.sweep();
    // A row that expired, or whose request was abandoned, is taken over as if it were not there.
    const taken = await sql<{ key: string }>`
      insert into idempotency_keys (shop_id, key, fingerprint) values (${shopId}, ${key}, ${fingerprint})
      on conflict (shop_id, key) do update set fingerprint = excluded.fingerprint, status = null, content_type = null, body = null, created_at = now(), completed_at = null
        where idempotency_keys.created_at < now() - make_interval(hours => ${IDEMPOTENCY_HOURS})
           or (idempotency_keys.completed_at is null and idempotency_keys.created_at < now() - make_interval(secs => ${ABANDONED_SECONDS}))
      returning key`.execute(this.db);
    if (taken.rows.length > 0) return { kind: 'new' };
    const row = await this.db.selectFrom('idempotency_keys').selectAll().where('shop_id', '=', shopId).where('key', '=', key).executeTakeFirst();
    if (!row) return this.claim(shopId, key, fingerprint); // released in between
    if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (row.completed_at === null) return { kind: 'in_progress' };
    return { kind: 'replay', status: Number(row.status), contentType: row.content_type, body: row.body ?? '' };
  }

  async complete(shopId: string, key: string, status: number, contentType: string | null, body: string) {
    await this.db.updateTable('idempotency_keys')
      .set({ status, content_type: contentType, body, completed_at: new Date().toISOString() })
      .where('shop_id', '=', shopId).where('key', '=', key).execute();
  }

  /** The request failed on the server's side: a retry under the key should run again. */
  async release(shopId: string, key: string) {
    await this.db.deleteFrom('idempotency_keys').where('shop_id', '=', shopId).where('key', '=', key).where('completed_at', 'is', null).execute();
  }

  private async sweep() {
    if (Date.now() - this.lastSweep < 3600_000) return;
    this.lastSweep = Date.now();
    await sql`delete from idempotency_keys where created_at < now() - make_interval(hours => ${IDEMPOTENCY_HOURS})`.execute(this.db);
  }
}
