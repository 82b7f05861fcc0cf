import { sql } from 'kysely';
import type { Db } from '../../platform/db';
import type { Trx } from '../../platform/jobs';

export type Versioned = 'promotions' | 'catalog';
export interface ShopVersion { promotions: number; catalog: number }

/** How long a process trusts what it holds in memory before it looks whether another process changed it. */
export const REFRESH_MS = 1000;

/**
 * The versions of a shop's promotions and catalogue. Every change bumps its version in the change's
 * transaction; a process rebuilds what it keeps in memory when the version moved, looking at most
 * every REFRESH_MS (at once after a change made here).
 */
export class ShopVersions {
  private readonly seen = new Map<string, { version: ShopVersion; at: number }>();
  /** Shops changed here lately: looked at on every read for a while, as the change may not have committed yet. */
  private readonly recheck = new Map<string, number>();

  constructor(private readonly db: Db, private readonly refreshMs = REFRESH_MS) {}

  async bump(trx: Trx, shopId: string, what: Versioned): Promise<void> {
    await sql`insert into promotion_versions (shop_id, ${sql.ref(what)}) values (${shopId}, 1)
      on conflict (shop_id) do update set ${sql.ref(what)} = promotion_versions.${sql.ref(what)} + 1`.execute(trx);
  }

  /** After a change committed here: the next read looks at the versions again. */
  stale(shopId: string) {
    this.seen.delete(shopId);
    this.recheck.set(shopId, Date.now() + this.refreshMs);
  }

  async current(shopId: string): Promise<ShopVersion> {
    const known = this.seen.get(shopId);
    const now = Date.now();
    const until = this.recheck.get(shopId);
    const rechecking = until !== undefined && until > now;
    if (until !== undefined && !rechecking) this.recheck.delete(shopId);
    if (known && now - known.at < this.refreshMs && !rechecking) return known.version;
    const row = await this.db.selectFrom('promotion_versions').select(['promotions', 'catalog']).where('shop_id', '=', shopId).executeTakeFirst();
    const version = { promotions: Number(row?.promotions ?? 0), catalog: Number(row?.catalog ?? 0) };
    this.seen.set(shopId, { version, at: now });
    return version;
  }
}
