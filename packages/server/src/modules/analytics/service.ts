import { addDays, dimensions, type Dimension, type FunnelRequest, type MetricName, type MetricsQuery, type MetricsResult, type ProductAnalyticsQuery } from '@flywheel/contracts';
import type { AnalyticsStore } from '../../platform/analytics-store';
import { FlywheelError } from '../../platform/errors';
import type { ShopContext as PlatformShopContext } from '../../platform/shop-lookup';
import { localDateOf } from '../../platform/timezone';
import { factSql, filterParams, type AttributionModel, type FactParams, type Filters } from './fact-sql';
import { evaluate, factsOf, measuresOf, type Level, type Measure, type MeasureValues } from './metric-layer';
import { EventSequences } from './sequences';
import { SessionRollup } from './sessions';
import { VISIT_BUCKET_MS, VisitRollup } from './visits';
import { bucketsOf, period, previousPeriod, type Period } from './periods';
import { cohorts, type CohortsQuery } from './cohorts';
import { funnel, funnelDropOffs } from './funnels';
import { productAnalytics } from './products';

/** What analytics needs of a shop (a part of the platform's shop context). */
export type ShopContext = Pick<PlatformShopContext, 'shopId' | 'timezone' | 'currency'>;

type LevelValues = Map<string, MeasureValues>;

/** A customer segment as a filter: a statement selecting its members' customer_id, with its parameters (given by the customers module). */
export interface SegmentFilter { sql: string; params: Record<string, string | number> }
export type SegmentResolver = (shopId: string, segmentId: string) => Promise<SegmentFilter>;
/** Customers per lifecycle stage as of each local date (the customers module's classification). */
export type LifecycleCounts = (shopId: string, asOfs: readonly string[]) => Promise<Map<string, Record<string, number>>>;
/** Names of a dimension's keys that are ids (a promotion's name for its id); keys without one are absent. */
export type KeyNames = (shopId: string, dimension: Dimension, keys: readonly string[]) => Promise<Map<string, string>>;

const change = (current: number | null, previous: number | null) => ({
  previous,
  change: current === null || previous === null ? null : current - previous,
  changePct: current === null || previous === null || previous === 0 ? null : (current - previous) / Math.abs(previous),
});

/**
 * Measure: KPIs, funnels, cohorts, attribution and product analytics over the analytics store. Every
 * number about orders, visitors and money comes from the metric layer (metric-layer.ts + fact-sql.ts).
 */
export class AnalyticsService {
  readonly sequences: EventSequences;
  readonly visits: VisitRollup;
  readonly sessions: SessionRollup;

  /**
   * `funnelMemoryBytes`: what funnels may keep in memory (see `EventSequences`); `timezoneOf`: a
   * shop's time zone, for the sessions rollup (local midnight ends a session).
   */
  constructor(readonly store: AnalyticsStore, funnelMemoryBytes?: number, timezoneOf: (shopId: string) => Promise<string> = async () => 'Asia/Shanghai') {
    this.sequences = new EventSequences(store, funnelMemoryBytes);
    this.visits = new VisitRollup(store);
    this.sessions = new SessionRollup(store, timezoneOf);
  }

  /**
   * Erasure of a person (after tracking's): the rollups take the anonymous id their events now carry,
   * so rolled-up and newer rows still count them as one person.
   */
  async erasePerson(shopId: string, userId: string, anonymousId: string) {
    await this.visits.erasePerson(shopId, userId, anonymousId);
    await this.sessions.erasePerson(shopId, userId, anonymousId);
  }

  params(shop: ShopContext, p: Period): FactParams {
    return { shop: shop.shopId, tz: shop.timezone, start: p.start.toISOString(), end: p.end.toISOString(), from: p.from, to: p.to };
  }

  private segments: SegmentResolver | undefined;

  /** The customers module answers `filter.segment` (analytics does not know segments; they know the facts). */
  useSegments(resolver: SegmentResolver) { this.segments = resolver; }

  private lifecycle: LifecycleCounts | undefined;

