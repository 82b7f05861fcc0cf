import { ruleSchemas, type PricingAudience, type PricingScope, type Promotion, type PromotionBudget, type PromotionCreate, type PromotionKind, type PromotionState, type PromotionUpdate, type Stacking } from '@flywheel/contracts';
import { sql } from 'kysely';
import type { HotCounters } from '../../platform/counters';
import type { Db } from '../../platform/db';
import { FlywheelError, fromZodIssue } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { categoryPrefixes, compileScope } from './pricing/scope';
import type { CatalogItem, PricingPromotion } from './pricing/types';
import { movePromotion, promotionState, type PromotionStatus } from './states';
import type { ShopVersions } from './versions';

/** A promotion as stored. */
export interface StoredPromotion {
  id: string;
  seq: number;
  name: string;
  kind: PromotionKind;
  status: PromotionStatus;
  startsAt: string;
  endsAt: string;
  scope: PricingScope;
  audience: PricingAudience;
  budget: PromotionBudget;
  stacking: Stacking;
  rule: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** The hot counters of a promotion's budget (uses left, discount left), and the resource names of its takes. */
export const budgetCounter = (shopId: string, promotionId: string, what: 'uses' | 'discount') => `promo:${shopId}:${promotionId}:${what}`;
export const budgetResource = (promotionId: string, what: 'uses' | 'discount') => `${what}:${promotionId}`;

/** A live promotion ready for pricing, with its budget as configured (what is left is read per quote). */
export interface IndexedPromotion {
  stored: StoredPromotion;
  pricing: PricingPromotion;
}

/**
 * The live promotions of a shop in memory, found by SKU and by category (each ancestor of a line's
 * category), besides those for the whole cart. Rebuilt when the shop's promotions change.
 */
export class LiveIndex {
  private readonly bySku = new Map<string, number[]>();
  private readonly byCategory = new Map<string, number[]>();
  private readonly whole: number[] = [];
  /** The promotions of a line's category and its ancestors, found once per category (the index does not change). */
  private readonly byLineCategory = new Map<string, readonly number[]>();
  /** Marks of the promotions found for a cart, by their place in `promotions` (oldest first). */
  private readonly marks: Uint8Array;

  constructor(readonly version: number, readonly promotions: readonly IndexedPromotion[]) {
    this.marks = new Uint8Array(promotions.length);
    const add = (map: Map<string, number[]>, key: string, p: number) => {
      const list = map.get(key);
      if (list) list.push(p); else map.set(key, [p]);
    };
    for (const [i, p] of promotions.entries()) {
      const scope = p.pricing.scope;
      const prices = p.pricing.kind === 'timed_discount' && 'prices' in p.pricing.rule ? Object.keys(p.pricing.rule.prices) : null;
      if (scope.all && prices) for (const sku of prices) add(this.bySku, sku, i);
      else if (scope.all) this.whole.push(i);
      else {
        for (const sku of scope.skus) add(this.bySku, sku, i);
        for (const c of scope.categories) add(this.byCategory, c, i);
      }
    }
  }

  /** The promotions that may take a line of these SKUs, oldest first (the engine's tie order). */
  candidates(items: Iterable<CatalogItem>): IndexedPromotion[] {
    const found: number[] = [...this.whole];
    for (const i of this.whole) this.marks[i] = 1;
    const mark = (list: readonly number[] | undefined) => {
      if (!list) return;
      for (const i of list) if (this.marks[i] === 0) { this.marks[i] = 1; found.push(i); }
    };
    for (const item of items) {
      mark(this.bySku.get(item.sku));
      if (item.category) mark(this.ofCategory(item.category));
    }
    for (const i of found) this.marks[i] = 0;
    return found.sort((a, b) => a - b).map((i) => this.promotions[i]);
  }

