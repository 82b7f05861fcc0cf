import { MAX_CART_AMOUNT, renderText, type CheckoutRequest, type CheckoutResult, type Locale, type NotAppliedCode, type PromotionReport, type QuoteRequest, type QuoteResult, type RefundQuoteResult } from '@flywheel/contracts';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { HotCounters } from '../../platform/counters';
import { type Db, isUniqueViolation } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { newId, sha256 } from '../../platform/ids';
import type { Job, Jobs, Trx } from '../../platform/jobs';
import { enqueue as publish } from '../../platform/outbox';
import type { DomainEvent } from '../../platform/subscribers';
import { localDateOf } from '../../platform/timezone';
import type { Catalog } from './catalog';
import { LeverRefusal, type CouponService } from './coupons';
import { GUEST, type CustomerFacts, type PointsWallet } from './facts';
import { priceCart } from './pricing/price';
import { refundQuote, RefundError } from './pricing/refund';
import { compileScope } from './pricing/scope';
import type { Allocation, CatalogItem, PricedCart, PricedCartLine, PricingCoupon, PricingPromotion, ReservedPrice } from './pricing/types';
import { budgetCounter, budgetResource, type IndexedPromotion, type PromotionService } from './promotions';
import { ORDER_PROMOTIONS_TOPIC, type OrderPromotions } from './projection';
import { nextHold, type StoredHoldState } from './states';
import { REFRESH_MS } from './versions';

export const HOLD_EXPIRY_QUEUE = 'promotions.hold-expiry';
export const GIVE_BACK_QUEUE = 'promotions.give-back';
/** The subscription to commerce's orders and refunds (its checkpoint in subscriber_checkpoints). */
export const ORDERS_SUBSCRIBER = 'promotions.orders';
export const ORDER_TOPICS = ['order.upserted', 'refund.upserted'] as const;

export interface PricingDeps {
  shopOf(shopId: string): Promise<{ currency: string; timezone: string }>;
  facts: CustomerFacts;
  /** Where points are spent and given back; without it, points do not pay. */
  points?: PointsWallet;
  /** Reserved prices (the campaigns module's 秒杀 reservations): without it, `reservationId` prices nothing. */
  reservations?: Reservations;
  holdMinutes: number;
  log: Logger;
}

/** A reservation as checkout needs it: whose, of what, at which price, for how long, and its order. */
export interface HeldReservation {
  reservationId: string; flashSaleId: string; name: string; customerId: string; sku: string; price: number; quantity: number;
  state: string; orderId: string | null; expiresAt: string;
}

export interface Reservations {
  /** The reservations of these ids that exist in the shop. */
  of(shopId: string, ids: readonly string[]): Promise<Map<string, HeldReservation>>;
  /** Binds a held reservation to the order (false when it is no longer held, or is another order's). */
  attach(shopId: string, reservationId: string, orderId: string): Promise<boolean>;
}

/** What a re-pricing leaves out after a take failed: promotions whose budget ran out, coupons taken by another order, points. */
interface Excluded {
  promotions: Set<string>;
  coupons: Set<string>;
  points: boolean;
  /** Reservations another order took while this one was being held. */
  reservations?: Set<string>;
}

interface Priced {
  cart: PricedCart;
  candidates: Map<string, IndexedPromotion>;
  catalog: Map<string, CatalogItem>;
  /** The cart's reserved prices by reservation id (those without a refusal price their line). */
  reserved: Map<string, ReservedPrice>;
}

interface HoldRow {
  id: string;
  order_id: string;
  customer_id: string | null;
  state: StoredHoldState;
  fingerprint: string;
  answer: unknown;
  lines: unknown;
  promotions: unknown;
  coupons: unknown;
  points: number | string;
  shipping_fee: number | string;
  currency: string;
  order_status: string | null;
  refunds: unknown;
  expires_at: string;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const PAID = new Set(['paid', 'shipped', 'completed']);

/** A hold's promotions as kept: the discount each gave, and a gift's cost. */
interface HeldPromotion { id: string; amount: number; giftCost: number }

const orderPromotions = (orderId: string, promotions: OrderPromotions['promotions']) => ({ topic: ORDER_PROMOTIONS_TOPIC, key: orderId, payload: { orderId, promotions } satisfies OrderPromotions });

/**
 * What is left of the promotion budgets, as quotes read it. Every promotion's counters are read by
 * every quote of a cart it may take, so each value is kept for at most REFRESH_MS, as the live
 * promotions and the catalogue are: a take or give-back made here forgets it at once, another
 * process's shows within REFRESH_MS, and a change of the promotions (a new budget) with the index.
 * A checkout reads the counters themselves, and its takes decide in the end.
 */
class BudgetsLeft {
  private readonly known = new Map<string, { left: number | null; version: number; at: number }>();
  /** Moved by every change made here: a read that started before one does not keep its value. */
  private generation = 0;

  constructor(private readonly counters: HotCounters, private readonly refreshMs = REFRESH_MS) {}

