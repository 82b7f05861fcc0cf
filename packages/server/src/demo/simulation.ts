/**
 * The day-by-day simulation behind generateDays. State is kept per customer in typed arrays and
 * per day in buckets of things due that day (purchases, refunds, reviews, stock arrivals), so
 * memory stays bounded by the customers, not by the events: a day is generated, handed out and
 * forgotten.
 *
 * One day:
 *   stock arrives and yesterday's orders ship
 *   -> anonymous visits of people who will sign up later
 *   -> sign-ups (新人, some buy straight away)
 *   -> purchases due today (each in its own session)
 *   -> reviews due today
 *   -> the visitors who do not buy (by channel, sized so conversion is realistic)
 *   -> marketing spend from the traffic it bought
 *   -> stock levels that changed, replenishment orders.
 */
import type { Channel, CustomerRecord, InventoryRecord, OrderRecord, ProductRecord, RefundRecord, SpendRecord } from '@flywheel/contracts';
import { partialRefundReasons, refundChance, refundReasons, reviewText } from './aftersale';
import type { DayProfile, DemoCategory } from './calendar';
import { dayProfile, demoCategories, fromDayNumber } from './calendar';
import type { CatalogIndex, SkuInfo } from './catalog';
import { indexCatalog } from './catalog';
import { SECONDS_PER_DAY, ShopClock, drawSecondOfDay } from './clock';
import { DayContext } from './day';
import type { CartLine } from './pricing';
import { paidPerLine, priceOrder, type DemoCheckout } from './pricing';
import { DemoOffers, standingCoupons } from './promotions';
import type { CustomerTraits } from './people';
import { SIGN_UP_BUYERS, customerTraits, deviceId, visitorId } from './people';
import { Rng, WeightedTable } from './random';
import type { DemoEvent, Page } from './session';
import { Session, encode, sharedPage } from './session';
import { marketingSpend } from './spend';
import { UNITS_PER_CUSTOMER_DAY, Warehouse } from './stock';
import type { DemoPlatform, KolPost } from './traffic';
import { TrafficPlan, attributionFor, campaignTag, channelIndex, channelProfiles, demoPlatforms, platformTables } from './traffic';

export interface SimulationOptions {
  seed: number;
  startDay: number;
  days: number;
  timezone: string;
}

export interface SimulatedDay {
  date: string;
  events: DemoEvent[];
  orders: OrderRecord[];
  refunds: RefundRecord[];
  spend: SpendRecord[];
  inventory: InventoryRecord[];
  /** The orders priced with a promotion or coupon (demo/promotions.ts), for the loader to check out. */
  checkouts: DemoCheckout[];
}

/** 买牛排推荐酱料: what people add to the first item (frequently bought together). */
const boughtTogether: Record<string, string[]> = {
  牛排: ['调味酱料'], 智能手机: ['充电宝', '数据线'], 平板: ['数据线'], 婴儿奶粉: ['奶瓶', '纸尿裤'], 四件套: ['毛巾'],
  精华: ['面霜', '面膜'], 粉底液: ['口红'], 咖啡: ['饼干糕点'], 坚果: ['饼干糕点'], 连衣裙: ['文胸'], 运动鞋: ['T恤'],
};

/** When a paid order was paid and (if before the end) completed, as window day indexes. */
interface Settlement {
  paidDay: number;
  completedDay: number | null;
}

interface SearchPage {
  page: Page;
  properties: Record<string, unknown>;
}

interface ReviewTask {
  customer: number;
  orderId: string;
  sku: SkuInfo;
  rating: number;
}

interface Visitor {
  anonymousId: string;
  userId?: string;
  customer: number;
}

function staticPages() {
  return {
    home: sharedPage('首页', '/', '首页'),
    register: sharedPage('注册', '/register', '注册'),
    login: sharedPage('登录', '/login', '登录'),
    cart: sharedPage('购物车', '/cart', '购物车'),
    checkout: sharedPage('确认订单', '/checkout', '确认订单'),
    orders: sharedPage('我的订单', '/orders', '我的订单'),
  };
}

/** Visitors who never sign up are drawn from a pool; a quarter of anonymous visits are returns. */
const RETURNING_VISITOR_SHARE = 0.25;
/** Share of non-buying sessions by people who have an account. */
const REGISTERED_VISIT_SHARE = 0.38;
/** Customers use the shop logged out on another device now and then (identity stitching at sign-in). */
const OTHER_DEVICE_SHARE = 0.2;
/** Items from 1,000 yuan up (phones, tablets...) are bought one at a time. */
const BIG_TICKET = 100_000;
/** Placed orders never paid (the shop closes them after 24 hours). */
const UNPAID_SHARE = 0.055;
/** A session with less time than this before midnight browses no further (it only adds what it came to buy). */
const LATE_BROWSE_SECONDS = 20;

