import {
  DEFAULT_LIFECYCLE_SETTINGS, lifecycleStages, rfmClasses,
  type CustomerList, type CustomerListItem, type CustomerProfile, type CustomersQuery, type LifecycleResult, type LifecycleSettings,
  type LifecycleStage, type RfmClass, type RfmResult, type TimelineEntry,
} from '@flywheel/contracts';
import type { AnalyticsStore, Row } from '../../platform/analytics-store';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { localDateOf } from '../../platform/timezone';
import { ANONYMOUS_PREFIX, type StoredCustomer } from '../commerce';
import { factsCtes, factsParams, pageSql, type FactsOptions, type FactsParts } from './facts';
import { maskEmail, maskPhone } from './masking';
import { rfmClassSql } from './rfm';
import type { CompiledRule } from './segment-sql';

export interface ShopContext { shopId: string; timezone: string; currency: string }

/** What the customers module needs of the commerce module (its service), which keeps customer records and their contact details. */
export interface CustomerRecords {
  customerRecords(shopId: string, externalIds: readonly string[]): Promise<Map<string, StoredCustomer>>;
  searchCustomers(shopId: string, q: string, limit: number): Promise<string[]>;
}

/** How many people a search looks at, at most (by id). */
export const SEARCH_LIMIT = 10_000;

/** Contact details in full (owner, operator, secret key), or masked (analyst, viewer). */
export interface Viewer { reveal: boolean }

type FactsRow = Row & {
  customer_id: string; orders: number; net_sales: number; last_order_at: string | null; first_order_at: string | null; lifecycle: LifecycleStage;
  r: number | null; f: number | null; m: number | null; rfm_class: RfmClass | null; r_score: number | null; f_score: number | null; m_score: number | null;
  tags: string[]; imported_tags: string[]; tier: string | null; points: number | null;
};

/** A facts query: what to compute, for whom, and the rules (segments) it filters or measures with. */
interface FactsQuery {
  asOf?: string;
  rfm: FactsOptions['rfm'];
  only?: readonly string[];
  rules?: readonly CompiledRule[];
  /** More CTEs after the facts' and the rules' (they may use the rules' joins). */
  more?: (joins: string) => string[];
  /** The SELECT over `facts f` (with the rules' measures joined). */
  select: (joins: string) => string;
  params?: Record<string, string | number>;
  /** Only the parts of the facts the rules read (and `parts`): for sizes and membership, not for showing people. */
  lean?: boolean;
  parts?: Partial<FactsParts>;
}

const sortKeys = {
  netSales: 'f.net_sales',
  orders: 'f.orders',
  lastOrderAt: 'coalesce(epoch_ms(f.last_order_at), -1)',
  externalId: '0',
} as const;

const encodeCursor = (k: number, id: string) => Buffer.from(JSON.stringify([k, id])).toString('base64url');
function decodeCursor(cursor: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch { /* refused below */ }
  throw new FlywheelError('invalid_field', 'cursor: is not a cursor this list gave (pass nextCursor as it came)', 'cursor');
}

/**
 * Customers as the team sees them: lifecycle, RFM, the list and the profile (用户画像). Facts are
 * computed in the analytics store when asked (facts.ts), so they are as current as the orders and
 * events it holds; names and contact details come from the commerce module's records.
 */
export class CustomerService {
  constructor(
    private readonly db: Db,
    readonly store: AnalyticsStore,
    readonly shopOf: (shopId: string) => Promise<ShopContext>,
    private readonly records: CustomerRecords,
    /** A saved segment's rule, compiled (the segment service), for `?segment=`. */
    private readonly compileSegment: (shopId: string, segmentId: string, path: string, prefix: string) => Promise<CompiledRule>,
    /** The tier of someone loyalty has not met (the program's first), for the facts' `tier`. */
    private readonly baseTier: (shopId: string) => Promise<string>,
  ) {}

  async settings(shopId: string): Promise<LifecycleSettings> {
    const row = await this.db.selectFrom('customer_settings').selectAll().where('shop_id', '=', shopId).executeTakeFirst();
    return row ? { newDays: row.new_days, activeDays: row.active_days, dormantDays: row.dormant_days } : DEFAULT_LIFECYCLE_SETTINGS;
  }