  /** What is left of each counter; `fresh` reads them all (a checkout). `version`: the live index's. */
  async read(names: readonly string[], version: number, fresh: boolean): Promise<(number | null)[]> {
    const now = Date.now();
    const generation = this.generation;
    return Promise.all(names.map(async (name) => {
      const known = fresh ? undefined : this.known.get(name);
      if (known && known.version === version && now - known.at < this.refreshMs) return known.left;
      const left = await this.counters.remaining(name);
      if (this.generation === generation) {
        if (this.known.size > 100_000) this.known.clear();
        this.known.set(name, { left, version, at: now });
      }
      return left;
    }));
  }

  /** After a take or a give-back made here. */
  changed(name: string) {
    this.generation++;
    this.known.delete(name);
  }
}

/**
 * Cart pricing (`/v1/pricing/*`): a quote gathers the catalogue, the live promotions (from memory),
 * the coupons, the budgets left and the customer's facts, and lets the pure engine decide. A
 * checkout is the same quote with everything it used held for the order (coupons, budgets, the
 * customer's uses, points), each take recorded against the hold in the transaction that takes it;
 * the order's payment confirms the hold, its cancellation or the hold's expiry releases it.
 */
export class PricingService {
  private readonly budgetsLeft: BudgetsLeft;

  constructor(
    private readonly db: Db,
    private readonly counters: HotCounters,
    private readonly jobs: Jobs,
    private readonly catalog: Catalog,
    private readonly promotions: PromotionService,
    private readonly coupons: CouponService,
    private readonly deps: PricingDeps,
  ) {
    this.budgetsLeft = new BudgetsLeft(counters);
  }

  async quote(shopId: string, body: QuoteRequest, lang: Locale): Promise<QuoteResult> {
    const { cart } = await this.price(shopId, body, { promotions: new Set(), coupons: new Set(), points: false });
    return render(cart, lang);
  }

  /**
   * The reserved price of each `items[].reservationId`, or why it cannot price (unknown, another
   * customer's, expired or sold, another order's, another SKU or more units than reserved).
   * `orderId`: the order being checked out, which may hold its own reservation.
   */
  private async reservedPrices(shopId: string, body: QuoteRequest, at: number, excluded: Excluded, orderId?: string): Promise<Map<string, ReservedPrice>> {
    const ids = [...new Set(body.items.flatMap((i) => (i.reservationId ? [i.reservationId] : [])))];
    const out = new Map<string, ReservedPrice>();
    if (ids.length === 0) return out;
    const found = this.deps.reservations ? await this.deps.reservations.of(shopId, ids) : new Map<string, HeldReservation>();
    for (const id of ids) {
      const r = found.get(id);
      const units = body.items.filter((i) => i.reservationId === id).reduce((s, i) => s + i.quantity, 0);
      const skus = new Set(body.items.filter((i) => i.reservationId === id).map((i) => i.sku));
      const refusal: NotAppliedCode | undefined = !r ? 'reservation_unknown'
        : r.customerId !== (body.customerId ?? null) ? 'reservation_of_another_customer'
        : excluded.reservations?.has(id) || (r.orderId !== null && r.orderId !== orderId) ? 'reservation_held'
        : r.state !== 'held' || Date.parse(r.expiresAt) <= at ? 'reservation_expired'
        : skus.size !== 1 || !skus.has(r.sku) || units > r.quantity ? 'reservation_mismatch'
        : undefined;
      out.set(id, { source: r?.flashSaleId ?? id, kind: 'flash_sale', name: r?.name ?? id, price: r?.price ?? 0, ...(refusal ? { refusal } : {}) });
    }
    return out;
  }

