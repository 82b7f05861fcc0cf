/**
 * Cart pricing benchmark (PRODUCT.md targets: p99 < 2 ms in process with 1,000 live promotions,
 * < 5 ms with 20,000; >= 5,000 quotes/s over HTTP).
 *   1. The engine alone, in process: a 20-line cart priced against 200, 1,000 and 20,000 live
 *      promotions of mixed kinds with overlapping scopes (the index lookup + priceCart, no I/O),
 *      beside a baseline loop that only looks the cart's SKUs up.
 *   2. Over HTTP: POST /v1/pricing/quote of 20-line carts (200 of them in turn) against 200 live
 *      promotions, a tenth with a budget (auth, validation, the catalogue and index from memory, the
 *      budgets left, serialisation), for guests and for 1,000 known customers in turn (their facts
 *      looked up: the tier, for the member price and free shipping), beside a bare Fastify route
 *      answering a quote's JSON, in the same run, with the same keep-alive client.
 * Usage: npx tsx bench/pricing.ts [seconds=5] [concurrency=32]   (DATABASE_URL as for serve)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { PromotionCreate, QuoteResult } from '@flywheel/contracts';
import { openFlywheel } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/platform/config';
import { compileScope, LiveIndex, priceCart, type CatalogItem, type IndexedPromotion, type PricingCustomer, type StoredPromotion } from '../packages/server/src/modules/promotions';
import { formatLoad, load, percentile } from './http-load';

const SECONDS = Number(process.argv[2] ?? 5);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const SKUS = 20_000;
const CATEGORIES = ['服饰/女装', '服饰/男装', '服饰/童装', '美妆/护肤', '美妆/彩妆', '食品/零食', '食品/饮料', '家居/厨具', '家居/床品', '数码/配件'];
const LEAVES = 70;

/** A small deterministic generator, so every run prices the same carts. */
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];

const catalog: CatalogItem[] = Array.from({ length: SKUS }, (_, i) => ({ sku: `SKU-${i}`, price: 1000 + Math.floor(random() * 50_000), cost: 500, category: `${CATEGORIES[i % CATEGORIES.length]}/${i % LEAVES}`, title: `商品 ${i}` }));
const bySku = new Map(catalog.map((c) => [c.sku, c]));

/**
 * Mixed kinds over overlapping scopes. `mixed`, as a shop runs them: at most 10 for the whole shop,
 * 40 on top categories, a tenth on leaf categories, the rest on lists of 5 SKUs. `broad`, the worst
 * case: every promotion on the whole shop (1 in 10), a top category or a leaf category.
 */
type Mix = 'mixed' | 'broad';
function scopeOf(i: number, mix: Mix) {
  const none = { skus: [] as string[], categories: [] as string[], excludeSkus: [] as string[] };
  const leaf = () => `${pick(CATEGORIES)}/${Math.floor(random() * LEAVES)}`;
  if (mix === 'broad') return i % 10 === 0 ? none : { ...none, categories: [random() < 0.5 ? pick(CATEGORIES) : leaf()] };
  if (i < 10) return none;
  if (i < 50) return { ...none, categories: [pick(CATEGORIES)] };
  if (i % 10 === 0) return { ...none, categories: [leaf()] };
  return { ...none, skus: Array.from({ length: 5 }, () => pick(catalog).sku) };
}

function promotionBody(i: number, mix: Mix = 'mixed'): PromotionCreate {
  const now = Date.now();
  const window = { startsAt: new Date(now - 86_400_000).toISOString(), endsAt: new Date(now + 30 * 86_400_000).toISOString() };
  const scope = scopeOf(i, mix);
  const stacking = { group: pick(['default', 'store', 'brand', 'platform']), exclusive: false };
  const common = { name: `P${i}`, ...window, scope, audience: {}, budget: {}, stacking, status: 'live' as const };
  switch (i % 6) {
    case 0: return { ...common, kind: 'threshold', rule: { basis: 'amount', tiers: [{ min: 10_000, off: 1000 }, { min: 30_000, off: 4000 }, { min: 60_000, off: 10_000 }], repeat: false } };
    case 1: return { ...common, kind: 'threshold', rule: { basis: 'quantity', tiers: [{ min: 3, percentOff: 5 }, { min: 5, percentOff: 12 }], repeat: false } };
    case 2: return { ...common, kind: 'timed_discount', rule: { percentOff: 5 + Math.floor(random() * 20) } };
    case 3: return { ...common, kind: 'bundle', rule: random() < 0.5 ? { quantity: 3, off: 3000, repeat: true } : { quantity: 2, price: 9900, repeat: false } };
    case 4: return { ...common, kind: 'gift', rule: { basis: 'amount', tiers: [{ min: 20_000, gift: { sku: 'SKU-1', quantity: 1 } }] } };
    default: return { ...common, kind: 'member_price', rule: {} };
  }
}

function cart(lines = 20) {
  const skus = new Set<string>();
  while (skus.size < lines) skus.add(pick(catalog).sku);
  return [...skus].map((sku) => ({ sku, quantity: 1 + Math.floor(random() * 3) }));
}

const member: PricingCustomer = { id: 'c1', tier: 'gold', tierDiscountPct: 5, freeShipping: false, segments: new Set(), isNew: false, points: null };

