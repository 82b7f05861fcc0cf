import type { ChangeConvention, ChannelMapping } from '@flywheel/contracts';

/** What the modules read of a shop's settings. */
export interface ShopContext {
  shopId: string;
  name: string;
  timezone: string;
  currency: string;
  /** How the shop colours changes (涨红跌绿 unless it says otherwise). */
  changeColours: ChangeConvention;
  channelMapping: ChannelMapping | null;
}

/**
 * The one cached lookup of shops' settings that every module reads (time zone, currency, name,
 * channel mapping). A change made here drops the shop's copy at once; a change made by another server
 * process is seen within `ttlMs`.
 */
export class ShopLookup {
  private readonly cache = new Map<string, { at: number; shop: Promise<ShopContext> }>();

  constructor(private readonly load: (shopId: string) => Promise<ShopContext>, private readonly ttlMs = 10_000) {}

  get(shopId: string): Promise<ShopContext> {
    const hit = this.cache.get(shopId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.shop;
    const shop = this.load(shopId);
    this.cache.set(shopId, { at: Date.now(), shop });
    shop.catch(() => { if (this.cache.get(shopId)?.shop === shop) this.cache.delete(shopId); });
    return shop;
  }

  changed(shopId: string) {
    this.cache.delete(shopId);
  }
}