  /** The pure engine's input gathered for a cart, and its answer. */
  private async price(shopId: string, body: QuoteRequest, excluded: Excluded, ownHold?: string, orderId?: string): Promise<Priced> {
    const at = body.at ? Date.parse(body.at) : Date.now();
    const reserved = await this.reservedPrices(shopId, body, at, excluded, orderId);
    const shop = await this.deps.shopOf(shopId);
    const catalog = await this.catalog.lookup(shopId, body.items.map((i) => i.sku));
    let subtotal = 0;
    for (const item of body.items) subtotal += (catalog.get(item.sku)?.price ?? 0) * item.quantity;
    if (subtotal > MAX_CART_AMOUNT) throw new FlywheelError('invalid_field', `items: the cart comes to ${subtotal} minor units, more than the ${MAX_CART_AMOUNT} a cart may`, 'items');
    const index = await this.promotions.live(shopId);
    const candidates = index.candidates(catalog.values());
    // Gifts are priced from the catalogue too (their worth decides between combinations).
    const giftSkus = candidates.flatMap((c) => (c.pricing.kind === 'gift' ? c.pricing.rule.tiers.map((t) => t.gift.sku) : [])).filter((s) => !catalog.has(s));
    if (giftSkus.length > 0) for (const [sku, item] of await this.catalog.lookup(shopId, giftSkus)) catalog.set(sku, item);

    const templates = body.couponCodes.length > 0 ? await this.coupons.templatesById(shopId) : new Map();
    const stored = await this.coupons.byCodes(shopId, body.couponCodes);
    const coupons: PricingCoupon[] = body.couponCodes.map((code) => {
      const c = stored.get(code);
      const t = c ? templates.get(c.templateId) : undefined;
      const base = { code, templateId: c?.templateId ?? '', name: t?.name ?? code, discount: t?.discount ?? { off: 1 }, minSpend: t?.minSpend ?? 0, scope: compileScope(t?.scope ?? { skus: [], categories: [], excludeSkus: [] }), audience: t?.audience ?? {}, stacking: t?.stacking ?? { group: 'coupon', exclusive: false } };
      const refusal = !c || !t ? 'unknown_coupon' as const
        : c.customerId !== null && c.customerId !== (body.customerId ?? null) ? (body.customerId ? 'coupon_of_another_customer' as const : 'guest' as const)
        : c.state === 'redeemed' ? 'coupon_used' as const
        : (c.state === 'held' && c.holdId !== ownHold) || excluded.coupons.has(code) ? 'coupon_held' as const
        : c.expiresAt <= at ? 'coupon_expired' as const
        : c.validFrom !== null && c.validFrom > at ? 'coupon_not_started' as const
        : undefined;
      return refusal ? { ...base, refusal } : base;
    });

    // Only the facts this cart's answer can depend on are looked up (each may be a query).
    const segments = new Set<string>();
    let newCustomer = false;
    // The tier gives its free shipping to any cart with a fee, and a member price or a tier audience needs it.
    let membership = body.shippingFee > 0;
    for (const c of candidates) if (c.pricing.kind === 'member_price') membership = true;
    for (const a of [...candidates.map((c) => c.pricing.audience), ...coupons.map((c) => c.audience)]) {
      if (a.segment) segments.add(a.segment);
      if (a.newCustomersOnly) newCustomer = true;
      if (a.tiers && a.tiers.length > 0) membership = true;
    }
    const points = body.points > 0 && this.deps.points !== undefined && !excluded.points;
    const [customer, promotions] = await Promise.all([
      body.customerId ? this.deps.facts.of(shopId, body.customerId, { segments: [...segments], newCustomer, membership, points }) : GUEST,
      this.withBudgets(shopId, index.version, candidates, body.customerId ?? null, excluded, ownHold !== undefined),
    ]);
    const items = body.items.map((i) => (i.reservationId ? { sku: i.sku, quantity: i.quantity, reserved: reserved.get(i.reservationId) } : i));
    const cart = priceCart({
      currency: shop.currency, at, items, catalog: (sku) => catalog.get(sku), promotions, coupons, customer,
      points: body.points, shippingFee: body.shippingFee,
    });
    return { cart, candidates: new Map(candidates.map((c) => [c.stored.id, c])), catalog, reserved };
  }

  /** The live candidates with what is left of their budgets (counters and the customer's uses), read at once; a checkout's (`fresh`) from the counters themselves. */
  private async withBudgets(shopId: string, version: number, candidates: readonly IndexedPromotion[], customerId: string | null, excluded: Excluded, fresh: boolean): Promise<PricingPromotion[]> {
    const perCustomer = candidates.filter((c) => c.stored.budget.perCustomer !== undefined).map((c) => c.stored.id);
    const counters: string[] = [];
    for (const c of candidates) {
      const { budget } = c.stored;
      if (budget.maxUses !== undefined && !excluded.promotions.has(c.stored.id)) counters.push(budgetCounter(shopId, c.stored.id, 'uses'));
      if (budget.maxDiscount !== undefined) counters.push(budgetCounter(shopId, c.stored.id, 'discount'));
    }
    const [rows, left] = await Promise.all([
      customerId && perCustomer.length > 0
        ? this.db.selectFrom('promotion_customer_uses').select(['promotion_id', 'uses']).where('shop_id', '=', shopId).where('customer_id', '=', customerId).where('promotion_id', 'in', perCustomer).execute()
        : [],
      this.budgetsLeft.read(counters, version, fresh),
    ]);
    const uses = new Map(rows.map((r) => [r.promotion_id as string, Number(r.uses)]));
    const remaining = new Map(counters.map((name, i) => [name, left[i] ?? 0]));
    return candidates.map((c) => {
      const { budget } = c.stored;
      const usesLeft = excluded.promotions.has(c.stored.id) ? 0 : budget.maxUses !== undefined ? remaining.get(budgetCounter(shopId, c.stored.id, 'uses'))! : null;
      const discountLeft = budget.maxDiscount !== undefined ? remaining.get(budgetCounter(shopId, c.stored.id, 'discount'))! : null;
      // A guest has no uses of their own to count: a promotion limited per customer is for known customers.
      const customerUsesLeft = budget.perCustomer === undefined ? null : customerId ? budget.perCustomer - (uses.get(c.stored.id) ?? 0) : 0;
      return { ...c.pricing, usesLeft, discountLeft, customerUsesLeft };
    });
  }

  // --- Checkout and holds ------------------------------------------------------------------------

