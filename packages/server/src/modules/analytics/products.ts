import type { Dimension, ProductAnalyticsQuery, ProductAnalyticsResult, ProductLevel, ProductRow } from '@flywheel/contracts';
import { evaluate, type Measure, type MeasureValues } from './metric-layer';
import { period, previousPeriod } from './periods';
import type { AnalyticsService, ShopContext } from './service';

const dimensionOf: Record<ProductLevel, Dimension> = { sku: 'sku', spu: 'product', category: 'category' };

/** Everything a product row shows, as measures of the metric layer cut by the product's dimension. */
const PRODUCT_MEASURES: Measure[] = ['product_views', 'product_viewers', 'cart_visitors', 'buyers', 'units', 'sales', 'refunds', 'cogs'];

/** Catalogue titles of the keys shown (a category is its own name). */
async function titles(analytics: AnalyticsService, shop: ShopContext, level: ProductLevel, keys: string[]): Promise<Map<string, string>> {
  if (level === 'category' || keys.length === 0) return new Map();
  const rows = level === 'sku'
    ? await analytics.store.all<{ key: string; title: string }>(`select k.sku as key, any_value(p.title) as title from skus k join products p on p.shop_id = k.shop_id and p.product_id = k.product_id
        where k.shop_id = $shop and k.sku in (select unnest(from_json($keys, '["VARCHAR"]'))) group by 1`, { shop: shop.shopId, keys: JSON.stringify(keys) })
    : await analytics.store.all<{ key: string; title: string }>(`select product_id as key, any_value(title) as title from products
        where shop_id = $shop and product_id in (select unnest(from_json($keys, '["VARCHAR"]'))) group by 1`, { shop: shop.shopId, keys: JSON.stringify(keys) });
  return new Map(rows.map((r) => [r.key, r.title]));
}

/**
 * Product analytics per SKU, SPU or category: traffic (views, viewers, add-to-cart), sales (buyers,
 * units, sales allocated from each order's paid amount by line value), conversion (buyers per viewer),
 * refund rate and margin as the metric layer defines them, and the top movers against the previous
 * period. Every figure is a measure of the metric layer cut by the product's dimension.
 */
export async function productAnalytics(analytics: AnalyticsService, shop: ShopContext, q: ProductAnalyticsQuery): Promise<ProductAnalyticsResult> {
  const p = period(q.from, q.to, shop.timezone);
  const prev = previousPeriod(p, 'previous_period', shop.timezone);
  const level = { kind: 'breakdown' as const, dimension: dimensionOf[q.level] };
  const now = await analytics.measureValues(shop, p, PRODUCT_MEASURES, level, {});
  const before = await analytics.measureValues(shop, prev, ['sales'], level, {});
  const names = await titles(analytics, shop, q.level, [...new Set([...now.keys(), ...before.keys()])]);

  const row = (key: string, m: MeasureValues): ProductRow => {
    const { refund_rate: refundRate, gross_margin: grossMargin } = evaluate(['refund_rate', 'gross_margin'], m);
    const sales = Math.round(m.sales ?? 0);
    const visitors = m.product_viewers ?? 0;
    const previousSales = Math.round(before.get(key)?.sales ?? 0);
    return {
      key, title: names.get(key) ?? null, views: m.product_views ?? 0, visitors, addToCart: m.cart_visitors ?? 0, buyers: m.buyers ?? 0, units: m.units ?? 0,
      sales, conversionRate: visitors === 0 ? null : (m.buyers ?? 0) / visitors, refundRate, grossMargin, previousSales, salesChange: sales - previousSales,
    };
  };
  const items = [...now.entries()].map(([key, m]) => row(key, m));
  // What sold before and nothing now is a mover too.
  for (const key of before.keys()) if (!now.has(key)) items.push(row(key, {}));
  items.sort((a, b) => b.sales - a.sales || b.views - a.views || a.key.localeCompare(b.key));
  const movers = items.filter((i) => i.salesChange !== 0).sort((a, b) => Math.abs(b.salesChange) - Math.abs(a.salesChange) || a.key.localeCompare(b.key)).slice(0, 10);
  return { level: q.level, previous: { from: prev.from, to: prev.to }, items: items.filter((i) => i.sales > 0 || i.views > 0).slice(0, q.limit), topMovers: movers };
}