  async updateSettings(shopId: string, patch: Partial<LifecycleSettings>): Promise<LifecycleSettings> {
    const next = { ...(await this.settings(shopId)), ...patch };
    if (!(next.newDays <= next.activeDays && next.activeDays < next.dormantDays)) {
      throw new FlywheelError('invalid_field', `dormantDays: the day counts must grow: newDays (${next.newDays}) <= activeDays (${next.activeDays}) < dormantDays (${next.dormantDays})`, 'dormantDays');
    }
    await this.db.insertInto('customer_settings').values({ shop_id: shopId, new_days: next.newDays, active_days: next.activeDays, dormant_days: next.dormantDays })
      .onConflict((oc) => oc.column('shop_id').doUpdateSet({ new_days: next.newDays, active_days: next.activeDays, dormant_days: next.dormantDays, updated_at: new Date() }))
      .execute();
    return next;
  }

  /** Today in the shop's zone. */
  today(shop: ShopContext, now = new Date()): string {
    return localDateOf(now, shop.timezone);
  }

  /** Runs a statement over the facts as of `asOf` (default today), with the rules' CTEs after them. */
  async facts<T extends Row>(shop: ShopContext, q: FactsQuery): Promise<T[]> {
    const { sql, params } = await this.statement(shop, q);
    return this.store.all<T>(sql, params);
  }

  /** The statement of a facts query and its parameters, for this module to run or another to embed (`filter.segment`). */
  async statement(shop: ShopContext, q: FactsQuery): Promise<{ sql: string; params: Record<string, string | number> }> {
    const rules = q.rules ?? [];
    const rfm = rules.some((r) => r.needsRfm) ? 'class' : q.rfm;
    const parts = q.lean ? (['buyers', 'attributes', 'tags'] as const).reduce((acc, k) => ({ ...acc, [k]: (q.parts?.[k] ?? false) || rules.some((r) => r.needs[k]) }), {} as FactsParts) : undefined;
    const joins = rules.flatMap((r) => r.joins).join('\n');
    const ctes = [factsCtes({ rfm, only: q.only !== undefined, parts }), ...rules.flatMap((r) => r.ctes), ...(q.more?.(joins) ?? [])].join(',\n');
    const sql = `with ${ctes}\n${q.select(joins)}`;
    const params: Record<string, string | number> = {
      ...factsParams(shop.shopId, shop.timezone, q.asOf ?? this.today(shop), await this.settings(shop.shopId), await this.baseTier(shop.shopId)),
      now: new Date().toISOString(),
      ...(q.only ? { only: JSON.stringify(q.only) } : {}),
      ...Object.assign({}, ...rules.map((r) => r.params)),
      ...q.params,
    };
    return { sql, params };
  }

  async lifecycle(shopId: string, asOf?: string): Promise<LifecycleResult> {
    const shop = await this.shopOf(shopId);
    const day = asOf ?? this.today(shop);
    const rows = await this.facts<{ lifecycle: LifecycleStage; n: number }>(shop, { asOf: day, rfm: 'none', lean: true, parts: { buyers: true }, select: () => `select lifecycle, count(*) as n from facts f group by lifecycle` });
    const counts = new Map(rows.map((r) => [r.lifecycle, Number(r.n)]));
    return { asOf: day, settings: await this.settings(shopId), stages: lifecycleStages.map((stage) => ({ stage, customers: counts.get(stage) ?? 0 })) };
  }

  /** Customers per stage at each date (the metric layer's `lifecycle_*` metrics). */
  async lifecycleCounts(shopId: string, asOfs: readonly string[]): Promise<Map<string, Record<LifecycleStage, number>>> {
    const results = await Promise.all(asOfs.map((asOf) => this.lifecycle(shopId, asOf)));
    return new Map(results.map((r) => [r.asOf, Object.fromEntries(r.stages.map((s) => [s.stage, s.customers])) as Record<LifecycleStage, number>]));
  }

