import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { AnalyticsStore } from './platform/analytics-store';
import type { Config } from './platform/config';
import { lockDataDir } from './platform/data-dir-lock';
import { LocalAccess } from './platform/local-access';
import { migrate, openDatabase, type Db } from './platform/db';
import { createHttpApp, type HttpApp } from './platform/http';
import { createLogger } from './platform/logger';
import { auditor } from './platform/audit';
import { Repeating } from './platform/background';
import { ShopLookup } from './platform/shop-lookup';
import { counterMigrations, PostgresCounters, RedisCounters, type HotCounters } from './platform/counters';
import { EventFeed } from './platform/event-feed';
import { IdempotencyKeys, idempotencyMigrations } from './platform/idempotency';
import { Clock } from './platform/clock';
import { FlywheelError } from './platform/errors';
import { jobMigrations, Jobs } from './platform/jobs';
import { subscriberMigrations, Subscribers } from './platform/subscribers';
import { mergeProjections, OutboxProjector, outboxMigrations } from './platform/outbox';
import { analyticsRoutes, AnalyticsService, funnelsAnalyticsSchema, sessionsAnalyticsSchema, visitsAnalyticsSchema } from './modules/analytics';
import { commerceAnalyticsSchema, commerceMigrations, commerceProjections, commerceRoutes, CommerceService, eraseCustomerAnalytics } from './modules/commerce';
import { createCustomers, customersAnalyticsSchema, customersMigrations, customersProjections, customersRoutes, type Customers } from './modules/customers';
import { importRoutes, ImportService } from './modules/imports';
import { createLoyalty, InsufficientPoints, loyaltyAnalyticsSchema, loyaltyMigrations, loyaltyProjections, loyaltyRoutes, type Loyalty } from './modules/loyalty';
import { createPromotions, customerFacts, type HeldReservation, promotionsAnalyticsSchema, promotionsMigrations, promotionsProjections, promotionsRoutes, type Promotions } from './modules/promotions';
import { campaignsMigrations, campaignsRoutes, createCampaigns, type Campaigns } from './modules/campaigns';
import { createPlanning, DEFAULT_ALERT_INTERVAL_MS, planningMigrations, planningRoutes, type Planning } from './modules/planning';
import { shopMigrations, shopRoutes, ShopService } from './modules/shops';
import { trackingAnalyticsSchema, trackingRoutes, TrackingService } from './modules/tracking';

/** How often a listening server rolls new events up into visits and sessions (when enough have arrived). */
const VISITS_INTERVAL_MS = 10_000;

/** How often a listening server measures the saved segments (each day then has a point of size history). */
const SEGMENT_SIZES_INTERVAL_MS = 3_600_000;

/** The console build, served at / when `npm install` has built it. */
const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export const migrations = [...outboxMigrations, ...idempotencyMigrations, ...jobMigrations, ...subscriberMigrations, ...counterMigrations, ...shopMigrations, ...commerceMigrations, ...planningMigrations, ...customersMigrations, ...loyaltyMigrations, ...promotionsMigrations, ...campaignsMigrations];
export const analyticsSchemas = [trackingAnalyticsSchema, commerceAnalyticsSchema, visitsAnalyticsSchema, sessionsAnalyticsSchema, funnelsAnalyticsSchema, customersAnalyticsSchema, loyaltyAnalyticsSchema, promotionsAnalyticsSchema];

export interface Flywheel {
  config: Config;
  log: Logger;
  db: Db;
  store: AnalyticsStore;
  shops: ShopService;
  commerce: CommerceService;
  tracking: TrackingService;
  imports: ImportService;
  analytics: AnalyticsService;
  planning: Planning;
  customers: Customers;
  promotions: Promotions;
  loyalty: Loyalty;
  campaigns: Campaigns;
  projector: OutboxProjector;
  /** The levers' runtime: domain-event subscribers, behaviour-event triggers, durable jobs and timers, hot counters. */
  runtime: LeverRuntime;
  http: HttpApp;
  /** The token a CLI command on this machine reads through while this server holds the data dir (`flywheel review`). */
  localAccess: LocalAccess;
  /** The work a listening server repeats in the background (`flywheel serve` starts it; tests and one-off commands run the work directly). */
  background: Repeating[];
  startBackground(): void;
  close(): Promise<void>;
}

export interface LeverRuntime {
  subscribers: Subscribers;
  events: EventFeed;
  jobs: Jobs;
  counters: HotCounters;
  /** The levers' now: the wall's, or the moment being replayed while the demo loads history. */
  clock: Clock;
  /** Runs everything the runtime has waiting (tests and one-off commands; a server does it in the background). */
  drain(): Promise<void>;
}

/** How often a listening server runs due jobs and hands new behaviour events to triggers. */
const JOBS_INTERVAL_MS = 1000;
const EVENT_FEED_INTERVAL_MS = 2000;

export interface OpenOptions {
  logger?: Logger;
}

