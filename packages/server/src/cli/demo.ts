import fs from 'node:fs';
import path from 'node:path';
import { addDays, addMonths, MAX_BATCH_RECORDS, type EntityName, type InitResult, type SegmentRule } from '@flywheel/contracts';
import type { Flywheel } from '../app';
import { generateCatalog, generateCustomers, generateDays, generateOffers, type DemoEvent, type DemoOptions } from '../demo/generator';
import { engineAmounts, type DemoCheckout } from '../demo/pricing';
import type { DemoOffers } from '../demo/promotions';
import { buildDemoPlan, type MonthFigures, type QuarterFigures } from '../demo/plan';
import { FlywheelError } from '../platform/errors';
import { OneAhead } from '../platform/one-ahead';
import { startOfLocalDay } from '../platform/timezone';

export const DEMO_LOGIN = { email: 'demo@flywheel.local', password: 'flywheel-demo' };

export interface DemoShop extends InitResult {
  seed: number;
  customers: number;
  days: number;
  endDate: string;
  rows: Record<string, number>;
}

export const demoMarker = (dataDir: string) => path.join(dataDir, 'demo.json');

export function readDemo(dataDir: string): DemoShop | null {
  try { return JSON.parse(fs.readFileSync(demoMarker(dataDir), 'utf8')); } catch { return null; }
}

/** `--reset`: removes what Flywheel keeps in the data dir (and nothing else that may live there). */
export function resetDataDir(dataDir: string) {
  for (const name of ['pg', 'analytics.duckdb', 'analytics.duckdb.wal', 'demo.json']) fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
}

async function upsertAll(fw: Flywheel, shopId: string, entity: EntityName, records: readonly unknown[]) {
  for (let i = 0; i < records.length; i += MAX_BATCH_RECORDS) {
    const result = await fw.commerce.upsert(shopId, entity, records.slice(i, i + MAX_BATCH_RECORDS));
    if (result.rejected.length > 0) throw new Error(`demo ${entity} rejected: ${JSON.stringify(result.rejected[0])}`);
  }
}

/**
 * Generates the demo shop and loads it through the platform's own services (commerce upserts, tracking
 * ingestion, the outbox projector), day by day, as a shop's history would have arrived.
 */
export async function loadDemo(fw: Flywheel, opts: DemoOptions, onProgress?: (done: number, total: number) => void): Promise<DemoShop> {
  const shop = await fw.shops.createShop({ name: '飞轮优选旗舰店 (demo)', ownerEmail: DEMO_LOGIN.email, ownerPassword: DEMO_LOGIN.password, timezone: opts.timezone });
  const { timezone } = await fw.shops.getShop(shop.shopId);
  const rows: Record<string, number> = { products: 0, skus: 0, customers: 0, events: 0, orders: 0, checkouts: 0, refunds: 0, spend: 0 };
  const catalog = generateCatalog(opts);
  await upsertAll(fw, shop.shopId, 'products', catalog.products);
  await upsertAll(fw, shop.shopId, 'inventory', catalog.inventory);
  rows.products = catalog.products.length;
  rows.skus = catalog.inventory.length;
  // The promotions module keeps its catalogue from the products' events: known before the first checkout.
  const historyStart = startOfLocalDay(addDays(opts.endDate, -opts.days), timezone);
  await replayLevers(fw, historyStart);
  const promotions = await DemoPromotions.create(fw, shop.shopId, generateOffers(opts, catalog), historyStart);
  const customers = generateCustomers(opts);
  await upsertAll(fw, shop.shopId, 'customers', customers);
  rows.customers = customers.length;
  let done = 0;
  // One chunk of events commits in DuckDB (on its own threads) while the next is validated or the
  // day's orders go through Postgres; never more, so a big day's events do not pile up in memory.
  const events = new OneAhead();
  const ingest = async (calls: readonly DemoEvent[]) => {
    const r = await fw.tracking.ingest(shop.shopId, { kind: 'calls', calls }, { historical: true });
    if (r.rejected.length > 0) throw new Error(`demo event rejected: ${JSON.stringify(r.rejected[0])}`);
    rows.events += r.accepted;
  };
  for (const day of generateDays(opts, catalog, customers)) {
    for (let i = 0; i < day.events.length; i += 20_000) {
      await events.push(ingest(day.events.slice(i, i + 20_000)));
    }
    await promotions.endBefore(day.date);
    for (const checkout of day.checkouts) await promotions.checkout(checkout);
    rows.checkouts += day.checkouts.length;
    await upsertAll(fw, shop.shopId, 'orders', day.orders);
    await upsertAll(fw, shop.shopId, 'refunds', day.refunds);
    await upsertAll(fw, shop.shopId, 'spend', day.spend);
    await upsertAll(fw, shop.shopId, 'inventory', day.inventory);
    rows.orders += day.orders.length;
    rows.refunds += day.refunds.length;
    rows.spend += day.spend.length;
    // Keep the outbox short so the projector's batches stay small and memory flat; the loyalty
    // program runs from day one, reacting to these days at the moment they end.
    if (++done % 20 === 0) {
      await fw.projector.drain();
      await replayLevers(fw, startOfLocalDay(addDays(day.date, 1), timezone));
    }
    onProgress?.(done, opts.days);
  }
  await events.drain();
  await promotions.endBefore(null);
  await fw.projector.drain();
  await replayLevers(fw, null);
  await fw.projector.drain();
  await fw.analytics.visits.refresh();
  await fw.analytics.sessions.refresh();
  await createDemoSegments(fw, shop.shopId);
  await createDemoPlan(fw, shop.shopId, opts);
  await fw.store.checkpoint();
  const demo: DemoShop = { ...shop, seed: opts.seed, customers: opts.customers, days: opts.days, endDate: opts.endDate, rows };
  fs.writeFileSync(demoMarker(fw.config.dataDir), JSON.stringify(demo, null, 2));
  return demo;
}