  /** `GET /v1/rfm`: the population's means and each class's customers and net sales (of the window). */
  async rfm(shopId: string, asOf?: string): Promise<RfmResult> {
    const shop = await this.shopOf(shopId);
    const day = asOf ?? this.today(shop);
    const rows = await this.facts<{ cls: RfmClass | null; n: number; net: number; sr: number; sf: number; sm: number }>(shop, {
      // Straight from the RFM population (facts.ts `rfm`): the other facts of every person are not needed.
      asOf: day, rfm: 'class', lean: true,
      select: () => `select ${rfmClassSql('high_r', 'high_f', 'high_m')} as cls, count(*) as n, sum(m) as net, sum(r) as sr, sum(f) as sf, sum(m) as sm
        from rfm group by all`,
    });
    const n = rows.reduce((s, r) => s + Number(r.n), 0);
    const sum = (k: 'sr' | 'sf' | 'sm') => rows.reduce((s, r) => s + Number(r[k]), 0);
    const byClass = new Map(rows.map((r) => [r.cls, r]));
    return {
      asOf: day,
      currency: shop.currency,
      customers: n,
      means: n === 0 ? { r: null, f: null, m: null } : { r: sum('sr') / n, f: sum('sf') / n, m: sum('sm') / n },
      classes: rfmClasses.map((cls) => {
        const r = byClass.get(cls);
        const customers = r ? Number(r.n) : 0;
        return { class: cls, customers, netSales: r ? Number(r.net) : 0, share: n === 0 ? null : customers / n };
      }),
    };
  }

  /** `GET /v1/customers`: filtered, sorted, cursor-paged. */
  async list(shopId: string, q: CustomersQuery, viewer: Viewer, base?: { rule: CompiledRule }): Promise<CustomerList> {
    const shop = await this.shopOf(shopId);
    const params: Record<string, string | number> = { limit: q.limit + 1 };
    const where: string[] = [];
    let only: string[] | undefined;
    let searchTruncated = false;
    if (q.q) {
      const matches = await this.records.searchCustomers(shopId, q.q, SEARCH_LIMIT + 1);
      searchTruncated = matches.length > SEARCH_LIMIT;
      only = matches.slice(0, SEARCH_LIMIT);
      // An exact id also finds a person who has orders but no customer record.
      if (!only.includes(q.q)) only.push(q.q);
    }
    if (q.lifecycle) { where.push('f.lifecycle = $lifecycle'); params.lifecycle = q.lifecycle; }
    if (q.rfmClass) { where.push('f.rfm_class = $rfm_class'); params.rfm_class = q.rfmClass; }
    if (q.tier) { where.push('f.tier = $tier'); params.tier = q.tier; }
    if (q.tag) { where.push('list_contains(f.tags, $tag)'); params.tag = q.tag; }
    const rules: CompiledRule[] = [];
    if (base) { rules.push(base.rule); where.push(base.rule.where); }
    if (q.segment) {
      const rule = await this.compileSegment(shopId, q.segment, 'segment', 'q');
      rules.push(rule);
      where.push(rule.where);
    }
    const desc = q.sort.startsWith('-');
    const key = sortKeys[q.sort.replace('-', '') as keyof typeof sortKeys];
    const dir = desc ? 'desc' : 'asc';
    if (q.cursor) {
      const [k, id] = decodeCursor(q.cursor);
      params.ck = k;
      params.cid = id;
      where.push(`(${key} ${desc ? '<' : '>'} $ck or (${key} = $ck and f.customer_id ${desc ? '<' : '>'} $cid))`);
    }
    // The page is chosen over lean facts (what the filters and the sort read); only its people get every fact and their scores.
    const page = pageSql(`pg.k ${dir}, pg.customer_id ${dir}`);
    const rows = await this.facts<FactsRow & { k: number }>(shop, {
      rfm: 'class', only, rules, params, lean: true, parts: { buyers: true, tags: q.tag !== undefined },
      more: (joins) => [`page as (select f.customer_id, ${key} as k from facts f ${joins}
        where ${where.length ? where.join(' and ') : 'true'}
        order by k ${dir}, f.customer_id ${dir} limit $limit)`, ...page.ctes],
      select: () => page.select,
    });
    const shown = rows.slice(0, q.limit);
    const last = shown[shown.length - 1];
    return {
      customers: await this.items(shopId, shown, viewer),
      nextCursor: rows.length > q.limit && last ? encodeCursor(Number(last.k), last.customer_id) : null,
      currency: shop.currency,
      ...(q.q ? { searchTruncated } : {}),
    };
  }

