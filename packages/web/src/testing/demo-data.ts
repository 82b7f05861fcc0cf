/**
 * A small shop's history for the console's browser test, built in code (no fixtures) and loaded through
 * the real APIs: catalog, customers, 60 days of orders, storefront events with UTM channels, and
 * marketing spend. Deterministic, with dates relative to today in the shop's time zone, so the
 * console's default period (the last 30 days ending yesterday) always has data and a previous period.
 */
import { addDays } from '../format/dates';

export interface TrafficSource { source?: string; medium?: string; channel: string }

/** One source per channel the test expects to see in the channel mix. */
export const trafficSources: TrafficSource[] = [
  { source: 'baidu', medium: 'cpc', channel: 'paid_search' },
  { source: 'douyin', medium: 'feed', channel: 'paid_social' },
  { source: 'wechat', medium: 'community', channel: 'private_domain' },
  { source: 'xiaohongshu', medium: 'note', channel: 'social' },
  { channel: 'direct' },
];

export const catalog = [
  { externalId: 'SPU-DRESS', title: '碎花连衣裙', category: '服饰/女装/连衣裙', skus: [{ sku: 'DRESS-S', price: 19900, cost: 8000 }, { sku: 'DRESS-M', price: 19900, cost: 8000 }] },
  { externalId: 'SPU-TEE', title: '纯棉T恤', category: '服饰/男装/T恤', skus: [{ sku: 'TEE-L', price: 7900, cost: 3000 }] },
  { externalId: 'SPU-MUG', title: '陶瓷马克杯', category: '家居/餐具/杯子', skus: [{ sku: 'MUG-1', price: 3900, cost: 1200 }] },
  { externalId: 'SPU-TEA', title: '明前龙井 250g', category: '食品/茶叶/绿茶', skus: [{ sku: 'TEA-250', price: 26800, cost: 12000 }] },
];
const skus = catalog.flatMap((p) => p.skus.map((s) => ({ ...s, productId: p.externalId, category: p.category })));

export const CUSTOMERS = 30;
export const DAYS = 60;
export const ANONYMOUS_VISITORS = 40;

export interface PlannedOrder {
  externalId: string;
  customerId: string;
  date: string;
  paidAt: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  amount: number;
  source: TrafficSource;
}

const at = (date: string, minutes: number) => {
  const h = String(9 + Math.floor(minutes / 60)).padStart(2, '0');
  const m = String(minutes % 60).padStart(2, '0');
  return `${date}T${h}:${m}:00+08:00`;
};

/** Customer i buys when (day + i) % 7 === 0: about every week, so many buy twice within 30 days (复购). */
export function plannedOrders(today: string): PlannedOrder[] {
  const orders: PlannedOrder[] = [];
  for (let day = 1; day <= DAYS; day++) {
    const date = addDays(today, -day);
    for (let i = 1; i <= CUSTOMERS; i++) {
      if ((day + i) % 7 !== 0) continue;
      const sku = skus[(i + day) % skus.length];
      const quantity = 1 + ((i * day) % 3);
      orders.push({
        externalId: `O-${date.replaceAll('-', '')}-${String(i).padStart(3, '0')}`,
        customerId: `C${String(i).padStart(3, '0')}`,
        date, paidAt: at(date, i * 5 + 4),
        sku: sku.sku, quantity, unitPrice: sku.price, amount: sku.price * quantity,
        source: trafficSources[i % trafficSources.length],
      });
    }
  }
  return orders;
}

export function customers() {
  return Array.from({ length: CUSTOMERS }, (_, k) => {
    const i = k + 1;
    return { externalId: `C${String(i).padStart(3, '0')}`, name: `顾客${i}`, gender: i % 2 ? 'female' : 'male', province: ['浙江', '广东', '上海', '北京'][i % 4], registeredAt: at(addDays('2026-01-01', i), 0) };
  });
}

export function orderRecords(orders: PlannedOrder[]) {
  return orders.map((o) => ({
    externalId: o.externalId, customerId: o.customerId, status: 'paid', placedAt: o.paidAt, paidAt: o.paidAt,
    items: [{ sku: o.sku, quantity: o.quantity, unitPrice: o.unitPrice }], payableAmount: o.amount, paidAmount: o.amount,
    platform: 'mini_program', channel: o.source.channel,
  }));
}

/** Every order is preceded by the buyer's visit from its traffic source; anonymous visitors browse and leave. */
export function trackingCalls(orders: PlannedOrder[], today: string) {
  const calls: Record<string, unknown>[] = [];
  const context = (s: TrafficSource) => ({ campaign: s.source ? { source: s.source, medium: s.medium } : undefined, page: { url: 'https://shop.example/', referrer: '' } });
  orders.forEach((o, n) => {
    const minute = Number(o.paidAt.slice(11, 13)) * 60 + Number(o.paidAt.slice(14, 16)) - 9 * 60 - 4;
    const base = { userId: o.customerId, context: context(o.source) };
    const product = { product_id: skus.find((s) => s.sku === o.sku)!.productId, sku: o.sku, category: skus.find((s) => s.sku === o.sku)!.category, price: o.unitPrice / 100 };
    calls.push(
      { ...base, type: 'page', name: 'Home', messageId: `m-${n}-1`, timestamp: at(o.date, minute) },
      { ...base, type: 'track', event: 'Product Viewed', properties: product, messageId: `m-${n}-2`, timestamp: at(o.date, minute + 1) },
      { ...base, type: 'track', event: 'Product Added', properties: { ...product, quantity: o.quantity }, messageId: `m-${n}-3`, timestamp: at(o.date, minute + 2) },
      { ...base, type: 'track', event: 'Checkout Started', properties: { revenue: o.amount / 100 }, messageId: `m-${n}-4`, timestamp: at(o.date, minute + 3) },
      { ...base, type: 'track', event: 'Order Completed', properties: { order_id: o.externalId, revenue: o.amount / 100 }, messageId: `m-${n}-5`, timestamp: at(o.date, minute + 4) },
    );
  });
  for (let v = 0; v < ANONYMOUS_VISITORS; v++) {
    const date = addDays(today, -1 - (v % 28));
    const source = trafficSources[v % trafficSources.length];
    const base = { anonymousId: `anon-${v}`, context: context(source) };
    const sku = skus[v % skus.length];
    calls.push(
      { ...base, type: 'page', name: 'Home', messageId: `a-${v}-1`, timestamp: at(date, 200 + v) },
      { ...base, type: 'track', event: 'Product Viewed', properties: { product_id: sku.productId, sku: sku.sku, category: sku.category }, messageId: `a-${v}-2`, timestamp: at(date, 201 + v) },
    );
    if (v % 3 === 0) calls.push({ ...base, type: 'track', event: 'Product Added', properties: { product_id: sku.productId, sku: sku.sku }, messageId: `a-${v}-3`, timestamp: at(date, 202 + v) });
  }
  return calls;
}

/** ¥300 a day on paid search and ¥200 on 信息流 (paid social). */
export function spendRecords(today: string) {
  const records: { date: string; channel: string; campaign: string; amount: number; impressions: number; clicks: number }[] = [];
  for (let day = 1; day <= DAYS; day++) {
    const date = addDays(today, -day);
    records.push({ date, channel: 'paid_search', campaign: '品牌词', amount: 30000, impressions: 5000, clicks: 200 });
    records.push({ date, channel: 'paid_social', campaign: '抖音信息流', amount: 20000, impressions: 20000, clicks: 300 });
  }
  return records;
}