function indexOf(count: number, mix: Mix): LiveIndex {
  const promotions: IndexedPromotion[] = Array.from({ length: count }, (_, i) => {
    const body = promotionBody(i, mix);
    const stored = { ...body, id: `promo_${i}`, seq: i, status: 'active', createdAt: '', updatedAt: '' } as unknown as StoredPromotion;
    const pricing = { id: stored.id, name: body.name, kind: body.kind, rule: body.rule, startsAt: Date.parse(body.startsAt), endsAt: Date.parse(body.endsAt), scope: compileScope(body.scope), audience: body.audience, stacking: body.stacking, usesLeft: null, discountLeft: null, customerUsesLeft: null };
    return { stored, pricing } as IndexedPromotion;
  });
  return new LiveIndex(1, promotions);
}

const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;

console.log(`cart pricing benchmark: 20-line carts, ${os.cpus().length} cores, node ${process.version}`);
console.log('\n1. the engine in process (index lookup + priceCart, no I/O)');
const carts = Array.from({ length: 200 }, () => cart());
{
  const started = performance.now();
  let found = 0;
  for (let k = 0; k < 200_000; k++) for (const item of carts[k % carts.length]) if (bySku.get(item.sku)) found++;
  const each = (performance.now() - started) / 200_000;
  console.log(`   baseline (look the cart's 20 SKUs up): ${us(each)} a cart (${found > 0 ? 'ok' : '?'})`);
}
for (const [count, mix] of [[200, 'mixed'], [1000, 'mixed'], [20_000, 'mixed'], [200, 'broad'], [1000, 'broad']] as const) {
  const index = indexOf(count, mix);
  const times: number[] = [];
  let candidates = 0;
  const deadline = performance.now() + SECONDS * 1000;
  for (let k = 0; performance.now() < deadline || k < 200; k++) {
    const items = carts[k % carts.length];
    const started = performance.now();
    const found = index.candidates(items.map((i) => bySku.get(i.sku)!));
    priceCart({ currency: 'CNY', at: Date.now(), items, catalog: (sku) => bySku.get(sku), promotions: found.map((f) => f.pricing), coupons: [], customer: member, points: 0, shippingFee: 800 });
    times.push(performance.now() - started);
    candidates += found.length;
  }
  times.sort((a, b) => a - b);
  console.log(`   ${count.toLocaleString('en-US')} live promotions (${mix}): ${times.length.toLocaleString('en-US')} quotes, p50 ${us(percentile(times, 0.5))}, p99 ${us(percentile(times, 0.99))}, max ${us(times[times.length - 1])}; ${Math.round(candidates / times.length)} candidates a cart`);
}

console.log('\n2. over HTTP, 200 live promotions (mixed)');
const fw = await openFlywheel(loadConfig({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-bench-pricing-')), logLevel: 'silent', rateLimitPerSecond: 1_000_000 }));
const shop = await fw.shops.createShop({ name: 'bench' });
for (let i = 0; i < SKUS; i += 500) {
  const records = catalog.slice(i, i + 500).map((c) => ({ externalId: `P-${c.sku}`, title: c.title, category: c.category, skus: [{ sku: c.sku, price: c.price, cost: c.cost }] }));
  await fw.commerce.upsert(shop.shopId, 'products', records);
}
await fw.runtime.drain();
// A tenth of the promotions with a budget, as shops run them: what is left is read per quote.
for (let i = 0; i < 200; i++) {
  const promotion = promotionBody(i, 'mixed');
  await fw.promotions.promotions.create(shop.shopId, i % 10 === 5 ? { ...promotion, budget: { maxUses: 1_000_000, maxDiscount: 1_000_000_000 } } : promotion);
}
await fw.http.listen({ port: 0, host: '127.0.0.1' });
const flywheelPort = (fw.http.server.address() as AddressInfo).port;
const guestCarts = carts.map((items) => JSON.stringify({ items, shippingFee: 800 }));
const customerCarts = carts.flatMap((items, i) => Array.from({ length: 5 }, (_, k) => JSON.stringify({ customerId: `bench-c${(i * 5 + k) % 1000}`, items, shippingFee: 800 })));
const sample = await (await fetch(`http://127.0.0.1:${flywheelPort}/v1/pricing/quote`, { method: 'POST', headers: { authorization: `Bearer ${shop.secretKey}`, 'content-type': 'application/json' }, body: guestCarts[0] })).json() as QuoteResult;
const answer = JSON.stringify(sample);
console.log(`   a quote: ${sample.lines.length} lines, ${sample.applied.length} applied, ${sample.notApplied.length} not applied, ${sample.hints.length} hints, ${answer.length.toLocaleString('en-US')} bytes of JSON`);

const bare = Fastify();
bare.post('/quote', async (_request, reply) => reply.type('application/json').send(answer));
await bare.listen({ port: 0, host: '127.0.0.1' });
const barePort = (bare.server.address() as AddressInfo).port;

const run = { seconds: SECONDS, concurrency: CONCURRENCY };
const auth = { authorization: `Bearer ${shop.secretKey}` };
const baseline = await load(barePort, '/quote', {}, guestCarts, run);
const guests = await load(flywheelPort, '/v1/pricing/quote', auth, guestCarts, run);
const customers = await load(flywheelPort, '/v1/pricing/quote', auth, customerCarts, run);
const fmt = formatLoad;
console.log(`   baseline (bare Fastify route, the same JSON): ${fmt(baseline)}`);
console.log(`   POST /v1/pricing/quote, guests: ${fmt(guests)} (${(guests.perSecond / baseline.perSecond * 100).toFixed(0)}% of the baseline)`);
console.log(`   POST /v1/pricing/quote, known customers: ${fmt(customers)} (${(customers.perSecond / baseline.perSecond * 100).toFixed(0)}% of the baseline)`);
console.log(`   (${CONCURRENCY} keep-alive connections from a worker thread for ${SECONDS} s each; client and server share the machine's cores)`);
await bare.close();
await fw.close();