  /** How many people a rule takes in, per rule, today (one statement for all). */
  async sizes(shopId: string, rules: readonly CompiledRule[]): Promise<number[]> {
    if (rules.length === 0) return [];
    const shop = await this.shopOf(shopId);
    const [row] = await this.facts<Row>(shop, {
      rfm: 'none', rules, lean: true,
      select: (joins) => `select ${rules.map((r, i) => `count_if(${r.where}) as n${i}`).join(', ')} from facts f ${joins}`,
    });
    return rules.map((_, i) => Number(row?.[`n${i}`] ?? 0));
  }

  /** Which of `customerIds` each rule takes in (for the profile's segments and the levers' `isMember`). */
  async matching(shopId: string, rules: readonly CompiledRule[], customerIds: readonly string[]): Promise<Set<string>[]> {
    if (rules.length === 0 || customerIds.length === 0) return rules.map(() => new Set());
    const shop = await this.shopOf(shopId);
    const rows = await this.facts<Row & { customer_id: string }>(shop, {
      rfm: 'none', rules, only: customerIds, lean: true,
      select: (joins) => `select f.customer_id, ${rules.map((r, i) => `${r.where} as m${i}`).join(', ')} from facts f ${joins}`,
    });
    return rules.map((_, i) => new Set(rows.filter((r) => r[`m${i}`] === true).map((r) => r.customer_id)));
  }

  /** List items from facts rows, with names and (masked unless revealed) phones from the commerce records. */
  async items(shopId: string, rows: readonly FactsRow[], viewer: Viewer): Promise<CustomerListItem[]> {
    const records = await this.records.customerRecords(shopId, rows.map((r) => r.customer_id));
    return rows.map((r) => this.item(r, records.get(r.customer_id), viewer));
  }

  private item(r: FactsRow, record: StoredCustomer | undefined, viewer: Viewer): CustomerListItem {
    const phone = record?.phone ?? null;
    return {
      externalId: r.customer_id,
      name: record?.name ?? null,
      phone: phone === null || viewer.reveal ? phone : maskPhone(phone),
      lifecycle: r.lifecycle,
      rfm: r.rfm_class === null || r.r === null
        ? null
        : { r: Number(r.r), f: Number(r.f), m: Number(r.m), class: r.rfm_class, scores: { r: Number(r.r_score ?? 0), f: Number(r.f_score ?? 0), m: Number(r.m_score ?? 0) } },
      tier: r.tier,
      points: r.points === null ? null : Number(r.points),
      orders: Number(r.orders),
      netSales: Number(r.net_sales),
      lastOrderAt: r.last_order_at,
      tags: r.tags ?? [],
    };
  }