/** While its window is open a promotion ends here: past its real end, but after the wall's now. */
const OPEN_END = '2999-12-31T16:00:00.000Z';

/**
 * The demo's promotions and coupon templates in the promotions module, and the checkouts of the
 * orders the generator priced with them (demo/pricing.ts): each at the moment its buyer started
 * checkout, its coupon claimed just before, its hold confirmed when the levers replay the order's
 * payment. Orders with no promotion or coupon do not go through checkout (it would price them
 * at list price all the same, and the load would take longer).
 *
 * The module's live index only holds promotions that end after the wall's now, so a promotion of
 * the history is created ending far ahead and given its real end once the loading is past it.
 */
class DemoPromotions {
  private readonly ended = new Set<string>();

  private constructor(
    private readonly fw: Flywheel,
    private readonly shopId: string,
    private readonly offers: DemoOffers,
    private readonly ids: Map<string, string>,
    private readonly lineIds: Set<string>,
  ) {}

  static async create(fw: Flywheel, shopId: string, offers: DemoOffers, historyStart: Date) {
    const ids = new Map<string, string>();
    for (const p of offers.promotions) {
      const created = await fw.promotions.promotions.create(shopId, { ...p.create, endsAt: OPEN_END }, new Date(p.create.startsAt));
      ids.set(p.key, created.id);
    }
    // A checkout takes a coupon only while it is valid by the database's clock (not the checkout's
    // `now`), so the history's coupons stay valid until the demo has loaded.
    const validUntil = new Date(Date.now() + 86_400_000);
    for (const t of offers.templates) {
      const { validity } = t.create;
      const create = 'to' in validity && Date.parse(validity.to) < validUntil.getTime() ? { ...t.create, validity: { ...validity, to: validUntil.toISOString() } } : t.create;
      ids.set(t.key, (await fw.promotions.coupons.createTemplate(shopId, create, historyStart)).id);
    }
    const lineIds = new Set([...offers.lineSources].map((key) => ids.get(key)!));
    return new DemoPromotions(fw, shopId, offers, ids, lineIds);
  }

  /** Gives the promotions over before `date` (all when null) their real end. */
  async endBefore(date: string | null) {
    for (const p of this.offers.promotions) {
      if (this.ended.has(p.key) || (date !== null && p.create.endsAt.slice(0, 10) > date)) continue;
      await this.fw.promotions.promotions.update(this.shopId, this.ids.get(p.key)!, { endsAt: p.create.endsAt }, new Date(Math.min(Date.parse(p.create.endsAt), Date.now())));
      this.ended.add(p.key);
    }
  }

  /** Checks the order's cart out as the generator priced it; the order keeps the engine's amounts, which must be the generator's. */
  async checkout({ order, at, coupon, engineDiscount }: DemoCheckout) {
    const now = new Date(at);
    const couponCodes: string[] = [];
    if (coupon) {
      const customer = { id: order.customerId, tier: null, tierDiscountPct: null, freeShipping: false, segments: new Set<string>(), isNew: false, points: null };
      const claimed = await this.fw.promotions.coupons.claim(this.shopId, { templateId: this.ids.get(coupon.key)!, customerId: order.customerId, idempotencyKey: `demo:${order.externalId}` }, async () => customer, now);
      couponCodes.push(claimed.code);
    }
    const items = order.items.map((it) => ({ sku: it.sku, quantity: it.quantity }));
    const result = await this.fw.promotions.pricing.checkout(this.shopId, { orderId: order.externalId, customerId: order.customerId, items, couponCodes, points: 0, shippingFee: 0, at }, 'zh-CN', now);
    const { lineDiscounts, discount } = engineAmounts(result, this.lineIds);
    const differs = discount !== engineDiscount || order.items.some((it) => (it.discount ?? 0) !== (lineDiscounts.get(it.sku) ?? 0));
    if (differs) throw new Error(`demo order ${order.externalId}: checkout priced it otherwise than the generator (${JSON.stringify({ discount, engineDiscount, lines: [...lineDiscounts], items: order.items, notApplied: result.notApplied, subtotal: result.subtotal })})`);
    if (couponCodes.length > 0) order.couponCodes = couponCodes;
  }
}

/**
 * Lets the levers' runtime react to the history loaded so far as if it were `at` (the wall's now
 * when null): subscribers, behaviour triggers and the timers due by then, until none has more.
 */