  private keyNames: KeyNames | undefined;

  /** The module that owns a dimension's ids names its breakdown keys (promotions name theirs). */
  useKeyNames(names: KeyNames) { this.keyNames = names; }

  /** The customers module answers the `lifecycle_*` metrics: its stages at the last day of each period or bucket. */
  useLifecycle(counts: LifecycleCounts) { this.lifecycle = counts; }

  /**
   * `lifecycle_*` measures per group: customers in the stage at the group's last day (today at the
   * latest, for a period that has not ended). A count at a date is not cut by anything.
   */
  private async lifecycleValues(shop: ShopContext, p: Period, measures: readonly Measure[], level: Level, filters: Filters, segment?: SegmentFilter): Promise<LevelValues> {
    const what = measures.join(', ');
    if (level.kind === 'breakdown') throw new FlywheelError('invalid_field', `breakdown: ${what} (customers at a date) cannot be broken down`, 'breakdown');
    const filter = Object.keys(filters)[0] ?? (segment ? 'segment' : undefined);
    if (filter) throw new FlywheelError('invalid_field', `filter.${filter}: ${what} (customers at a date) cannot be filtered`, `filter.${filter}`);
    if (level.kind === 'series' && level.grain === 'hour') throw new FlywheelError('invalid_field', `grain: ${what} (customers at a date) are counted by day at the finest`, 'grain');
    const today = localDateOf(new Date(), shop.timezone);
    const lastDay = (end: string) => { const d = addDays(end, -1); return d < today ? d : today; };
    const groups = level.kind === 'total'
      ? [{ key: '', asOf: lastDay(p.to) }]
      : bucketsOf(p.from, p.to, level.grain!).map((start, i, all) => ({ key: start, asOf: lastDay(all[i + 1] ?? p.to) })).filter((g) => g.key <= today);
    const counts = await this.lifecycle!(shop.shopId, [...new Set(groups.map((g) => g.asOf))]);
    return new Map(groups.map((g) => [g.key, Object.fromEntries(measures.map((m) => [m, counts.get(g.asOf)?.[m.slice('lifecycle_'.length)] ?? 0]))]));
  }

  /** Measure values per group (bucket start, breakdown key, or '' for the total) for one period. */
  measureLevel(shop: ShopContext, p: Period, metrics: readonly MetricName[], level: Level, filters: Filters, model?: AttributionModel, segment?: SegmentFilter): Promise<LevelValues> {
    return this.measureValues(shop, p, measuresOf(metrics), level, filters, model, segment);
  }

  /** The same for measures of the metric layer that are not metrics of their own (units, product views). */
  async measureValues(shop: ShopContext, p: Period, measures: readonly Measure[], level: Level, filters: Filters, model?: AttributionModel, segment?: SegmentFilter): Promise<LevelValues> {
    const lifecycle = factsOf(measures).get('lifecycle');
    const out: LevelValues = lifecycle ? await this.lifecycleValues(shop, p, lifecycle, level, filters, segment) : new Map();
    const facts = [...factsOf(measures)].filter(([fact]) => fact !== 'lifecycle');
    if (facts.length === 0) return out;
    // One statement for all facts (their columns differ; `union all by name` fills the others with null).
    const quarterHours = p.start.getTime() % VISIT_BUCKET_MS === 0 && p.end.getTime() % VISIT_BUCKET_MS === 0;
    const sql = facts.map(([fact, measures]) => `select * from (${factSql({ fact, measures, level, filters, model, quarterHours, segment: segment?.sql })})`).join('\nunion all by name\n');
    const rows = await this.store.all(sql, { ...segment?.params, ...this.params(shop, p), ...filterParams(filters) });
    for (const row of rows) {
      const key = String(row.g ?? 'unknown');
      const values = out.get(key) ?? {};
      for (const [, measures] of facts) for (const m of measures) if (row[m] !== null && row[m] !== undefined) values[m] = Number(row[m]);
      out.set(key, values);
    }
    return out;
  }