  /**
   * The profile (用户画像). `segments`: the saved segments to test the person against, compiled.
   * Unknown to both the commerce records and the analytics store: 404.
   */
  async profile(shopId: string, externalId: string, viewer: Viewer, segments: readonly { id: string; name: string; rule: CompiledRule }[]): Promise<CustomerProfile> {
    const shop = await this.shopOf(shopId);
    const record = (await this.records.customerRecords(shopId, [externalId])).get(externalId);
    const page = pageSql('pg.customer_id');
    const [facts] = await this.facts<FactsRow>(shop, {
      rfm: 'class', only: [externalId], lean: true,
      more: () => ['page as (select f.customer_id, 0 as k from facts f)', ...page.ctes], select: () => page.select,
    });
    if (!facts && !record) throw new FlywheelError('not_found', `no customer ${externalId} in this shop`);
    const row: FactsRow = facts ?? {
      customer_id: externalId, orders: 0, net_sales: 0, last_order_at: null, first_order_at: null, lifecycle: 'prospect', r: null, f: null, m: null,
      rfm_class: null, r_score: null, f_score: null, m_score: null, tags: record?.tags ?? [], imported_tags: record?.tags ?? [], tier: null, points: null,
    };
    const params = { id: externalId };
    const [categories, timeline, firstTouch, membership] = await Promise.all([
      this.facts<{ category: string; orders: number; net_sales: number }>(shop, {
        rfm: 'none', only: [externalId], params,
        select: () => `select category, count(distinct order_id) as orders, round(sum(share))::bigint as net_sales from (
            select pu.order_id, coalesce(pr.category_l1, 'unknown') as category,
              pu.net * i.amount / coalesce(nullif(sum(i.amount) over (partition by i.order_id), 0), 1) as share
            from purchases pu join order_items i on i.shop_id = $shop and i.order_id = pu.order_id
              left join products pr on pr.shop_id = $shop and pr.product_id = i.product_id
            where pu.customer_id = $id)
          group by category order by net_sales desc, orders desc, category limit 5`,
      }),
      this.timeline(shop, externalId),
      this.store.one<{ channel: string | null }>(`select arg_min(channel, ts) as channel from (${personEventsSql()})`, { shop: shop.shopId, id: externalId }),
      this.matching(shopId, segments.map((s) => s.rule), [externalId]),
    ]);
    const email = record?.email ?? null;
    const manual = new Set(row.tags.filter((t) => !row.imported_tags.includes(t)));
    return {
      ...this.item(row, record, viewer),
      email: email === null || viewer.reveal ? email : maskEmail(email),
      gender: record?.gender ?? null,
      birthday: record?.birthday ?? null,
      province: record?.province ?? null,
      city: record?.city ?? null,
      registeredAt: record?.registeredAt ?? null,
      acquisitionChannel: record?.channel ?? firstTouch?.channel ?? null,
      firstOrderAt: row.first_order_at,
      aov: Number(row.orders) > 0 ? Math.round(Number(row.net_sales) / Number(row.orders)) : null,
      currency: shop.currency,
      favouriteCategories: categories.map((c) => ({ category: c.category, orders: Number(c.orders), netSales: Number(c.net_sales) })),
      segments: segments.filter((_, i) => membership[i].has(externalId)).map((s) => ({ id: s.id, name: s.name })),
      importedTags: row.imported_tags,
      manualTags: [...manual],
      timeline,
      erased: externalId.startsWith(ANONYMOUS_PREFIX),
    };
  }

  /** Orders, refunds and visits (tracked sessions) of a person, newest first, the last 100. */
  async timeline(shop: ShopContext, externalId: string): Promise<TimelineEntry[]> {
    const rows = await this.store.all<Row>(`
      select 'order' as kind, order_id as id, coalesce(paid_at, placed_at) as happened_at, status, coalesce(paid_amount, payable_amount) as amount, item_count as items
        from orders where shop_id = $shop and customer_id = $id
      union all by name
      select 'refund' as kind, r.refund_id as id, r.created_at as happened_at, r.amount, r.order_id, r.reason
        from refunds r join orders o on o.shop_id = r.shop_id and o.order_id = r.order_id where r.shop_id = $shop and o.customer_id = $id
      union all by name
      select 'visit' as kind, session_id as id, min(ts) as happened_at, arg_min(channel, ts) as channel, count_if(type = 'page') as pages, count(*) as events
        from (${personEventsSql()}) group by session_id
      order by happened_at desc, kind, id limit 100`, { shop: shop.shopId, id: externalId });
    return rows.map((r) => {
      const entry: TimelineEntry = { kind: r.kind as TimelineEntry['kind'], id: String(r.id), at: String(r.happened_at) };
      if (r.kind === 'order') Object.assign(entry, { status: r.status, amount: Number(r.amount), items: Number(r.items) });
      if (r.kind === 'refund') Object.assign(entry, { amount: Number(r.amount), orderId: r.order_id, reason: r.reason ?? null });
      if (r.kind === 'visit') Object.assign(entry, { channel: r.channel ?? null, pages: Number(r.pages), events: Number(r.events) });
      return entry;
    });
  }
}

/**
 * The tracked events of one person ($id), as `tracked_events` resolves them (tracking's view: the
 * userId, else the customer the device was first linked to), without resolving every event of the shop.
 */
export function personEventsSql(): string {
  return `select * from events e where e.shop_id = $shop and (e.user_id = $id or (e.user_id is null and e.anonymous_id in (
    select anonymous_id from identity_links where shop_id = $shop and user_id = $id)))`;
}