async function replayLevers(fw: Flywheel, at: Date | null) {
  if (at) fw.runtime.clock.replay(at);
  else fw.runtime.clock.release();
  for (;;) {
    const ran = (await fw.runtime.subscribers.drain()) + (await fw.runtime.events.drain()) + (await fw.runtime.jobs.work());
    if (ran === 0) return;
  }
}

/** The saved segments a team starts with (issue 17): 沉睡高价值, 本周加购未买, 广东新客. */
async function createDemoSegments(fw: Flywheel, shopId: string) {
  const segments: { name: string; rule: SegmentRule }[] = [
    { name: '沉睡高价值', rule: { all: [{ field: 'lifecycle', op: 'eq', value: 'dormant' }, { orders: {}, measure: 'net_sales', op: 'gte', value: 50000 }] } },
    { name: '本周加购未买', rule: { all: [{ event: 'Product Added', within: '7d', op: 'gte', value: 1 }, { orders: { within: '7d' }, measure: 'count', op: 'eq', value: 0 }] } },
    { name: '广东新客', rule: { all: [{ field: 'province', op: 'eq', value: '广东' }, { field: 'lifecycle', op: 'eq', value: 'new' }] } },
  ];
  for (const s of segments) await fw.customers.segments.create(shopId, s, 'demo');
}

/**
 * The plan of the current year (demo/plan.ts), from the shop's figures as the metric layer measures
 * them, created through the planning service as a team would through the console: the plan with its
 * year targets, each split by quarter (sales also by month), the budgets; then the alerts are
 * evaluated once, so 目标进度, 计划, 预算 and the alerts are not empty at first sight.
 */
async function createDemoPlan(fw: Flywheel, shopId: string, opts: DemoOptions) {
  const measure = await fw.planning.plans.measure(shopId);
  const historyFrom = addDays(opts.endDate, -opts.days);
  const year = Number(addDays(opts.endDate, -1).slice(0, 4));
  const clip = (from: string, to: string) => ({ from: from < historyFrom ? historyFrom : from, to: to > opts.endDate ? opts.endDate : to });
  const days = (p: { from: string; to: string }) => Math.max(0, (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000);
  const months: MonthFigures[] = [];
  for (let start = `${year - 1}-01-01`; start < `${year + 1}-01-01`; start = addMonths(start, 1)) {
    const end = addMonths(start, 1);
    const scope = clip(start, end);
    if (scope.from >= scope.to) continue;
    const totals = await measure.totals(['sales', 'new_buyers'], scope);
    const spend = await measure.breakdown(['spend'], scope, 'channel');
    months.push({
      month: start.slice(0, 7), daysMeasured: days(scope), daysInMonth: days({ from: start, to: end }),
      sales: totals.sales ?? 0, newBuyers: totals.new_buyers ?? 0,
      spend: Object.fromEntries(spend.filter((row) => (row.values.spend ?? 0) > 0).map((row) => [row.key, row.values.spend ?? 0])),
    });
  }
  const quarters: QuarterFigures[] = [];
  for (const y of [year - 1, year]) {
    for (let q = 1; q <= 4; q++) {
      const start = `${y}-${String(q * 3 - 2).padStart(2, '0')}-01`;
      const scope = clip(start, addMonths(start, 3));
      if (scope.from >= scope.to) continue;
      const totals = await measure.totals(['repurchase_rate', 'per_customer_spend'], scope);
      quarters.push({ quarter: `${y}-Q${q}`, daysMeasured: days(scope), repurchaseRate: totals.repurchase_rate ?? null, perCustomerSpend: totals.per_customer_spend ?? null });
    }
  }
  const plan = buildDemoPlan({ seed: opts.seed, year, months, quarters });
  const created = await fw.planning.plans.createPlan(shopId, { name: plan.name, period: plan.period, owner: plan.owner, note: plan.note, status: 'active', targets: plan.targets });
  const targets = [...created.targets];
  for (const split of plan.splits) {
    const parent = targets.find((t) => t.metric === split.metric && t.period.label === split.parent && t.dimension === null);
    if (!parent) throw new Error(`demo plan: no ${split.metric} target for ${split.parent} to split`);
    const result = await fw.planning.decomposition.decompose(shopId, created.id, parent.id, { by: split.by, method: 'manual', values: split.values });
    targets.push(...result.children);
  }
  await fw.planning.budgets.upsert(shopId, plan.budgets);
  await fw.planning.alerts.evaluate(shopId, addDays(opts.endDate, -1));
}

export function assertDemoOptions(o: { seed: number; customers: number; days: number }) {
  if (!Number.isSafeInteger(o.seed)) throw new FlywheelError('invalid_field', '--seed must be a whole number', 'seed');
  if (!Number.isSafeInteger(o.customers) || o.customers < 1) throw new FlywheelError('invalid_field', '--customers must be a whole number of at least 1', 'customers');
  if (!Number.isSafeInteger(o.days) || o.days < 1 || o.days > 3660) throw new FlywheelError('invalid_field', '--days must be between 1 and 3660', 'days');
}