  /**
   * `POST /v1/pricing/checkout`: the quote, with what it used held for the order. The same orderId
   * again answers the same (the same cart; another cart is refused). A take that fails (a coupon
   * another order took, a budget run out) gives back what was taken and prices again without it.
   */
  async checkout(shopId: string, body: CheckoutRequest, lang: Locale, now = new Date()): Promise<CheckoutResult> {
    const fingerprint = sha256(JSON.stringify({ ...body, lang }));
    const existing = await this.answerOf(shopId, body.orderId, fingerprint);
    if (existing) return existing;
    const holdId = newId('hold');
    // A hold lasts no longer than the 秒杀 reservations it prices: paid later, their units may be sold again.
    const reservationIds = [...new Set(body.items.flatMap((i) => (i.reservationId ? [i.reservationId] : [])))];
    const reservations = reservationIds.length > 0 && this.deps.reservations ? [...(await this.deps.reservations.of(shopId, reservationIds)).values()] : [];
    const expiresAt = new Date(Math.min(now.getTime() + this.deps.holdMinutes * 60_000, ...reservations.filter((r) => r.state === 'held' && Date.parse(r.expiresAt) > now.getTime()).map((r) => Date.parse(r.expiresAt))));
    const shop = await this.deps.shopOf(shopId);
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('pricing_holds').values({
          shop_id: shopId, id: holdId, order_id: body.orderId, customer_id: body.customerId ?? null, fingerprint, state: 'pending',
          expires_at: expiresAt.toISOString(), currency: shop.currency, shipping_fee: body.shippingFee, created_at: now.toISOString(), updated_at: now.toISOString(),
        }).execute();
        // An unpaid hold is released when it expires, whatever happens to this process.
        await this.jobs.enqueue([{ queue: HOLD_EXPIRY_QUEUE, key: `${shopId}:${holdId}`, shopId, payload: { holdId }, runAt: expiresAt }], trx);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const again = await this.answerOf(shopId, body.orderId, fingerprint, true);
      if (again) return again;
      throw new FlywheelError('conflict', `orderId: order ${body.orderId} is being checked out by another request; retry in a moment`, 'orderId');
    }