/** Opens the stores, runs migrations, wires the modules and their routes. Background loops (the outbox projector) start with `serve`; tests and one-off commands drain them by hand. */
export async function openFlywheel(config: Config, options: OpenOptions = {}): Promise<Flywheel> {
  const log = options.logger ?? createLogger(config);
  const unlock = lockDataDir(config.dataDir);
  try {
    const db = await openDatabase(config);
    await migrate(db, migrations);
    const store = await AnalyticsStore.open(path.join(config.dataDir), { memoryLimit: config.analyticsMemory, queryTimeoutMs: config.queryTimeoutMs });
    await store.ensureSchemas(analyticsSchemas);

    const shops = new ShopService(db);
    const lookup = new ShopLookup(async (shopId) => {
      const s = await shops.getShop(shopId);
      return { shopId, name: s.name, timezone: s.timezone, currency: s.currency, changeColours: s.changeColours, channelMapping: s.channelMapping };
    });
    const commerce = new CommerceService(db, async (shopId) => (await lookup.get(shopId)).currency);
    const tracking = new TrackingService(store, (shopId) => lookup.get(shopId), config.dedupeWindowHours);
    await tracking.init();
    const clock = new Clock();
    const runtime: LeverRuntime = {
      clock, subscribers: new Subscribers(db), events: new EventFeed(db, store), jobs: new Jobs(db, log, { clock }), counters: config.redisUrl ? new RedisCounters(db, config.redisUrl) : new PostgresCounters(db),
      async drain() {
        await runtime.subscribers.drain();
        await runtime.events.drain();
        await runtime.jobs.work();
      },
    };
    const projector = new OutboxProjector(db, store, mergeProjections(commerceProjections, customersProjections, loyaltyProjections, promotionsProjections), log, config.projectorIntervalMs);
    await projector.init();
    const analytics = new AnalyticsService(store, config.funnelMemoryBytes, async (shopId) => (await lookup.get(shopId)).timezone);
    const planning = createPlanning(db, analytics, {
      shop: (id) => lookup.get(id), shopIds: async () => (await shops.listShops()).map((s) => s.id),
      // The promotions module is made below; the 复盘 asks it only once the app runs.
      promotionCosts: (shopId, start, end) => promotions.costs(shopId, start, end),
    }, log, { delivery: { allowPrivate: config.allowPrivateWebhooks }, chromiumPath: config.chromiumPath });
    const loyalty = createLoyalty(db, {
      // Inside a subscriber's transaction the shop is read through it (embedded PGlite is one connection).
      shopOf: async (id, trx) => (trx ? new ShopService(trx).getShop(id) : lookup.get(id)),
      knownCustomers: async (shopId, ids) => new Set((await commerce.customerRecords(shopId, ids)).keys()),
      runtime,
    });
    const customers = createCustomers(db, store, {
      shopOf: (id) => lookup.get(id),
      commerce,
      loyalty: loyalty.service,
      // Erasure reaches commerce's analytics tables once every batch read before it has landed.
      eraseCustomerAnalytics: async (shopId, externalId, anonymousId) => { await projector.drain(); await store.write((conn) => eraseCustomerAnalytics(conn, shopId, externalId, anonymousId)); },
      erasePerson: async (shopId, userId, anonymousId) => { await tracking.erasePerson(shopId, userId, anonymousId); await analytics.erasePerson(shopId, userId, anonymousId); },
      drainOutbox: () => projector.drain(),
    });
    const campaigns = createCampaigns(db, {
      runtime, log,
      commerce: {
        order: (shopId, orderId) => commerce.getOrder(shopId, orderId).catch((error: unknown) => { if (error instanceof FlywheelError && error.code === 'not_found') return null; throw error; }),
        refund: (shopId, refund) => commerce.upsert(shopId, 'refunds', [refund]),
      },
    });
    const promotions = createPromotions(db, {
      shopOf: (id) => lookup.get(id),
      facts: customerFacts({
        // A segment deleted since a promotion named it has no members.
        segmentsOf: async (shopId, customerId, segmentIds) => new Set((await Promise.all(segmentIds.map((id) => customers.segments.isMember(shopId, id, customerId).then((m) => (m ? id : null), () => null)))).filter((id): id is string => id !== null)),
        hasPurchased: (shopId, customerId) => customers.segments.matches(shopId, { field: 'lifecycle', op: 'in', value: ['new', 'active', 'dormant', 'churned'] }, customerId),
        membership: async (shopId, customerId) => {
          const benefits = await loyalty.service.benefitsOf(shopId, customerId);
          return { tier: benefits.tier, discountPct: benefits.discountPct, freeShipping: benefits.freeShipping };
        },
        points: async (shopId, customerId) => {
          const [{ program }, balance] = await Promise.all([loyalty.service.program(shopId), loyalty.service.balance(db, shopId, customerId)]);
          return { available: balance.available, pointsPerYuan: program.points.redeem.pointsPerYuan, maxShare: program.points.redeem.maxShare };
        },
      }),
      points: {
        async spend(trx, shopId, customerId, points, key) {
          try { await loyalty.service.redeem(shopId, customerId, points, 'checkout', key, trx); return true; } catch (error) { if (error instanceof InsufficientPoints) return false; throw error; }
        },
        async giveBack(shopId, customerId, points, key) { await loyalty.service.adjust(shopId, { customerId, amount: points, reason: 'checkout released', idempotencyKey: key }); },
      },
      // 秒杀 prices: checkout prices a reserved line at the sale's price and makes the reservation the order's.
      reservations: {
        async of(shopId, ids) {
          const out = new Map<string, HeldReservation>();
          for (const id of ids) {
            const r = await campaigns.flashSales.reservation(shopId, id).catch((error: unknown) => { if (error instanceof FlywheelError && error.code === 'not_found') return null; throw error; });
            if (r) out.set(id, { ...r, name: (await campaigns.flashSales.get(shopId, r.flashSaleId)).name });
          }
          return out;
        },
        async attach(shopId, id, orderId) {
          try { await campaigns.flashSales.attachToOrder(shopId, id, orderId); return true; } catch (error) { if (error instanceof FlywheelError) return false; throw error; }
        },
      },
      runtime, log,
    });
    analytics.useSegments((shopId, segmentId) => customers.segments.membersSql(shopId, segmentId));
    analytics.useLifecycle((shopId, asOfs) => customers.people.lifecycleCounts(shopId, asOfs));
    analytics.useKeyNames(async (shopId, dimension, keys) => (dimension === 'promotion' ? promotions.promotions.namesOf(shopId, keys) : new Map()));
    const imports = new ImportService(commerce, tracking, (shopId) => lookup.get(shopId));

    const localAccess = new LocalAccess();
    const shopExists = (shopId: string) => shops.getShop(shopId).then(() => true, () => false);
    const http = await createHttpApp({
      logger: log,
      authenticate: async (t) => (await localAccess.principal(t, shopExists)) ?? shops.authenticate(t),
      rateLimitPerSecond: config.rateLimitPerSecond,
      consoleDir: fs.existsSync(path.join(consoleDir, 'index.html')) ? consoleDir : undefined,
      corsOrigins: config.corsOrigins,
      metricsToken: config.metricsToken,
      idempotency: new IdempotencyKeys(db),
    });
    const audit = auditor((shopId, actor, action, detail) => shops.audit(shopId, actor, action, detail));
    shopRoutes(http, shops, audit, (shopId) => lookup.changed(shopId));
    commerceRoutes(http, commerce, audit);
    trackingRoutes(http, tracking);
    await importRoutes(http, imports);
    analyticsRoutes(http, analytics, (shopId) => lookup.get(shopId));
    planningRoutes(http, planning, audit);
    customersRoutes(http, customers, audit);
    promotionsRoutes(http, promotions, audit);
    loyaltyRoutes(http, loyalty, audit);
    campaignsRoutes(http, campaigns, audit);
    localAccess.routes(http, async () => (await shops.listShops()).map((s) => s.id));
    const background = [
      new Repeating('outbox projector', config.projectorIntervalMs, () => projector.drain(), log),
      new Repeating('visits roll-up', VISITS_INTERVAL_MS, () => analytics.visits.rollUpBatch(), log),
      new Repeating('sessions roll-up', VISITS_INTERVAL_MS, () => analytics.sessions.rollUpBatch(), log),
      // At start: the shops funnels kept in memory before, loaded again before anyone asks; then kept caught up.
      new Repeating('funnel events', VISITS_INTERVAL_MS, () => analytics.sequences.warm(), log),
      new Repeating('alert evaluation', DEFAULT_ALERT_INTERVAL_MS, () => planning.alerts.evaluateAll(), log, DEFAULT_ALERT_INTERVAL_MS),
      new Repeating('domain events', config.projectorIntervalMs, () => runtime.subscribers.drain(), log),
      new Repeating('behaviour triggers', EVENT_FEED_INTERVAL_MS, () => runtime.events.drain(), log),
      new Repeating('jobs', JOBS_INTERVAL_MS, () => runtime.jobs.work(), log),
      new Repeating('segment sizes', SEGMENT_SIZES_INTERVAL_MS, async () => customers.segments.measureAll((await shops.listShops()).map((s) => s.id)), log, SEGMENT_SIZES_INTERVAL_MS),
    ];

    let closed = false;
    return {
      config, log, db, store, shops, commerce, tracking, imports, analytics, planning, customers, promotions, loyalty, campaigns, projector, runtime, http, localAccess, background,
      startBackground() { for (const task of background) task.start(); },
      async close() {
        if (closed) return;
        closed = true;
        localAccess.withdraw();
        await http.close();
        for (const task of background) await task.stop();
        await tracking.close();
        if (runtime.counters instanceof RedisCounters) await runtime.counters.close();
        await store.close();
        await db.destroy();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
