import type { AnalyticsStore } from '../../platform/analytics-store';
import type { PreparedEvents } from './prepare';

/** One anonymousId -> userId link as the `identities` table stores it. */
export interface IdentityRow { shopId: string; anonymousId: string; userId: string; ts: number }

const linkKey = (shopId: string, anonymousId: string, userId: string) => `${shopId}|${anonymousId}|${userId}`;

/**
 * Identity stitching: the anonymousId -> userId links stored (or being stored), each with the earliest
 * event time it is stored at, so that a link is written again only when an event states it earlier
 * than before. The `identity_links` view (schema.ts) takes a device's customer to be the one linked at
 * the earliest time, so it depends on when links were made, not on the order their calls arrived in.
 */
export class IdentityLinks {
  private readonly linked = new Map<string, number>();

  /** Rebuilds the links from what DuckDB already holds. */
  async load(store: AnalyticsStore) {
    const links = await store.all<{ shop_id: string; anonymous_id: string; user_id: string; ts: number }>(
      `select shop_id, anonymous_id, user_id, epoch_ms(min(ts)) as ts from identities group by all`);
    for (const l of links) this.linked.set(linkKey(l.shop_id, l.anonymous_id, l.user_id), Number(l.ts));
  }

  /** The links that the kept rows state for the first time or earlier than stored, to store with them; from now on they count as stored. */
  claim(shopId: string, events: PreparedEvents, kept: Uint8Array): IdentityRow[] {
    const identities: IdentityRow[] = [];
    for (const [r, anonymousId, userId] of events.links) {
      const link = linkKey(shopId, anonymousId, userId);
      const [ts, stored] = [events.ts[r], this.linked.get(link)];
      if (kept[r] && (stored === undefined || ts < stored)) { this.linked.set(link, ts); identities.push({ shopId, anonymousId, userId, ts }); }
    }
    return identities;
  }

  /** The person was erased (their links now name an anonymous id): a later link to this userId is a new one. */
  forget(shopId: string, userId: string) {
    for (const link of this.linked.keys()) if (link.startsWith(`${shopId}|`) && link.endsWith(`|${userId}`)) this.linked.delete(link);
  }

  /** Their commit failed: the links are not stored after all. */
  release(identities: readonly IdentityRow[]) {
    for (const i of identities) this.linked.delete(linkKey(i.shopId, i.anonymousId, i.userId));
  }
}