export class Simulation {
  readonly days: number;
  private readonly seed: number;
  private readonly startDay: number;
  private readonly rng: Rng;
  private readonly clock: ShopClock;
  private readonly plan: TrafficPlan;
  private readonly catalog: CatalogIndex;
  /** The promotions and coupon templates of the history, as the engine prices with them. */
  readonly offers: DemoOffers;
  private readonly customers: CustomerRecord[];
  private readonly traits: CustomerTraits;
  private readonly profiles: DayProfile[];
  /** Purchase intensity per day (calendar x channel lift) and its running sum, for scheduling. */
  private readonly intensity: Float64Array;
  private readonly cumulative: Float64Array;
  /** Per day: who signs up, who buys, who visits before signing up; refunds and reviews due. */
  private readonly signUps: number[][];
  private readonly purchases: number[][];
  private readonly earlyVisits: number[][];
  private readonly refundsDue: RefundRecord[][];
  private readonly reviewsDue: ReviewTask[][];
  /** Customers by sign-up time, and how many signed up before each day (to pick returning visitors). */
  private readonly byRegistration: Int32Array;
  private readonly registeredBefore: Int32Array;
  // Per customer state.
  private readonly active: Uint8Array;
  private readonly orderCount: Uint16Array;
  private readonly lastOrderDay: Int32Array;
  private readonly favourite: Int8Array;
  /** Sum of the purchase rates of active customers: the expected buyers of a day before its multiplier. */
  private activeRate = 0;
  private readonly warehouse: Warehouse;
  // Counters.
  private messages = 0;
  private anonymousVisitors = 0;
  private readonly leafTables = new Map<string, { skus: SkuInfo[]; table: WeightedTable }>();
  private readonly viewedProperties: Record<string, unknown>[];
  private readonly productPages: Page[];
  private readonly pageCache = new Map<string, Page>();
  /** Per SKU, the two searches that find it: by product type, and by brand + product type. */
  private readonly searches: [SearchPage, SearchPage][];
  private readonly categoryPages = Object.fromEntries(demoCategories.map((c) => [c, sharedPage('分类', `/category/${encode(c)}`, c)])) as Record<DemoCategory, Page>;
  /** Static pages, per simulation (their shared contexts are filled lazily). */
  private readonly pages = staticPages();

  constructor(options: SimulationOptions, products: ProductRecord[], inventory: InventoryRecord[], customers: CustomerRecord[]) {
    const { seed, startDay, days } = options;
    this.seed = seed;
    this.startDay = startDay;
    this.days = days;
    this.rng = new Rng(seed, 'days');
    this.clock = new ShopClock(options.timezone);
    this.plan = new TrafficPlan(seed, startDay, days);
    this.catalog = indexCatalog(seed, products);
    this.offers = new DemoOffers(startDay, days, this.catalog.skus, this.clock);
    this.customers = customers;
    const endYear = Number(fromDayNumber(startDay + days).slice(0, 4));
    this.traits = customerTraits(seed, customers, startDay, endYear);

    // Calendar: 60 days past the end too, for replenishment planning near the end.
    this.profiles = [];
    this.intensity = new Float64Array(days + 60);
    for (let d = 0; d < days + 60; d++) {
      const profile = dayProfile(fromDayNumber(startDay + d));
      if (d < days) this.profiles.push(profile);
      this.intensity[d] = profile.multiplier * (d < days ? this.plan.lift(d) : 1);
    }
    this.cumulative = new Float64Array(days + 61);
    for (let d = 0; d < days + 60; d++) this.cumulative[d + 1] = this.cumulative[d] + this.intensity[d];

    const bucket = <T>() => Array.from({ length: days }, () => [] as T[]);
    this.signUps = bucket<number>();
    this.purchases = bucket<number>();
    this.earlyVisits = bucket<number>();
    this.refundsDue = bucket<RefundRecord>();
    this.reviewsDue = bucket<ReviewTask>();

    const n = customers.length;
    this.active = new Uint8Array(n);
    this.orderCount = new Uint16Array(n);
    this.lastOrderDay = new Int32Array(n).fill(-1_000_000);
    this.favourite = new Int8Array(n).fill(-1);
    this.byRegistration = new Int32Array(n);
    this.registeredBefore = new Int32Array(days + 1);
    this.placeCustomers();

    this.warehouse = new Warehouse(this.catalog, inventory, n * UNITS_PER_CUSTOMER_DAY, days, this.rng, (from, to) => this.intensityBetween(from, to));

    for (const category of demoCategories) {
      for (const sku of this.catalog.byCategory[category].skus) {
        const leaf = this.leafTables.get(sku.leafName) ?? { skus: [], table: new WeightedTable([]) };
        leaf.skus.push(sku);
        this.leafTables.set(sku.leafName, leaf);
      }
    }
    for (const [name, leaf] of this.leafTables) this.leafTables.set(name, { skus: leaf.skus, table: new WeightedTable(leaf.skus.map((s) => s.popularity)) });
    // Shared by every Product Viewed call of the SKU, so frozen (see generator.ts on read-only calls).
    this.viewedProperties = this.catalog.skus.map((s) => Object.freeze({ product_id: s.productId, sku: s.sku, name: s.title, category: s.path, brand: s.brand, price: s.price, currency: 'CNY' }));
    this.productPages = this.catalog.skus.map((s) => sharedPage('商品详情', `/product/${s.productId}?sku=${encode(s.sku)}`, s.title));
    const search = (query: string): SearchPage => ({ page: this.cachedPage('搜索结果', `/search?q=${encode(query)}`, `${query} - 搜索`), properties: Object.freeze({ query }) });
    this.searches = this.catalog.skus.map((s) => [search(s.leafName), search(`${s.brand} ${s.leafName}`)]);
  }