  private ofCategory(category: string): readonly number[] {
    let list = this.byLineCategory.get(category);
    if (!list) {
      list = categoryPrefixes(category).flatMap((prefix) => this.byCategory.get(prefix) ?? []);
      // A shop with a very large category tree keeps at most this many in memory.
      if (this.byLineCategory.size > 100_000) this.byLineCategory.clear();
      this.byLineCategory.set(category, list);
    }
    return list;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function storedOf(r: any): StoredPromotion {
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return {
    id: r.id, seq: Number(r.seq), name: r.name, kind: r.kind, status: r.status,
    startsAt: new Date(r.starts_at).toISOString(), endsAt: new Date(r.ends_at).toISOString(),
    scope: json(r.scope), audience: json(r.audience), budget: json(r.budget), stacking: json(r.stacking), rule: json(r.rule),
    createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
  };
}

function pricingOf(p: StoredPromotion): PricingPromotion {
  return {
    id: p.id, name: p.name, kind: p.kind, rule: p.rule, startsAt: Date.parse(p.startsAt), endsAt: Date.parse(p.endsAt),
    scope: compileScope(p.scope), audience: p.audience, stacking: p.stacking, usesLeft: null, discountLeft: null, customerUsesLeft: null,
  } as PricingPromotion;
}

/**
 * Promotions (PRODUCT.md, row 11): created as drafts or published, edited, paused and ended; their
 * budgets are hot counters (uses and discount left) taken by checkouts.
 */
export class PromotionService {
  private readonly indexes = new Map<string, LiveIndex>();

  constructor(private readonly db: Db, private readonly counters: HotCounters, private readonly versions: ShopVersions) {}

  async create(shopId: string, input: PromotionCreate, now = new Date()): Promise<Promotion> {
    const id = newId('promo');
    // The budget's counters exist before the promotion can be priced with.
    await this.setBudget(shopId, id, input.budget, { uses: 0, discount: 0 });
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('promotions').values({
        shop_id: shopId, id, name: input.name, kind: input.kind, status: input.status === 'live' ? 'active' : 'draft',
        starts_at: input.startsAt, ends_at: input.endsAt, scope: JSON.stringify(input.scope), audience: JSON.stringify(input.audience),
        budget: JSON.stringify(input.budget), stacking: JSON.stringify(input.stacking), rule: JSON.stringify(input.rule),
        created_at: now.toISOString(), updated_at: now.toISOString(),
      }).execute();
      await this.versions.bump(trx, shopId, 'promotions');
    });
    this.versions.stale(shopId);
    return this.get(shopId, id, now);
  }

  async stored(shopId: string, id: string): Promise<StoredPromotion> {
    const row = await this.db.selectFrom('promotions').selectAll().where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new FlywheelError('not_found', `no promotion ${id} in this shop`);
    return storedOf(row);
  }

  /** The names of promotions by id (the metric layer's `breakdown=promotion` labels); unknown ids are absent. */
  async namesOf(shopId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('promotions').select(['id', 'name']).where('shop_id', '=', shopId).where('id', 'in', [...ids]).execute();
    return new Map(rows.map((r) => [String(r.id), String(r.name)]));
  }

  async get(shopId: string, id: string, now = new Date()): Promise<Promotion> {
    const p = await this.stored(shopId, id);
    return this.view(p, (await this.usage(shopId, [id])).get(id), now);
  }

  async list(shopId: string, filter: { status?: PromotionState; kind?: PromotionKind }, now = new Date()): Promise<Promotion[]> {
    let q = this.db.selectFrom('promotions').selectAll().where('shop_id', '=', shopId).orderBy('seq', 'desc');
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    const rows = (await q.execute()).map(storedOf);
    const usage = await this.usage(shopId, rows.map((r) => r.id));
    return rows.map((p) => this.view(p, usage.get(p.id), now)).filter((p) => !filter.status || p.status === filter.status);
  }

