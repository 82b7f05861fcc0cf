import type { ProductRecord } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import type { Trx } from '../../platform/jobs';
import type { DomainEvent } from '../../platform/subscribers';
import { normalizeCategory } from './pricing/scope';
import type { CatalogItem } from './pricing/types';
import type { ShopVersions } from './versions';

/** The subscription that keeps the catalogue (its checkpoint in subscriber_checkpoints). */
export const CATALOG_SUBSCRIBER = 'promotions.catalog';

/**
 * The catalogue pricing reads (SKU price, category, cost, title): kept from commerce's
 * `product.upserted` events in this module's own table, so pricing never reads commerce's tables,
 * and held in memory per shop (a SKU looked up once, until the catalogue's version moves).
 */
export class Catalog {
  private readonly cache = new Map<string, { version: number; items: Map<string, CatalogItem | null> }>();

  constructor(private readonly db: Db, private readonly versions: ShopVersions) {}

  /** Applies product events in the subscriber's transaction (its checkpoint commits with them). */
  async apply(trx: Trx, events: readonly DomainEvent[]) {
    const shops = new Set<string>();
    for (const event of events) {
      const product = event.payload as ProductRecord;
      const skus = product.skus.map((s) => s.sku);
      await trx.deleteFrom('promotion_catalog').where('shop_id', '=', event.shopId).where('product_id', '=', product.externalId).where('sku', 'not in', skus).execute();
      await trx.insertInto('promotion_catalog')
        .values(product.skus.map((s) => ({ shop_id: event.shopId, sku: s.sku, product_id: product.externalId, title: product.title, category: normalizeCategory(product.category), price: s.price, cost: s.cost ?? null })))
        .onConflict((oc) => oc.columns(['shop_id', 'sku']).doUpdateSet((eb) => ({ product_id: eb.ref('excluded.product_id'), title: eb.ref('excluded.title'), category: eb.ref('excluded.category'), price: eb.ref('excluded.price'), cost: eb.ref('excluded.cost') })))
        .execute();
      shops.add(event.shopId);
    }
    for (const shopId of shops) {
      await this.versions.bump(trx, shopId, 'catalog');
      this.versions.stale(shopId);
    }
  }

  /** The SKUs the catalogue knows (unknown ones are absent). */
  async lookup(shopId: string, skus: readonly string[]): Promise<Map<string, CatalogItem>> {
    const version = (await this.versions.current(shopId)).catalog;
    let shop = this.cache.get(shopId);
    if (!shop || shop.version !== version) {
      shop = { version, items: new Map() };
      this.cache.set(shopId, shop);
    }
    const missing = skus.filter((s) => !shop.items.has(s));
    if (missing.length > 0) {
      // A shop with a large catalogue keeps at most this many SKUs in memory.
      if (shop.items.size > 200_000) shop.items.clear();
      const rows = await this.db.selectFrom('promotion_catalog').select(['sku', 'title', 'category', 'price', 'cost']).where('shop_id', '=', shopId).where('sku', 'in', [...new Set(missing)]).execute();
      for (const s of missing) shop.items.set(s, null);
      for (const r of rows) shop.items.set(r.sku as string, { sku: r.sku as string, title: (r.title as string | null) ?? null, category: (r.category as string | null) ?? null, price: Number(r.price), cost: r.cost == null ? null : Number(r.cost) });
    }
    const out = new Map<string, CatalogItem>();
    for (const s of skus) { const item = shop.items.get(s); if (item) out.set(s, item); }
    return out;
  }
}