    const excluded: Excluded = { promotions: new Set(), coupons: new Set(), points: false, reservations: new Set() };
    let priced: Priced | undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      priced = await this.price(shopId, body, excluded, holdId, body.orderId);
      const failed = await this.take(shopId, holdId, priced, body.customerId ?? null, body.orderId);
      if (!failed) break;
      await this.releaseNow(shopId, holdId);
      if (failed.kind === 'promotion') excluded.promotions.add(failed.source);
      else if (failed.kind === 'coupon') excluded.coupons.add(failed.source);
      else if (failed.kind === 'reservation') excluded.reservations!.add(failed.source);
      else excluded.points = true;
      priced = undefined;
    }
    if (!priced) throw new FlywheelError('conflict', 'the cart could not be held; retry', 'orderId');
    const { cart } = priced;
    const answer: CheckoutResult = { ...render(cart, lang), orderId: body.orderId, hold: { id: holdId, expiresAt: expiresAt.toISOString(), state: 'held' } };
    const held: HeldPromotion[] = cart.promotionsUsed.map((p) => ({ ...p, giftCost: giftCost(cart.lines, p.id, priced.catalog) }));
    const state = await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('pricing_holds').select(['state']).where('shop_id', '=', shopId).where('id', '=', holdId).forUpdate().executeTakeFirst();
      const before = (row?.state ?? 'pending') as StoredHoldState;
      const after = before === 'pending' ? nextHold(before, 'taken') : before;
      await trx.updateTable('pricing_holds').set({
        state: after, answer: JSON.stringify({ ...answer, hold: { ...answer.hold, state: after } }),
        lines: JSON.stringify(cart.lines), promotions: JSON.stringify(held), coupons: JSON.stringify(cart.couponsUsed.map((c) => c.code)),
        points: cart.pointsUsed, updated_at: new Date().toISOString(),
      }).where('shop_id', '=', shopId).where('id', '=', holdId).execute();
      // Paid while the takes were made: they are kept.
      if (after === 'confirmed') await trx.updateTable('pricing_hold_takes').set({ state: 'kept' }).where('shop_id', '=', shopId).where('hold_id', '=', holdId).where('state', '=', 'taken').execute();
      return after;
    });
    // Cancelled or expired while the takes were made: what was taken after the release goes back too.
    if (state === 'released' || state === 'reversed') await this.releaseNow(shopId, holdId);
    return { ...answer, hold: { ...answer.hold, state: state === 'pending' ? 'held' : state } };
  }

  /** The stored answer of an order's checkout, waiting a little for one in progress. */
  private async answerOf(shopId: string, orderId: string, fingerprint: string, wait = false): Promise<CheckoutResult | null> {
    for (let i = 0; i < (wait ? 100 : 1); i++) {
      const row = await this.db.selectFrom('pricing_holds').select(['fingerprint', 'answer', 'state']).where('shop_id', '=', shopId).where('order_id', '=', orderId).executeTakeFirst();
      if (!row) return null;
      if (row.fingerprint !== fingerprint) throw new FlywheelError('conflict', `orderId: order ${orderId} was checked out with another cart; a new cart needs a new order id`, 'orderId');
      if (row.answer) {
        const answer = json<CheckoutResult>(row.answer);
        return { ...answer, hold: { ...answer.hold, state: row.state === 'pending' ? 'held' : row.state } };
      }
      if (!wait) return this.answerOf(shopId, orderId, fingerprint, true);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return null;
  }

  /** Takes what the priced cart uses, one resource at a time, each recorded against the hold as it is taken; the first that fails is named. */
  private async take(shopId: string, holdId: string, priced: Priced, customerId: string | null, orderId: string): Promise<{ kind: 'promotion' | 'coupon' | 'points' | 'reservation'; source: string } | null> {
    const { cart, candidates } = priced;
    // The 秒杀 reservations the cart is priced with become the order's (their units already taken from stock).
    for (const [id, price] of priced.reserved) {
      if (price.refusal || !this.deps.reservations) continue;
      if (!(await this.deps.reservations.attach(shopId, id, orderId))) return { kind: 'reservation', source: id };
    }
    const record = (trx: Trx, resource: string, counter: string | null, amount: number) => trx.insertInto('pricing_hold_takes')
      .values({ shop_id: shopId, hold_id: holdId, resource, counter, amount, state: 'taken' })
      .onConflict((oc) => oc.columns(['shop_id', 'hold_id', 'resource']).doUpdateSet({ counter, amount, state: 'taken' })).execute();
    for (const { code } of cart.couponsUsed) {
      const ok = await this.db.transaction().execute(async (trx) => {
        const bound = await sql<{ customer_id: string | null }>`select customer_id from coupons where shop_id = ${shopId} and code = ${code} for update`.execute(trx);
        const r = await sql`update coupons set state = 'held', hold_id = ${holdId}, customer_id = coalesce(customer_id, ${customerId}), updated_at = now()
          where shop_id = ${shopId} and code = ${code} and state = 'available' and (customer_id is null or customer_id = ${customerId}) and expires_at > now()`.execute(trx);
        if (Number(r.numAffectedRows ?? 0) !== 1) return false;
        // A code made in bulk is the customer's while held; released, it is anyone's again.
        await record(trx, `coupon:${code}`, bound.rows[0]?.customer_id === null ? 'bound' : null, 1);
        await trx.insertInto('coupon_ledger').values({ shop_id: shopId, code, kind: 'held', hold_id: holdId, key: `held:${shopId}:${holdId}:${code}:${Date.now()}` }).execute();
        return true;
      });
      if (!ok) return { kind: 'coupon', source: code };
    }
    for (const used of cart.promotionsUsed) {
      const budget = candidates.get(used.id)?.stored.budget;
      if (!budget) continue;
      if (budget.maxUses !== undefined) {
        const counter = budgetCounter(shopId, used.id, 'uses');
        const taken = await this.counters.withTaken(counter, 1, (trx) => record(trx, budgetResource(used.id, 'uses'), counter, 1));
        this.budgetsLeft.changed(counter);
        if (!taken) return { kind: 'promotion', source: used.id };
      }
      if (budget.maxDiscount !== undefined && used.amount > 0) {
        const counter = budgetCounter(shopId, used.id, 'discount');
        const taken = await this.counters.withTaken(counter, used.amount, (trx) => record(trx, budgetResource(used.id, 'discount'), counter, used.amount));
        this.budgetsLeft.changed(counter);
        if (!taken) return { kind: 'promotion', source: used.id };
      }
      if (budget.perCustomer !== undefined && customerId) {
        const ok = await this.db.transaction().execute(async (trx) => {
          const r = await sql<{ uses: number }>`insert into promotion_customer_uses (shop_id, promotion_id, customer_id, uses) values (${shopId}, ${used.id}, ${customerId}, 1)
            on conflict (shop_id, promotion_id, customer_id) do update set uses = promotion_customer_uses.uses + 1 where promotion_customer_uses.uses < ${budget.perCustomer}
            returning uses`.execute(trx);
          if (r.rows.length === 0) return false;
          await record(trx, `customer:${used.id}`, customerId, 1);
          return true;
        });
        if (!ok) return { kind: 'promotion', source: used.id };
      }
    }
    if (cart.pointsUsed > 0 && customerId && this.deps.points) {
      const wallet = this.deps.points;
      const ok = await this.db.transaction().execute(async (trx) => {
        if (!(await wallet.spend(trx, shopId, customerId, cart.pointsUsed, `checkout:${holdId}`))) return false;
        await record(trx, 'points', customerId, cart.pointsUsed);
        return true;
      });
      if (!ok) return { kind: 'points', source: 'points' };
    }
    return null;
  }

  /**
   * Undoes a hold's takes in the caller's transaction: coupons back to available (a bulk code to no
   * one), the customer's uses back; the counters' units and points are marked to be given back once
   * this commits (GIVE_BACK_QUEUE, or `releaseNow`), as a unit given back early could be sold twice.
   */
  private async undoTakes(trx: Trx, shopId: string, holdId: string, kind: 'released' | 'returned', later: 'job' | 'now' = 'job') {
    const takes = await trx.selectFrom('pricing_hold_takes').select(['resource', 'counter', 'amount']).where('shop_id', '=', shopId).where('hold_id', '=', holdId).where('state', 'in', ['taken', 'kept']).execute();
    for (const t of takes) {
      const resource = t.resource as string;
      if (resource.startsWith('coupon:')) {
        const code = resource.slice('coupon:'.length);
        await sql`update coupons set state = 'available', hold_id = null, order_id = null, updated_at = now(),
          customer_id = case when ${t.counter} = 'bound' then null else customer_id end
          where shop_id = ${shopId} and code = ${code} and hold_id = ${holdId}`.execute(trx);
        await trx.insertInto('coupon_ledger').values({ shop_id: shopId, code, kind, hold_id: holdId, key: `${kind}:${shopId}:${holdId}:${code}` }).onConflict((oc) => oc.column('key').doNothing()).execute();
      } else if (resource.startsWith('customer:')) {
        await sql`update promotion_customer_uses set uses = uses - 1 where shop_id = ${shopId} and promotion_id = ${resource.slice('customer:'.length)} and customer_id = ${t.counter} and uses > 0`.execute(trx);
      }
      const next = resource.startsWith('coupon:') || resource.startsWith('customer:') ? 'released' : 'releasing';
      await trx.updateTable('pricing_hold_takes').set({ state: next }).where('shop_id', '=', shopId).where('hold_id', '=', holdId).where('resource', '=', resource).execute();
    }
    if (later === 'job' && takes.length > 0) await this.jobs.enqueue([{ queue: GIVE_BACK_QUEUE, key: newId('giveback'), shopId, payload: { holdId } }], trx);
  }

  /** Gives back the counters' units and points a hold's undone takes marked, after their commit. */
  async giveBack(shopId: string, holdId: string) {
    const rows = await this.db.transaction().execute((trx) => trx.updateTable('pricing_hold_takes').set({ state: 'released' })
      .where('shop_id', '=', shopId).where('hold_id', '=', holdId).where('state', '=', 'releasing').returning(['resource', 'counter', 'amount']).execute());
    // Past this commit a crash loses the units (never an oversell); the counters can be rebuilt from the takes.
    for (const r of rows) {
      if (r.resource === 'points') await this.deps.points?.giveBack(shopId, r.counter as string, Number(r.amount), `checkout-back:${holdId}`);
      else if (r.counter) {
        await this.counters.give(r.counter as string, Number(r.amount));
        this.budgetsLeft.changed(r.counter as string);
      }
    }
  }

  private async releaseNow(shopId: string, holdId: string) {
    await this.db.transaction().execute((trx) => this.undoTakes(trx, shopId, holdId, 'released', 'now'));
    await this.giveBack(shopId, holdId);
  }

  /** The hold expiry job: an unpaid hold is released. */
  expiryHandler() {
    return async (job: Job<{ holdId: string }>) => async (trx: Trx) => {
      const shopId = job.shopId!;
      const hold = await trx.selectFrom('pricing_holds').select(['state']).where('shop_id', '=', shopId).where('id', '=', job.payload.holdId).forUpdate().executeTakeFirst();
      if (!hold) return;
      const next = nextHold(hold.state as StoredHoldState, 'expired');
      if (next === hold.state) return;
      await this.undoTakes(trx, shopId, job.payload.holdId, 'released');
      await this.setState(trx, shopId, job.payload.holdId, next);
    };
  }

  giveBackHandler() {
    return async (job: Job<{ holdId: string }>) => { await this.giveBack(job.shopId!, job.payload.holdId); };
  }

  private async setState(trx: Trx, shopId: string, holdId: string, state: StoredHoldState, extra: Record<string, unknown> = {}) {
    await sql`update pricing_holds set state = ${state}, updated_at = now(),
      answer = case when answer is null then null else jsonb_set(answer, '{hold,state}', to_jsonb(${state === 'pending' ? 'held' : state}::text)) end
      where shop_id = ${shopId} and id = ${holdId}`.execute(trx);
    if (Object.keys(extra).length > 0) await trx.updateTable('pricing_holds').set(extra).where('shop_id', '=', shopId).where('id', '=', holdId).execute();
  }

  /**
   * Commerce's orders and refunds, in the subscriber's transaction: the order of a checkout paid
   * confirms its hold (coupons redeemed, budgets kept, the promotions' ledger written); cancelled,
   * it releases an unpaid hold or reverses a paid one (coupons returned, budgets given back).
   */
  async onOrderEvents(trx: Trx, events: readonly DomainEvent[]) {
    const byShop = new Map<string, DomainEvent[]>();
    for (const e of events) byShop.set(e.shopId, [...(byShop.get(e.shopId) ?? []), e]);
    for (const [shopId, list] of byShop) {
      const orderIds = [...new Set(list.map((e) => (e.topic === 'refund.upserted' ? (e.payload as { orderId: string }).orderId : (e.payload as { externalId: string }).externalId)))];
      const holds = await trx.selectFrom('pricing_holds').selectAll().where('shop_id', '=', shopId).where('order_id', 'in', orderIds).forUpdate().execute() as unknown as HoldRow[];
      if (holds.length === 0) continue;
      const byOrder = new Map(holds.map((h) => [h.order_id, h]));
      for (const e of list) {
        if (e.topic === 'refund.upserted') {
          const refund = e.payload as { externalId: string; orderId: string; items?: { sku: string; quantity: number }[] };
          const hold = byOrder.get(refund.orderId);
          if (!hold) continue;
          const refunds = { ...json<Record<string, unknown>>(hold.refunds), [refund.externalId]: refund.items ?? null };
          hold.refunds = refunds;
          await trx.updateTable('pricing_holds').set({ refunds: JSON.stringify(refunds), updated_at: new Date().toISOString() }).where('shop_id', '=', shopId).where('id', '=', hold.id).execute();
          continue;
        }
        const order = e.payload as { externalId: string; customerId: string; status: string; paidAmount: number | null; paidAt: string | null; cancelledAt: string | null };
        const hold = byOrder.get(order.externalId);
        if (!hold) continue;
        const event = PAID.has(order.status) ? 'paid' as const : order.status === 'cancelled' ? 'cancelled' as const : null;
        const next = event ? nextHold(hold.state, event) : hold.state;
        if (next !== hold.state) {
          if (next === 'confirmed') await this.confirm(trx, shopId, hold, order);
          else if (next === 'released') await this.undoTakes(trx, shopId, hold.id, 'released');
          else if (next === 'reversed') await this.reverse(trx, shopId, hold, order);
        }
        await this.setState(trx, shopId, hold.id, next, { order_status: order.status });
        hold.state = next;
      }
    }
  }

  private async confirm(trx: Trx, shopId: string, hold: HoldRow, order: { externalId: string; customerId: string; paidAmount: number | null; paidAt: string | null }) {
    await trx.updateTable('pricing_hold_takes').set({ state: 'kept' }).where('shop_id', '=', shopId).where('hold_id', '=', hold.id).where('state', '=', 'taken').execute();
    for (const code of json<string[] | null>(hold.coupons) ?? []) {
      await sql`update coupons set state = 'redeemed', order_id = ${order.externalId}, updated_at = now() where shop_id = ${shopId} and code = ${code} and hold_id = ${hold.id}`.execute(trx);
      await trx.insertInto('coupon_ledger').values({ shop_id: shopId, code, kind: 'redeemed', hold_id: hold.id, order_id: order.externalId, key: `redeemed:${shopId}:${hold.id}:${code}` }).onConflict((oc) => oc.column('key').doNothing()).execute();
    }
    const at = order.paidAt ?? new Date().toISOString();
    const rows = (json<HeldPromotion[] | null>(hold.promotions) ?? []).map((p) => ({
      shop_id: shopId, promotion_id: p.id, order_id: order.externalId, customer_id: order.customerId, kind: 'redeem',
      discount: p.amount, cost: p.amount + p.giftCost, sales: order.paidAmount ?? 0, at, key: `redeem:${shopId}:${hold.id}:${p.id}`,
    }));
    if (rows.length > 0) await trx.insertInto('promotion_ledger').values(rows).onConflict((oc) => oc.column('key').doNothing()).execute();
    await publish(trx, shopId, [orderPromotions(order.externalId, rows.map((r) => ({ id: r.promotion_id, discount: r.discount })))]);
  }

  private async reverse(trx: Trx, shopId: string, hold: HoldRow, order: { externalId: string; customerId: string; cancelledAt: string | null }) {
    const at = order.cancelledAt ?? new Date().toISOString();
    await sql`insert into promotion_ledger (shop_id, promotion_id, order_id, customer_id, kind, discount, cost, sales, at, key)
      select shop_id, promotion_id, order_id, customer_id, 'reverse', discount, cost, sales, ${at}::timestamptz, 'reverse:' || substring(key from 8)
      from promotion_ledger where shop_id = ${shopId} and kind = 'redeem' and key like ${`redeem:${shopId}:${hold.id}:%`}
      on conflict (key) do nothing`.execute(trx);
    await publish(trx, shopId, [orderPromotions(order.externalId, [])]);
    // A cancel comes before shipping (commerce refuses it after): the coupons come back.
    await this.undoTakes(trx, shopId, hold.id, 'returned');
  }

  // --- Refunds and the report --------------------------------------------------------------------

  /** `POST /v1/pricing/refund-quote`: what some units of a checked-out order give back. */
  async refundQuote(shopId: string, body: { orderId: string; items: { sku: string; quantity: number }[] }): Promise<RefundQuoteResult> {
    const hold = await this.db.selectFrom('pricing_holds').selectAll().where('shop_id', '=', shopId).where('order_id', '=', body.orderId).executeTakeFirst() as unknown as HoldRow | undefined;
    if (!hold || !hold.lines) throw new FlywheelError('not_found', `orderId: no checkout of order ${body.orderId} in this shop`, 'orderId');
    const lines = json<PricedCartLine[]>(hold.lines);
    const refunded = lines.map(() => 0);
    for (const items of Object.values(json<Record<string, { sku: string; quantity: number }[] | null>>(hold.refunds))) {
      for (const item of items ?? []) {
        let left = item.quantity;
        for (const [k, l] of lines.entries()) {
          if (l.sku !== item.sku || left === 0) continue;
          const n = Math.min(left, l.quantity - refunded[k]);
          refunded[k] += n;
          left -= n;
        }
      }
    }
    try {
      return refundQuote({ lines, refunded, shippingFee: Number(hold.shipping_fee), shipped: hold.order_status === 'shipped' || hold.order_status === 'completed', hasCoupons: (json<string[] | null>(hold.coupons) ?? []).length > 0 }, body.items);
    } catch (error) {
      if (error instanceof RefundError) throw new FlywheelError('invalid_field', error.message, error.field);
      throw error;
    }
  }

  /** `GET /v1/promotions/:id/report`: paid orders priced with the promotion, their buyers, sales and the discount's cost and budget. */
  async report(shopId: string, promotionId: string): Promise<PromotionReport> {
    const promotion = await this.promotions.stored(shopId, promotionId);
    const shop = await this.deps.shopOf(shopId);
    const rows = await this.db.selectFrom('promotion_ledger').select(['order_id', 'customer_id', 'kind', 'discount', 'cost', 'sales', 'at']).where('shop_id', '=', shopId).where('promotion_id', '=', promotionId).execute();
    const orders = new Map<string, { customer: string | null; n: number; discount: number; cost: number; sales: number; at: string }>();
    for (const r of rows) {
      const sign = r.kind === 'redeem' ? 1 : -1;
      const o = orders.get(r.order_id as string) ?? { customer: (r.customer_id as string | null) ?? null, n: 0, discount: 0, cost: 0, sales: 0, at: '' };
      o.n += sign;
      o.discount += sign * Number(r.discount);
      o.cost += sign * Number(r.cost);
      o.sales += sign * Number(r.sales);
      if (sign > 0) o.at = new Date(r.at as string).toISOString();
      orders.set(r.order_id as string, o);
    }
    const kept = [...orders.values()].filter((o) => o.n > 0);
    const discount = kept.reduce((s, o) => s + o.discount, 0);
    const cost = kept.reduce((s, o) => s + o.cost, 0);
    const sales = kept.reduce((s, o) => s + o.sales, 0);
    const daily = new Map<string, { orders: number; sales: number; discountCost: number }>();
    for (const o of kept) {
      const date = localDateOf(new Date(o.at), shop.timezone);
      const d = daily.get(date) ?? { orders: 0, sales: 0, discountCost: 0 };
      d.orders += 1; d.sales += o.sales; d.discountCost += o.cost;
      daily.set(date, d);
    }
    const heldRows = await sql<{ orders: number; discount: number }>`
      select count(*)::bigint as orders, coalesce(sum((p->>'amount')::bigint), 0)::bigint as discount
      from pricing_holds h, jsonb_array_elements(h.promotions) p where h.shop_id = ${shopId} and h.state = 'held' and p->>'id' = ${promotionId}`.execute(this.db);
    const held = { orders: Number(heldRows.rows[0]?.orders ?? 0), discount: Number(heldRows.rows[0]?.discount ?? 0) };
    const { maxDiscount, maxUses } = promotion.budget;
    const usedDiscount = discount + held.discount;
    const usedUses = kept.length + held.orders;
    const share = maxDiscount ? usedDiscount / maxDiscount : maxUses ? usedUses / maxUses : null;
    return {
      promotionId, currency: shop.currency, orders: kept.length, buyers: new Set(kept.map((o) => o.customer)).size, sales, discountCost: cost,
      budgetUsed: { discount: usedDiscount, maxDiscount: maxDiscount ?? null, uses: usedUses, maxUses: maxUses ?? null, share },
      salesPerDiscount: cost > 0 ? sales / cost : null,
      held,
      daily: [...daily].sort(([a], [b]) => a.localeCompare(b)).map(([date, d]) => ({ date, ...d })),
      uplift: null,
    };
  }
}