  async update(shopId: string, id: string, patch: PromotionUpdate, now = new Date()): Promise<Promotion> {
    const current = await this.stored(shopId, id);
    let rule = current.rule;
    if (patch.rule !== undefined) {
      const parsed = ruleSchemas[current.kind].safeParse(patch.rule);
      if (!parsed.success) throw fromZodIssue(parsed.error.issues[0], 'rule');
      rule = parsed.data as Record<string, unknown>;
    }
    const startsAt = patch.startsAt ?? current.startsAt;
    const endsAt = patch.endsAt ?? current.endsAt;
    if (Date.parse(endsAt) <= Date.parse(startsAt)) throw new FlywheelError('invalid_field', 'endsAt: must be after startsAt', 'endsAt');
    let status = current.status;
    if (patch.status) {
      const moved = movePromotion(promotionState(current.status, Date.parse(current.startsAt), Date.parse(current.endsAt), now.getTime()), patch.status);
      if (typeof moved !== 'string') throw new FlywheelError('invalid_transition', `status: ${moved.refusal}`, 'status');
      status = moved;
    }
    if (patch.budget) await this.setBudget(shopId, id, patch.budget, await this.used(shopId, id));
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('promotions').set({
        name: patch.name ?? current.name, status, starts_at: startsAt, ends_at: endsAt,
        scope: JSON.stringify(patch.scope ?? current.scope), audience: JSON.stringify(patch.audience ?? current.audience),
        budget: JSON.stringify(patch.budget ?? current.budget), stacking: JSON.stringify(patch.stacking ?? current.stacking),
        rule: JSON.stringify(rule), updated_at: now.toISOString(),
      }).where('shop_id', '=', shopId).where('id', '=', id).execute();
      await this.versions.bump(trx, shopId, 'promotions');
    });
    this.versions.stale(shopId);
    return this.get(shopId, id, now);
  }

  /** The shop's published promotions not yet over, indexed; rebuilt when their version moved. */
  async live(shopId: string): Promise<LiveIndex> {
    const version = (await this.versions.current(shopId)).promotions;
    const known = this.indexes.get(shopId);
    if (known && known.version === version) return known;
    const rows = await this.db.selectFrom('promotions').selectAll().where('shop_id', '=', shopId).where('status', '=', 'active')
      .where('ends_at', '>', new Date().toISOString()).orderBy('seq').execute();
    const index = new LiveIndex(version, rows.map(storedOf).map((stored) => ({ stored, pricing: pricingOf(stored) })));
    this.indexes.set(shopId, index);
    return index;
  }

  /** What a promotion's budget has taken for holds not released: orders and discount. */
  async used(shopId: string, id: string): Promise<{ uses: number; discount: number }> {
    return (await this.usage(shopId, [id])).get(id) ?? { uses: 0, discount: 0 };
  }

  /** Uses and discount of promotions by the checkouts held or paid with them. */
  async usage(shopId: string, ids: readonly string[]): Promise<Map<string, { uses: number; discount: number }>> {
    const out = new Map<string, { uses: number; discount: number }>();
    if (ids.length === 0) return out;
    const rows = await sql<{ id: string; uses: number; discount: number }>`
      select p->>'id' as id, count(*)::bigint as uses, coalesce(sum((p->>'amount')::bigint), 0)::bigint as discount
      from pricing_holds h, jsonb_array_elements(h.promotions) p
      where h.shop_id = ${shopId} and h.state in ('held', 'confirmed') and p->>'id' in (${sql.join(ids)})
      group by p->>'id'`.execute(this.db);
    for (const r of rows.rows) out.set(r.id, { uses: Number(r.uses), discount: Number(r.discount) });
    return out;
  }

  private async setBudget(shopId: string, id: string, budget: PromotionBudget, used: { uses: number; discount: number }) {
    if (budget.maxUses !== undefined) await this.counters.set(budgetCounter(shopId, id, 'uses'), Math.max(0, budget.maxUses - used.uses));
    if (budget.maxDiscount !== undefined) await this.counters.set(budgetCounter(shopId, id, 'discount'), Math.max(0, budget.maxDiscount - used.discount));
  }

  private view(p: StoredPromotion, usage: { uses: number; discount: number } | undefined, now: Date): Promotion {
    const { seq: _seq, status, ...rest } = p;
    return { ...rest, status: promotionState(status, Date.parse(p.startsAt), Date.parse(p.endsAt), now.getTime()), usage: usage ?? { uses: 0, discount: 0 } };
  }
}
