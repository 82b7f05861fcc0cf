import type { AnalyticsStore } from '../../platform/analytics-store';
import type { PreparedEvents } from './prepare';

/** One anonymousId -> userId link as the `identities` table stores it. */
export interface IdentityRow { shopId: string; anonymousId: string; userId: string; ts: number }

const linkKey = (shopId: string, anonymousId: string, userId: string) => `${shopId}|${anonymousId}|${userId}`;

/**
 * Identity stitching: the anonymousId -> userId links stored (or being stored), so that each link is
 * written once. The `identity_links` view reads them (schema.ts).
 */
export class IdentityLinks {
  private readonly linked = new Set<string>();

  /** Rebuilds the links from what DuckDB already holds. */
  async load(store: AnalyticsStore) {
    const links = await store.all<{ shop_id: string; anonymous_id: string; user_id: string }>(`select distinct shop_id, anonymous_id, user_id from identities`);
    for (const l of links) this.linked.add(linkKey(l.shop_id, l.anonymous_id, l.user_id));
  }

  /** The links that the kept rows state for the first time, to store with them; from now on they count as stored. */
  claim(shopId: string, events: PreparedEvents, kept: Uint8Array): IdentityRow[] {
    const identities: IdentityRow[] = [];
    for (const [r, anonymousId, userId] of events.links) {
      const link = linkKey(shopId, anonymousId, userId);
      if (kept[r] && !this.linked.has(link)) { this.linked.add(link); identities.push({ shopId, anonymousId, userId, ts: events.ts[r] }); }
    }
    return identities;
  }

  /** The person was erased (their links now name an anonymous id): a later link to this userId is a new one. */
  forget(shopId: string, userId: string) {
    for (const link of this.linked) if (link.startsWith(`${shopId}|`) && link.endsWith(`|${userId}`)) this.linked.delete(link);
  }

  /** Their commit failed: the links are not stored after all. */
  release(identities: readonly IdentityRow[]) {
    for (const i of identities) this.linked.delete(linkKey(i.shopId, i.anonymousId, i.userId));
  }
}