  async metrics(shop: ShopContext, q: MetricsQuery): Promise<MetricsResult> {
    const p = period(q.from, q.to, shop.timezone);
    const filters: Filters = {};
    for (const d of dimensions) {
      const v = q[`filter.${d}`];
      if (v !== undefined) filters[d] = v;
    }
    const segmentId = q['filter.segment'];
    const segment = segmentId === undefined ? undefined : await this.segments!(shop.shopId, segmentId);
    const totalsOf = async (pp: Period) => evaluate(q.metrics, (await this.measureLevel(shop, pp, q.metrics, { kind: 'total' }, filters, undefined, segment)).get('') ?? {});
    const totals = await totalsOf(p);
    const result: MetricsResult = { from: q.from, to: q.to, timezone: shop.timezone, currency: shop.currency, totals };
    if (q.compare) {
      const prev = previousPeriod(p, q.compare, shop.timezone);
      const previous = await totalsOf(prev);
      result.previous = { from: prev.from, to: prev.to };
      result.comparison = Object.fromEntries(q.metrics.map((m) => [m, change(totals[m], previous[m])]));
    }
    if (q.grain) {
      const byBucket = await this.measureLevel(shop, p, q.metrics, { kind: 'series', grain: q.grain }, filters, undefined, segment);
      result.series = bucketsOf(q.from, q.to, q.grain).map((start) => ({ start, values: evaluate(q.metrics, byBucket.get(start) ?? {}) }));
    }
    if (q.breakdown) {
      const byKey = await this.measureLevel(shop, p, q.metrics, { kind: 'breakdown', dimension: q.breakdown }, filters, undefined, segment);
      const first = q.metrics[0];
      const rows = [...byKey.entries()]
        .map(([key, values]) => ({ key, values: evaluate(q.metrics, values) }))
        .sort((a, b) => (b.values[first] ?? -Infinity) - (a.values[first] ?? -Infinity) || a.key.localeCompare(b.key));
      const shown = rows.slice(0, q.limit);
      const names = (await this.keyNames?.(shop.shopId, q.breakdown, shown.map((r) => r.key))) ?? new Map<string, string>();
      result.breakdown = shown.map((r) => (names.has(r.key) ? { ...r, label: names.get(r.key) } : r));
      result.breakdownKeys = rows.length;
    }
    return result;
  }

  /** Per channel: visitors who came through it, and the buyers, sales and new buyers credited to it by the model. */
  async attribution(shop: ShopContext, q: { model: AttributionModel; from: string; to: string }) {
    const p = period(q.from, q.to, shop.timezone);
    const metrics: MetricName[] = ['uv', 'buyers', 'sales', 'new_buyers', 'spend', 'cac', 'roas'];
    const byChannel = await this.measureLevel(shop, p, metrics, { kind: 'breakdown', dimension: 'channel' }, {}, q.model);
    const channels = [...byChannel.entries()].map(([channel, m]) => {
      const v = evaluate(metrics, m);
      return { channel, visitors: v.uv ?? 0, buyers: v.buyers ?? 0, sales: v.sales ?? 0, newBuyers: v.new_buyers ?? 0, spend: v.spend ?? 0, cac: v.cac, roas: v.roas };
    });
    return { model: q.model, channels: channels.sort((a, b) => b.sales - a.sales || b.visitors - a.visitors || a.channel.localeCompare(b.channel)) };
  }

  funnel(shop: ShopContext, q: FunnelRequest) {
    return funnel(this.sequences, shop, q);
  }

  /** Who reached step - 1 and not `step`. */
  funnelDropOffs(shop: ShopContext, q: FunnelRequest & { step: number; limit: number }) {
    return funnelDropOffs(this.sequences, shop, q);
  }

  /** `now`: cohort periods that have not ended by then are left out. */
  cohorts(shop: ShopContext, q: CohortsQuery, now = new Date()) {
    return cohorts(this.store, shop, q, now);
  }

  products(shop: ShopContext, q: ProductAnalyticsQuery) {
    return productAnalytics(this, shop, q);
  }
}
