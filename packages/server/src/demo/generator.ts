/**
 * The demo shop (演示店铺): a deterministic, pure generator of a realistic Chinese online shop's
 * history (catalog, customers, tracking events, orders, refunds, spend, stock) for the loader to
 * feed into the ingestion services. No I/O, no clock, no Math.random: the same options give
 * byte-identical output.
 *
 *   const catalog = generateCatalog(opts);
 *   const customers = generateCustomers(opts);
 *   for (const day of generateDays(opts, catalog, customers)) load(day);
 *
 * Treat the calls as read-only: to keep a million-customer shop fast, calls of the same page or
 * product share their context / properties objects (frozen), and the products list of a
 * purchase is shared by its Cart Viewed, Checkout Started and Order Completed calls.
 * JSON.stringify or a zod parse gives independent copies.
 */
import type { CustomerRecord, InventoryRecord, ProductRecord } from '@flywheel/contracts';
import { toDayNumber } from './calendar';
import { generateProducts, indexCatalog, categoryShare } from './catalog';
import { ShopClock } from './clock';
import { generateCustomerRecords } from './people';
import { DemoOffers } from './promotions';
import { Rng } from './random';
import { Simulation, type SimulatedDay } from './simulation';
import { UNITS_PER_CUSTOMER_DAY } from './stock';
import { TrafficPlan, windowStart } from './traffic';

export type { DemoEvent } from './session';

export interface DemoOptions {
  seed: number;
  customers: number;
  days: number;
  /** YYYY-MM-DD, exclusive end, shop local date. */
  endDate: string;
  /** Default Asia/Shanghai; all generated timestamps carry its offset (+08:00). */
  timezone?: string;
}

export interface DemoCatalog {
  products: ProductRecord[];
  inventory: InventoryRecord[];
}

/** Day by day, in date order, everything that happened that local day (its inventory: the stock updates of that day, may be empty). */
export type DemoDay = SimulatedDay;

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

function checked(opts: DemoOptions): { seed: number; startDay: number; days: number; timezone: string } {
  if (!Number.isSafeInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
  if (!Number.isSafeInteger(opts.customers) || opts.customers < 0) throw new Error(`customers must be a whole number, got ${opts.customers}`);
  if (!Number.isSafeInteger(opts.days) || opts.days < 1) throw new Error(`days must be at least 1, got ${opts.days}`);
  toDayNumber(opts.endDate); // throws on a malformed date
  const timezone = opts.timezone ?? DEFAULT_TIMEZONE;
  new Intl.DateTimeFormat('en-US', { timeZone: timezone }); // throws RangeError on an unknown zone
  return { seed: opts.seed, startDay: windowStart(opts.endDate, opts.days), days: opts.days, timezone };
}

/** ~220 SPUs / ~500 SKUs over 服饰, 美妆, 数码, 食品, 家居, 母婴, and the opening stock in warehouse 'main'. */
export function generateCatalog(opts: DemoOptions): DemoCatalog {
  const { seed, startDay, timezone } = checked(opts);
  const products = generateProducts(seed);
  const index = indexCatalog(seed, products);
  const rng = new Rng(seed, 'stock');
  const updatedAt = new ShopClock(timezone).timestamp(startDay, 0);
  const unitsPerDay = opts.customers * UNITS_PER_CUSTOMER_DAY;
  const inventory: InventoryRecord[] = [];
  for (const product of products) {
    for (const s of product.skus) {
      const sku = index.bySku.get(s.sku);
      const daily = sku ? unitsPerDay * categoryShare(sku.category) * sku.popularity : 0;
      // Opening stock in days of demand: slow movers (滞销) sit on far too much, sloppy SKUs on too little.
      const cover = !sku ? 0 : sku.slowMover ? rng.uniform(150, 300) : sku.sloppyReplenishment ? rng.uniform(6, 14) : rng.uniform(30, 60);
      const onHand = Math.ceil(daily * cover) + (sku?.slowMover ? rng.between(20, 80) : rng.between(3, 12));
      inventory.push({ sku: s.sku, warehouse: 'main', onHand, reserved: 0, updatedAt });
    }
  }
  return { products, inventory };
}

/**
 * All customers, numbered c1... by sign-up time: about a fifth signed up before the history,
 * the rest during it, more around big sales and KOL posts.
 */
export function generateCustomers(opts: DemoOptions): CustomerRecord[] {
  const { seed, startDay, days, timezone } = checked(opts);
  const plan = new TrafficPlan(seed, startDay, days);
  return generateCustomerRecords(seed, opts.customers, startDay, days, plan, new ShopClock(timezone));
}

/** The promotions and coupon templates the history's orders are priced with (demo/promotions.ts), for the loader to create. */
export function generateOffers(opts: DemoOptions, catalog: DemoCatalog): DemoOffers {
  const { seed, startDay, days, timezone } = checked(opts);
  return new DemoOffers(startDay, days, indexCatalog(seed, catalog.products).skus, new ShopClock(timezone));
}

/** Day by day, in date order, everything that happened that local day. */
export function* generateDays(opts: DemoOptions, catalog: DemoCatalog, customers: CustomerRecord[]): Generator<DemoDay> {
  const { seed, startDay, days, timezone } = checked(opts);
  const simulation = new Simulation({ seed, startDay, days, timezone }, catalog.products, catalog.inventory, customers);
  for (let d = 0; d < days; d++) yield simulation.run(d);
}