/** What a gift a promotion gave cost the shop (its catalogue cost × quantity). */
function giftCost(lines: readonly PricedCartLine[], promotionId: string, catalog: Map<string, CatalogItem>): number {
  return lines.filter((l) => l.gift && l.allocations.some((a) => a.source === promotionId)).reduce((s, l) => s + (catalog.get(l.sku)?.cost ?? 0) * l.quantity, 0);
}

/**
 * The engine's answer as the API gives it: texts rendered in the reader's language beside their
 * keys. Built field by field in quoteResult's shape, as it is: the quote route writes it as JSON
 * without parsing it again (render.test.ts).
 */
export function render(cart: PricedCart, lang: Locale): QuoteResult {
  const allocations = (list: readonly Allocation[]) => list.map((a) => ({ source: a.source, amount: a.amount }));
  return {
    currency: cart.currency, subtotal: cart.subtotal, itemDiscount: cart.itemDiscount, orderDiscount: cart.orderDiscount, couponDiscount: cart.couponDiscount,
    pointsUsed: cart.pointsUsed, pointsDeduction: cart.pointsDeduction, shippingFee: cart.shippingFee, shippingDiscount: cart.shippingDiscount, total: cart.total,
    lines: cart.lines.map((l) => ({
      sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, discount: l.discount, total: l.total, gift: l.gift, allocations: allocations(l.allocations),
      units: l.units.map((u) => ({ discount: u.discount, allocations: allocations(u.allocations) })),
    })),
    applied: cart.applied.map((a) => ({ source: a.source, kind: a.kind, name: 'text' in a && a.text ? renderText(lang, a.text as never) : a.name, amount: a.amount })),
    notApplied: cart.notApplied.map((n) => ({ source: n.source, code: n.code, message: renderText(lang, n.text), text: n.text })),
    hints: cart.hints.map((h) => ({ source: h.source, message: renderText(lang, h.text), missingAmount: h.missingAmount, missingQuantity: h.missingQuantity, text: h.text })),
  };
}

export { LeverRefusal };
