import type { ProductAnalyticsQuery, ProductAnalyticsResult, ProductLevel } from '@flywheel/contracts';
import type { AnalyticsStore } from '../../platform/analytics-store';
import { period, previousPeriod, type Period } from './periods';
import type { ShopContext } from './service';



const keyOf: Record<ProductLevel, { line: string; event: string }> = {
  sku: { line: 'i.sku', event: 'e.sku' },
  spu: { line: 'i.product_id', event: 'e.product_id' },
  category: { line: `coalesce(p.category_l1, 'unknown')`, event: `split_part(e.category, '/', 1)` },
};

async function productRows(store: AnalyticsStore, shop: ShopContext, p: Period, level: ProductLevel) {
  const k = keyOf[level];
  return store.all<Record<string, number | string | null>>(`
    with views as (
      select ${k.event} as key, count_if(e.event = 'Product Viewed') as views,
             count(distinct case when e.event = 'Product Viewed' then e.person_id end) as visitors,
             count(distinct case when e.event = 'Product Added' then e.person_id end) as add_to_cart
      from tracked_events e
      where e.shop_id = $shop and e.ts >= $start and e.ts < $end and e.event in ('Product Viewed', 'Product Added') and ${k.event} is not null
      group by 1),
    paid as (select order_id, customer_id, paid_amount from orders where shop_id = $shop and paid_at >= $start and paid_at < $end),
    refunded as (select order_id, sum(amount) as refunded from refunds where shop_id = $shop and order_id in (select order_id from paid) group by 1),
    lines as (
      select ${k.line} as key, i.order_id, o.customer_id, i.quantity,
             o.paid_amount * (case when sum(i.amount) over (partition by i.order_id) > 0 then i.amount / sum(i.amount) over (partition by i.order_id) else 1.0 / count(*) over (partition by i.order_id) end) as sales,
             coalesce(i.unit_cost, 0) * i.quantity as cost, coalesce(rf.refunded, 0) / nullif(o.paid_amount, 0) as refunded_share
      from order_items i join paid o on o.order_id = i.order_id
      left join products p on p.shop_id = i.shop_id and p.product_id = i.product_id
      left join refunded rf on rf.order_id = i.order_id
      where i.shop_id = $shop),
    sold as (
      select key, count(distinct customer_id) as buyers, sum(quantity) as units, sum(sales) as sales,
             sum(sales * least(1, coalesce(refunded_share, 0))) as refunds, sum(cost * (1 - least(1, coalesce(refunded_share, 0)))) as cost
      from lines group by 1)
    select coalesce(s.key, v.key) as key, ${level === 'category' ? 'null' : `(select any_value(p.title) from products p join skus k on k.shop_id = p.shop_id and k.product_id = p.product_id where p.shop_id = $shop and ${level === 'sku' ? 'k.sku' : 'p.product_id'} = coalesce(s.key, v.key))`} as title, coalesce(v.views, 0) as views, coalesce(v.visitors, 0) as visitors, coalesce(v.add_to_cart, 0) as add_to_cart,
           coalesce(s.buyers, 0) as buyers, coalesce(s.units, 0) as units, coalesce(s.sales, 0) as sales, coalesce(s.refunds, 0) as refunds, coalesce(s.cost, 0) as cost
    from sold s full outer join views v on v.key = s.key`,
  { shop: shop.shopId, start: p.start.toISOString(), end: p.end.toISOString() });
}

/**
 * Product analytics per SKU, SPU or category: traffic (views, visitors, add-to-cart), sales (buyers,
 * units, sales allocated from each order's paid amount by line value), conversion, refund rate, margin,
 * and the top movers against the previous period.
 */
export async function productAnalytics(store: AnalyticsStore, shop: ShopContext, q: ProductAnalyticsQuery): Promise<ProductAnalyticsResult> {
  const p = period(q.from, q.to, shop.timezone);
  const prev = previousPeriod(p, 'previous_period', shop.timezone);
  const [now, before] = [await productRows(store, shop, p, q.level), await productRows(store, shop, prev, q.level)];
  const previousSales = new Map(before.map((r) => [String(r.key), Number(r.sales)]));
  const items = now.map((r) => {
    const sales = Math.round(Number(r.sales));
    const refunds = Math.round(Number(r.refunds));
    const net = sales - refunds;
    const visitors = Number(r.visitors);
    const previous = Math.round(previousSales.get(String(r.key)) ?? 0);
    return {
      key: String(r.key), title: (r.title as string | null) ?? null, views: Number(r.views), visitors, addToCart: Number(r.add_to_cart), buyers: Number(r.buyers), units: Number(r.units),
      sales, conversionRate: visitors === 0 ? null : Number(r.buyers) / visitors, refundRate: sales === 0 ? null : refunds / sales,
      grossMargin: net === 0 ? null : (net - Number(r.cost)) / net, previousSales: previous, salesChange: sales - previous,
    };
  });
  items.sort((a, b) => b.sales - a.sales || b.views - a.views);
  for (const [key, sales] of previousSales) {
    if (!items.some((i) => i.key === key) && sales > 0) items.push({ key, title: null, views: 0, visitors: 0, addToCart: 0, buyers: 0, units: 0, sales: 0, conversionRate: null, refundRate: null, grossMargin: null, previousSales: Math.round(sales), salesChange: -Math.round(sales) });
  }
  const movers = [...items].sort((a, b) => Math.abs(b.salesChange) - Math.abs(a.salesChange)).slice(0, 10);
  return { level: q.level, previous: { from: prev.from, to: prev.to }, items: items.filter((i) => i.sales > 0 || i.views > 0).slice(0, q.limit), topMovers: movers };
}