  /** Buckets customers by sign-up day; earlier customers who are still active get their first purchase scheduled. */
  private placeCustomers(): void {
    const { regDay, regSecond, activeAtStart, rate } = this.traits;
    const n = this.traits.count;
    const order = Array.from({ length: n }, (_, i) => i);
    const later = (a: number, b: number) => regDay[a] - regDay[b] || regSecond[a] - regSecond[b] || a - b;
    // generateCustomers numbers customers by sign-up time already; sort only records from elsewhere.
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = later(i - 1, i) < 0;
    if (!sorted) order.sort(later);
    this.byRegistration.set(order);
    let k = 0;
    for (let d = 0; d <= this.days; d++) {
      while (k < n && regDay[order[k]] < this.startDay + d) k++;
      this.registeredBefore[d] = k;
    }
    for (const i of order) {
      const day = regDay[i] - this.startDay;
      if (day < 0) {
        if (activeAtStart[i]) {
          this.active[i] = 1;
          this.activeRate += rate[i];
          this.schedule(i, 0, 0, 0);
        }
      } else if (day < this.days) {
        this.signUps[day].push(i);
        // Some look around anonymously before signing up: identity stitching links those visits.
        if (this.rng.chance(0.3)) {
          const before = day - this.rng.between(1, 14);
          if (before >= 0) this.earlyVisits[before].push(i);
        }
      }
    }
  }

  /**
   * Schedules customer i's next purchase after (day, second): exponential waiting time in
   * "intensity time", so busy days get proportionally more purchases (a non-homogeneous Poisson process).
   */
  private schedule(i: number, day: number, second: number, earliestDay: number): void {
    const position = this.cumulative[day] + (second / SECONDS_PER_DAY) * this.intensity[day];
    const target = position + this.rng.exp() / this.traits.rate[i];
    if (!(target < this.cumulative[this.days])) return;
    let lo = 0;
    let hi = this.days - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.cumulative[mid] <= target) lo = mid;
      else hi = mid - 1;
    }
    const next = Math.max(lo, earliestDay);
    if (next < this.days) this.purchases[next].push(i);
  }

  // -------------------------------------------------------------------------------------------

  run(d: number): SimulatedDay {
    const day = new DayContext(this.plan, d, this.startDay + d, this.profiles[d]);
    this.warehouse.morning(d);
    for (const i of this.earlyVisits[d]) this.browseSession(day, { anonymousId: deviceId(this.seed, i), customer: -1 }, this.rng.chance(0.6) ? this.traits.channel[i] : day.visitChannels.draw(this.rng), null);
    for (const i of this.signUps[d]) this.signUp(day, i);
    const due = this.purchases[d];
    for (let k = 0; k < due.length; k++) if (this.active[due[k]]) this.purchase(day, due[k], null);
    for (const task of this.reviewsDue[d]) this.reviewSession(day, task);
    this.visitorsWhoDoNotBuy(day);
    const spend = marketingSpend(day, this.plan, this.rng);
    const inventory = this.warehouse.evening(d, this.intensity[d], this.clock.timestamp(this.startDay + d, SECONDS_PER_DAY - 1));
    const events = day.stream.finish(this.clock, this.startDay + d, () => `demo-${this.seed}-${++this.messages}`);
    day.orders.sort((a, b) => (a.placedAt < b.placedAt ? -1 : a.placedAt > b.placedAt ? 1 : 0));
    const refunds = this.refundsDue[d].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    // Release the day's buckets: a long run must not keep what it has handed out.
    this.purchases[d] = [];
    this.signUps[d] = [];
    this.earlyVisits[d] = [];
    this.refundsDue[d] = [];
    this.reviewsDue[d] = [];
    return { date: day.date, events, orders: day.orders, refunds, spend, inventory, checkouts: day.checkouts };
  }

  // --- sessions ------------------------------------------------------------------------------

  private signUp(day: DayContext, i: number): void {
    const { regSecond, channel, buysAtSignUp, rate } = this.traits;
    this.active[i] = 1;
    this.activeRate += rate[i];
    const visitor: Visitor = { anonymousId: deviceId(this.seed, i), customer: i };
    if (buysAtSignUp[i]) {
      this.purchase(day, i, { visitor, channel: channel[i], signUpSecond: regSecond[i] });
    } else {
      const start = Math.max(0, regSecond[i] - this.rng.between(40, 400));
      const session = this.openSession(day, visitor, channel[i], start, this.preferredPlatform(i, channel[i]));
      if (!session) return;
      this.browse(day, session, this.rng.geometric(2.5), null);
      this.signUpCalls(session, i, regSecond[i]);
      if (this.rng.chance(0.5)) this.browse(day, session, this.rng.geometric(2), null);
      // New customers who did not buy start their purchase process now (from tomorrow on).
      this.schedule(i, day.index, regSecond[i], day.index + 1);
    }
  }

  private signUpCalls(session: Session, i: number, at: number): void {
    const c = this.customers[i];
    session.page(this.pages.register);
    session.pin(); // the customer record says when they signed up
    session.second = Math.max(session.second, at);
    session.track('Signed Up', { method: this.rng.chance(0.6) ? 'wechat' : 'phone' });
    session.identify(c.externalId, { gender: c.gender, province: c.province, city: c.city, createdAt: c.registeredAt });
    session.wait(this.rng.between(2, 20));
  }

  private preferredPlatform(i: number, channel: number): DemoPlatform {
    return this.rng.chance(0.5) ? demoPlatforms[this.traits.platform[i]] : demoPlatforms[platformTables[channel].draw(this.rng)];
  }

  /** Opens a session with its landing page. Returns null for a bounce (the landing page was all). */
  private openSession(day: DayContext, visitor: Visitor, channel: number, start: number, platform: DemoPlatform, bounceChance = 0, landingSku: SkuInfo | null = null): Session | null {
    const profile = day.profile;
    const channelName = channelProfiles[channel].channel;
    const kolPost = channelName === 'kol' ? this.plan.kolPost(day.index) : null;
    const campaign = campaignTag(channelName, profile, this.rng);
    day.countSession(channel, campaign);
    const session = new Session(day.stream, visitor, start, platform);
    const page = this.landingPage(channelName, profile, kolPost, landingSku, day);
    session.landing(page.page, attributionFor(channelName, this.rng, campaign, kolPost));
    if (this.rng.chance(bounceChance)) return null;
    session.wait(this.rng.between(1, 4));
    if (page.sku) this.viewProduct(session, page.sku);
    return session;
  }

  private landingPage(channel: Channel, profile: DayProfile, kolPost: KolPost | null, wanted: SkuInfo | null, day: DayContext): { page: Page; sku: SkuInfo | null } {
    const home = this.pages.home;
    const r = this.rng.next();
    switch (channel) {
      case 'direct':
        return { page: home, sku: null };
      case 'email':
      case 'sms':
      case 'private_domain':
        if (profile.campaign && r < 0.6) return { page: this.cachedPage('活动会场', `/activity/${encode(profile.campaign)}`, profile.campaign), sku: null };
        break;
      case 'kol':
        if (kolPost && r < 0.8) return this.productLanding(wanted && wanted.category === kolPost.category ? wanted : this.drawSku(kolPost.category));
        break;
      case 'organic_search':
      case 'paid_search':
        if (r < 0.25) return { page: home, sku: null };
        break;
      default:
        break;
    }
    if (r < 0.75) return this.productLanding(wanted ?? this.drawSku(demoCategories[day.browseCategories.draw(this.rng)]));
    return { page: home, sku: null };
  }

  /** Search, category and campaign pages: few distinct ones, so they share contexts too. */
  private cachedPage(name: string, path: string, title: string): Page {
    let page = this.pageCache.get(path);
    if (!page) {
      page = sharedPage(name, path, title);
      this.pageCache.set(path, page);
    }
    return page;
  }

  private productLanding(sku: SkuInfo): { page: Page; sku: SkuInfo } {
    return { page: this.productPages[sku.index], sku };
  }

  private viewProduct(session: Session, sku: SkuInfo): void {
    session.track('Product Viewed', this.viewedProperties[sku.index]);
    // Dwell on a product page: half a minute typically, never so long the session would time out.
    session.wait(Math.min(600, this.rng.logNormal(35, 0.8) + 3));
  }

  /** Looks at `looks` products, searching now and then; `wanted` are put among them. */
  private browse(day: DayContext, session: Session, looks: number, wanted: CartLine[] | null): void {
    // The wanted products are spread over the looks: at looks*(j+1)/(n+1) for the j-th of n.
    let nextWanted = 0;
    for (let k = 0; k < looks; k++) {
      let line: CartLine | undefined;
      if (wanted && nextWanted < wanted.length && k === Math.floor((looks * (nextWanted + 1)) / (wanted.length + 1))) line = wanted[nextWanted++];
      // Out of time before midnight (session.ts): only the products still to be put in the cart.
      if (!line && session.secondsLeft < LATE_BROWSE_SECONDS) continue;
      const sku = line?.sku ?? (wanted && this.rng.chance(0.5) ? this.drawSku(wanted[0].sku.category) : this.drawSku(demoCategories[day.browseCategories.draw(this.rng)]));
      if (this.rng.chance(0.16)) {
        // People search the product type (连衣裙) mostly, sometimes with the brand.
        const search = this.searches[sku.index][this.rng.chance(0.7) ? 0 : 1];
        session.page(search.page);
        session.track('Products Searched', search.properties);
        session.wait(this.rng.between(3, 15));
      } else if (this.rng.chance(0.1)) {
        session.page(this.categoryPages[sku.category]);
        session.wait(this.rng.between(3, 20));
      }
      session.page(this.productPages[sku.index]);
      session.wait(this.rng.between(1, 3));
      this.viewProduct(session, sku);
      if (line) {
        session.track('Product Added', { ...this.viewedProperties[sku.index], quantity: line.quantity });
        session.wait(this.rng.between(2, 30));
      }
    }
  }

  /** A purchase: its session from landing to payment, the order, and what follows (refunds, reviews). */
  private purchase(day: DayContext, i: number, signUp: { visitor: Visitor; channel: number; signUpSecond: number } | null): void {
    const { rate, dropout } = this.traits;
    const isNew = this.orderCount[i] === 0;
    const channel = signUp ? signUp.channel : this.purchaseChannel(day, isNew);
    const kolPost = channelProfiles[channel].channel === 'kol' ? this.plan.kolPost(day.index) : null;
    const lines = this.chooseLines(day, i, kolPost);
    const customer = this.customers[i];
    const onOtherDevice = !signUp && this.rng.chance(OTHER_DEVICE_SHARE);
    const visitor: Visitor = signUp?.visitor ?? (onOtherDevice ? this.newVisitor(i) : { anonymousId: deviceId(this.seed, i), userId: customer.externalId, customer: i });
    const looks = 5 + Math.min(25, this.rng.geometric(9));
    const start = signUp ? Math.max(0, signUp.signUpSecond - this.rng.between(120, 900)) : drawSecondOfDay(this.rng, day.profile.midnightRush);
    const session = this.openSession(day, visitor, channel, start, signUp ? demoPlatforms[this.traits.platform[i]] : this.preferredPlatform(i, channel), 0, lines[0]?.sku ?? null);
    if (!session) return;
    if (lines.length === 0) {
      // Everything they wanted was sold out (断货): they look around and leave.
      this.browse(day, session, this.rng.geometric(3), null);
      if (signUp) this.signUpCalls(session, i, signUp.signUpSecond);
      this.schedule(i, day.index, session.second, day.index + 1);
      return;
    }
    this.browse(day, session, Math.ceil(looks / 2), null);
    if (signUp) this.signUpCalls(session, i, signUp.signUpSecond);
    this.browse(day, session, looks - Math.ceil(looks / 2), lines);
    if (session.userId === undefined) {
      // Logged out on this device: sign in before checkout (stitches the device to the customer).
      session.page(this.pages.login);
      session.wait(this.rng.between(5, 40));
      session.identify(customer.externalId, { gender: customer.gender, city: customer.city });
      session.track('Signed In', { method: this.rng.chance(0.6) ? 'wechat' : 'phone' });
      session.wait(this.rng.between(2, 10));
    }
    const order = this.placeOrder(day, i, session, channel, lines, isNew);
    if (order && order.paidAt && this.rng.chance(0.08)) {
      session.wait(this.rng.between(5, 60));
      const shared = lines[0].sku;
      session.track('Product Shared', { product_id: shared.productId, sku: shared.sku, share_via: this.rng.chance(0.8) ? 'wechat' : 'moments' });
    }
    // BG/NBD: after each purchase the customer may drop out for good.
    if (this.rng.chance(dropout[i])) {
      this.active[i] = 0;
      this.activeRate -= rate[i];
    } else {
      this.schedule(i, day.index, session.second, day.index + 1);
    }
  }

  private purchaseChannel(day: DayContext, isNew: boolean): number {
    // Returning customers come back through 私域, 直接访问, 短信 more than through ads.
    if (isNew || this.rng.chance(0.5)) return day.newBuyerChannels.draw(this.rng);
    return day.loyalChannels.draw(this.rng);
  }

  private newVisitor(customer: number): Visitor {
    return { anonymousId: visitorId(this.seed, this.anonymousVisitors++), customer };
  }

  /** 1-3 lines from the categories this customer likes, boosted by the day's festival; sold-out SKUs are swapped. */
  private chooseLines(day: DayContext, i: number, kolPost: KolPost | null): CartLine[] {
    const phase = day.profile.phase;
    const r = this.rng.next();
    // 凑单: on sale days people add items to reach the 满减 threshold.
    const count = phase === 'peak' ? (r < 0.45 ? 1 : r < 0.8 ? 2 : 3) : phase ? (r < 0.55 ? 1 : r < 0.85 ? 2 : 3) : r < 0.64 ? 1 : r < 0.9 ? 2 : 3;
    const lines: CartLine[] = [];
    for (let k = 0; k < count; k++) {
      let sku: SkuInfo | null = null;
      const first = lines[0]?.sku;
      const together = first ? boughtTogether[first.leafName] : undefined;
      if (together && this.rng.chance(0.5)) {
        sku = this.drawFromLeaf(this.rng.pick(together), lines);
      } else {
        let category: DemoCategory;
        if (k === 0 && kolPost && this.rng.chance(0.7)) category = kolPost.category;
        else if (k === 0 && this.favourite[i] >= 0 && this.rng.chance(0.35)) category = demoCategories[this.favourite[i]];
        else if (first && this.rng.chance(0.45)) category = first.category;
        else category = demoCategories[day.segmentCategories[this.traits.segment[i]].draw(this.rng)];
        sku = this.drawInStock(category, lines);
      }
      if (!sku) continue;
      // Packs of snacks or diapers come by the 2-3; nobody takes three phones (大件 one at a time).
      const quantity = sku.price >= BIG_TICKET ? 1 : Math.min(6, 1 + this.rng.poisson(sku.packs - 1));
      if (!this.warehouse.has(sku, quantity)) continue;
      lines.push({ sku, quantity });
    }
    if (lines.length > 0) this.favourite[i] = demoCategories.indexOf(lines[0].sku.category);
    return lines;
  }

  private drawSku(category: DemoCategory): SkuInfo {
    const { skus, table } = this.catalog.byCategory[category];
    return skus[table.draw(this.rng)];
  }

  /** A SKU in stock and not yet in the cart; two more tries when the first is sold out (the shopper picks a similar one). */
  private drawInStock(category: DemoCategory, lines: CartLine[]): SkuInfo | null {
    for (let attempt = 0; attempt < 3; attempt++) {
      const sku = this.drawSku(category);
      if (this.warehouse.has(sku, 1) && !lines.some((l) => l.sku === sku)) return sku;
    }
    return null;
  }

  private drawFromLeaf(leafName: string, lines: CartLine[]): SkuInfo | null {
    const leaf = this.leafTables.get(leafName);
    if (!leaf || leaf.skus.length === 0) return null;
    const sku = leaf.skus[leaf.table.draw(this.rng)];
    return this.warehouse.has(sku, 1) && !lines.some((l) => l.sku === sku) ? sku : null;
  }

  /** Which coupon the buyer uses: 新人券 on the first order, 召回券 after a long absence, the campaign's, or the everyday one. */
  private chooseCoupon(day: DayContext, i: number, isNew: boolean) {
    if (isNew && this.rng.chance(0.55)) return standingCoupons.newCustomer;
    if (day.index - this.lastOrderDay[i] > 90 && !isNew && this.rng.chance(0.45)) return standingCoupons.winBack;
    if (day.profile.coupon && this.rng.chance(0.45)) return day.profile.coupon;
    if (this.rng.chance(0.08)) return standingCoupons.everyday;
    return null;
  }

  private placeOrder(day: DayContext, i: number, session: Session, channel: number, lines: CartLine[], isNew: boolean): OrderRecord | null {
    const profile = day.profile;
    const presale = profile.presale && this.rng.chance(0.45) && lines.every((l) => l.sku.category !== '食品');
    const chosen = this.chooseCoupon(day, i, isNew);
    const coupon = chosen ? this.offers.templateOf(chosen, day.absolute) : null;
    // Priced when the buyer starts checkout, as the storefront would (the loader checks out then too).
    const pricedAt = this.clock.timestamp(day.absolute, session.second);
    const priced = priceOrder(lines, Date.parse(pricedAt), this.customers[i].externalId, this.offers, coupon, presale);
    const orderId = `o${day.compactDate}${String(day.orders.length + 1).padStart(6, '0')}`;
    const products = lines.map((l, k) => ({ product_id: l.sku.productId, sku: l.sku.sku, name: l.sku.title, price: l.sku.price, quantity: l.quantity, category: l.sku.path, discount: priced.items[k].discount ?? 0 }));

    session.page(this.pages.cart);
    session.track('Cart Viewed', { products });
    session.wait(this.rng.between(5, 60));
    session.page(this.pages.checkout);
    session.track('Checkout Started', { orderId, value: priced.payable, currency: 'CNY', products });
    session.wait(this.rng.between(5, 40));
    if (priced.couponCodes.length > 0) {
      session.track('Coupon Applied', { orderId, coupon_id: priced.couponCodes[0], discount: chosen?.off ?? 0 });
      session.wait(this.rng.between(2, 15));
    }
    session.pin(); // the order records its times from here
    const placedSecond = session.second;
    session.track('Order Completed', {
      orderId, total: priced.payable, subtotal: priced.goods, discount: priced.discount, shipping: priced.shippingFee, currency: 'CNY',
      ...(priced.couponCodes.length > 0 ? { coupon: priced.couponCodes[0] } : {}), ...(presale ? { presale: true } : {}), products,
    });

    const order: OrderRecord = {
      externalId: orderId,
      customerId: this.customers[i].externalId,
      items: priced.items,
      shippingFee: priced.shippingFee,
      discount: priced.discount,
      payableAmount: priced.payable,
      currency: 'CNY',
      status: 'placed',
      placedAt: this.clock.timestamp(day.absolute, placedSecond),
      platform: session.platform,
      channel: channelProfiles[channel].channel,
    };
    const campaign = presale ? '双11预售' : profile.campaign;
    if (campaign) order.campaign = campaign;
    if (priced.couponCodes.length > 0) order.couponCodes = priced.couponCodes;
    day.orders.push(order);
    if (priced.promoted) day.checkouts.push({ order, at: pricedAt, coupon: priced.couponCodes.length > 0 ? coupon : null, engineDiscount: priced.engineDiscount });

    const paid = this.settle(day, order, placedSecond, presale, session);
    if (!paid) return order;
    this.orderCount[i] = Math.min(65535, this.orderCount[i] + 1);
    this.lastOrderDay[i] = day.index;
    for (const line of lines) this.warehouse.sell(line.sku, line.quantity);
    day.recordSale(channel, order, isNew);
    this.afterSale(day, i, order, lines, paid);
    return order;
  }

  /**
   * Payment, shipping and completion as of the end of the history. Returns the payment time
   * (day index, second of that day) or null when the order was never paid.
   */
  private settle(day: DayContext, order: OrderRecord, placedSecond: number, presale: boolean, session: Session): Settlement | null {
    const end = this.days * SECONDS_PER_DAY;
    const placed = day.index * SECONDS_PER_DAY + placedSecond;
    const unpaidChance = presale ? 0.12 : session.platform === 'app' ? UNPAID_SHARE * 0.7 : UNPAID_SHARE * 1.2;
    let paidAt: number;
    if (presale) {
      // 尾款 is paid from 11-11 00:00; deposits not followed by the balance are closed at the end of 11-11.
      const elevenEleven = this.dayOf(`${day.date.slice(0, 4)}-11-11`);
      if (this.rng.chance(unpaidChance)) return this.closeUnpaid(order, elevenEleven * SECONDS_PER_DAY + SECONDS_PER_DAY - 1, end);
      paidAt = elevenEleven * SECONDS_PER_DAY + this.rng.between(0, 7200);
    } else {
      if (this.rng.chance(unpaidChance)) {
        const closedAfter = this.rng.chance(0.4) ? this.rng.between(300, 7200) : SECONDS_PER_DAY;
        return this.closeUnpaid(order, placed + closedAfter, end);
      }
      const paysAtOnce = this.rng.chance(0.9);
      paidAt = placed + (paysAtOnce ? this.rng.between(8, 180) : this.rng.between(300, 3600));
      if (paysAtOnce) {
        // Paid in the session, when its clock says (a late session goes faster: session.ts).
        session.wait(paidAt - placed);
        paidAt = day.index * SECONDS_PER_DAY + session.second;
        session.page({ name: '支付成功', path: `/pay/success?order=${order.externalId}`, title: '支付成功' });
      }
    }
    if (paidAt >= end) return null;
    order.status = 'paid';
    order.paidAt = this.timestampOf(paidAt);
    order.paidAmount = order.payableAmount;
    // Warehouses are swamped after 11-11: balance-paid presale orders ship later.
    const shippedAt = paidAt + (presale ? this.rng.between(12 * 3600, 96 * 3600) : this.rng.between(4 * 3600, 48 * 3600));
    const completedAt = shippedAt + this.rng.between(2 * SECONDS_PER_DAY, 10 * SECONDS_PER_DAY);
    if (shippedAt < end) {
      order.status = 'shipped';
      order.shippedAt = this.timestampOf(shippedAt);
      if (completedAt < end) {
        order.status = 'completed';
        order.completedAt = this.timestampOf(completedAt);
      }
    }
    return { paidDay: Math.floor(paidAt / SECONDS_PER_DAY), completedDay: completedAt < end ? Math.floor(completedAt / SECONDS_PER_DAY) : null };
  }

  private closeUnpaid(order: OrderRecord, closedAt: number, end: number): null {
    if (closedAt < end) {
      order.status = 'cancelled';
      order.cancelledAt = this.timestampOf(closedAt);
    }
    return null;
  }

  private dayOf(date: string): number {
    return Math.round((Date.parse(`${date}T00:00:00Z`) / 86_400_000) - this.startDay);
  }

  private timestampOf(windowSecond: number): string {
    return this.clock.timestamp(this.startDay, windowSecond);
  }

  /** Refunds of some lines 1-15 days after payment, and a review of some orders after delivery. */
  private afterSale(day: DayContext, i: number, order: OrderRecord, lines: CartLine[], paid: Settlement): void {
    const refunded = this.refundOrder(order, lines, paid);
    if (refunded || paid.completedDay === null || !this.rng.chance(0.18)) return;
    const reviewDay = paid.completedDay + this.rng.between(0, 3);
    if (reviewDay >= this.days || reviewDay <= day.index) return;
    const r = this.rng.next();
    const rating = r < 0.62 ? 5 : r < 0.82 ? 4 : r < 0.9 ? 3 : r < 0.95 ? 2 : 1;
    this.reviewsDue[reviewDay].push({ customer: i, orderId: order.externalId, sku: this.rng.pick(lines).sku, rating });
  }

  /**
   * 售后: an order is refunded with the chance of its riskiest line (服饰 sizes most, 数码 least);
   * that line goes back, and often the whole order with it (退整单). A fifth of refunds are partial
   * (仅退款 / 价保) and return nothing. Each refund is due 1-15 days after payment.
   */
  private refundOrder(order: OrderRecord, lines: CartLine[], paid: Settlement): boolean {
    const chances = lines.map((line) => refundChance[line.sku.category]);
    const riskiest = chances.indexOf(Math.max(...chances));
    if (!this.rng.chance(chances[riskiest])) return false;
    const wholeOrder = this.rng.chance(0.5);
    const refundDay = paid.paidDay + this.rng.between(1, 15);
    if (refundDay >= this.days) return false;
    const shares = paidPerLine(order);
    let refunded = false;
    lines.forEach((line, k) => {
      if (k !== riskiest && !wholeOrder && !this.rng.chance(chances[k] / 2)) return;
      const partial = this.rng.chance(0.2);
      const amount = partial ? Math.floor(shares[k] * this.rng.uniform(0.2, 0.5)) : shares[k];
      if (amount <= 0) return;
      const refund: RefundRecord = {
        externalId: `r${order.externalId.slice(1)}-${k + 1}`,
        orderId: order.externalId,
        amount,
        reason: partial ? this.rng.pick(partialRefundReasons) : this.rng.pick(refundReasons[line.sku.category]),
        createdAt: this.clock.timestamp(this.startDay + refundDay, drawSecondOfDay(this.rng, false)),
      };
      // A partial refund (仅退款 / 价保) returns no goods, so it lists no items.
      if (!partial) refund.items = [{ sku: line.sku.sku, quantity: line.quantity }];
      this.refundsDue[refundDay].push(refund);
      refunded = true;
    });
    return refunded;
  }

  private reviewSession(day: DayContext, task: ReviewTask): void {
    const i = task.customer;
    const visitor: Visitor = { anonymousId: deviceId(this.seed, i), userId: this.customers[i].externalId, customer: i };
    const session = this.openSession(day, visitor, channelIndex.get('direct') ?? 0, drawSecondOfDay(this.rng, false), demoPlatforms[this.traits.platform[i]]);
    if (!session) return;
    session.page(this.pages.orders);
    session.wait(this.rng.between(5, 30));
    session.page({ name: '评价', path: `/review/${task.orderId}`, title: '发表评价' });
    session.wait(this.rng.between(20, 180));
    const body = reviewText(this.rng, task.sku.category, task.rating);
    session.track('Product Reviewed', { product_id: task.sku.productId, sku: task.sku.sku, order_id: task.orderId, rating: task.rating, review_body: body });
  }

  // --- the visitors who do not buy -----------------------------------------------------------

  /**
   * Sizes the day's non-buying traffic from the expected buyers, so that visitor -> buyer
   * conversion per channel is what the channel profile says (2-4% overall, 私域 far higher).
   */
  private visitorsWhoDoNotBuy(day: DayContext): void {
    const expectedBuyers = this.activeRate * this.intensity[day.index] + this.signUps[day.index].length * SIGN_UP_BUYERS;
    const sessions = expectedBuyers / day.expectedConversion;
    channelProfiles.forEach((profile, c) => {
      const count = this.rng.poisson(sessions * day.visitShare[c] * (1 - Math.min(0.9, profile.conversion * day.profile.conversionLift)));
      // Buyers never bounce: bouncing non-buyers keep the channel's overall bounce rate.
      const bounce = Math.min(0.9, profile.bounce / (1 - profile.conversion));
      for (let k = 0; k < count; k++) this.browseSession(day, this.pickVisitor(day), c, bounce);
    });
  }

  private pickVisitor(day: DayContext): Visitor {
    const registered = this.registeredBefore[day.index];
    if (registered > 0 && this.rng.chance(REGISTERED_VISIT_SHARE)) {
      let i = this.byRegistration[this.rng.int(registered)];
      // Active customers visit more than those who stopped buying (沉睡 users still drop by now and then).
      if (!this.active[i] && this.rng.chance(0.6)) i = this.byRegistration[this.rng.int(registered)];
      if (this.rng.chance(OTHER_DEVICE_SHARE)) return this.newVisitor(i);
      return { anonymousId: deviceId(this.seed, i), userId: this.customers[i].externalId, customer: i };
    }
    if (this.anonymousVisitors > 0 && this.rng.chance(RETURNING_VISITOR_SHARE)) {
      const recent = Math.min(this.anonymousVisitors, 20_000);
      return { anonymousId: visitorId(this.seed, this.anonymousVisitors - 1 - this.rng.int(recent)), customer: -1 };
    }
    return this.newVisitor(-1);
  }

  /** A visit without purchase: a bounce, or some browsing, maybe a cart or a checkout abandoned (弃购). */
  private browseSession(day: DayContext, visitor: Visitor, channel: number, bounce: number | null): void {
    const platform = visitor.customer >= 0 ? this.preferredPlatform(visitor.customer, channel) : demoPlatforms[platformTables[channel].draw(this.rng)];
    const session = this.openSession(day, visitor, channel, drawSecondOfDay(this.rng, day.profile.midnightRush), platform, bounce ?? channelProfiles[channel].bounce);
    if (!session) return;
    // A logged-out customer sometimes signs in: the device gets stitched to the customer.
    if (visitor.customer >= 0 && session.userId === undefined && this.rng.chance(0.4)) {
      const c = this.customers[visitor.customer];
      session.identify(c.externalId, { gender: c.gender, city: c.city });
      session.track('Signed In', { method: this.rng.chance(0.6) ? 'wechat' : 'phone' });
      session.wait(this.rng.between(2, 10));
    }
    const looks = Math.min(15, this.rng.geometric(1.4));
    this.browse(day, session, looks, null);
    const r = this.rng.next();
    // Preheat days are for filling the cart (加购) before the sale starts.
    const addChance = day.profile.phase === 'preheat' ? 0.22 : 0.13;
    if (r < addChance) {
      const sku = this.drawSku(demoCategories[day.browseCategories.draw(this.rng)]);
      session.page(this.productPages[sku.index]);
      session.track('Product Added', { ...this.viewedProperties[sku.index], quantity: 1 });
      session.wait(this.rng.between(5, 60));
      if (this.rng.chance(0.5)) {
        session.page(this.pages.cart);
        session.track('Cart Viewed', { products: [{ product_id: sku.productId, sku: sku.sku, price: sku.price, quantity: 1, category: sku.path }] });
        session.wait(this.rng.between(5, 60));
        if (this.rng.chance(0.2)) {
          session.track('Product Removed', { ...this.viewedProperties[sku.index], quantity: 1 });
        } else if (this.rng.chance(0.35)) {
          session.page(this.pages.checkout);
          session.track('Checkout Started', { value: sku.price, currency: 'CNY', products: [{ product_id: sku.productId, sku: sku.sku, price: sku.price, quantity: 1, category: sku.path }] });
        }
      }
    }
    if (this.rng.chance(0.02)) {
      const shared = this.drawSku(demoCategories[day.browseCategories.draw(this.rng)]);
      session.track('Product Shared', { product_id: shared.productId, sku: shared.sku, share_via: 'wechat' });
    }
  }

  /** Expected demand over window days [from, to) in ordinary days; days past the calendar count as 1. */
  private intensityBetween(from: number, to: number): number {
    const last = this.intensity.length;
    const a = Math.min(from, last);
    const b = Math.min(to, last);
    return this.cumulative[b] - this.cumulative[a] + Math.max(0, to - Math.max(from, last));
  }
}



