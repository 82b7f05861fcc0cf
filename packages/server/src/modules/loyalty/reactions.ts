import { sql } from 'kysely';
import type { BehaviourEvent } from '../../platform/event-feed';
import type { Job, JobInput, Trx } from '../../platform/jobs';
import type { DomainEvent } from '../../platform/subscribers';
import { localDateOf, startOfLocalDay } from '../../platform/timezone';
import { lockExisting, lockMembers, PointsBook, QUEUES, type Member } from './book';
import { loadPrograms, type ProgramHistory } from './programs';
import { availableAt, birthdayIn, decideTier, expiresAt, nextBirthday, orderPoints, scaledRate, unitOf } from './rules';
import { growthAt, recordTierChanges, reviewJob, upgradeTiers, type TierChangeRow } from './tiers';

/** The shop facts loyalty needs: its zone (local days, months, birthdays) and currency (what 1元 is). */
export interface LoyaltyShop { timezone: string; currency: string }
/**
 * Given a transaction when asked inside one (a subscriber's batch): embedded PGlite is one
 * connection, so a lookup outside the transaction would wait for it forever.
 */
export type ShopOf = (shopId: string, trx?: Trx) => Promise<LoyaltyShop>;
export type Enqueue = (jobs: JobInput[], trx: Trx) => Promise<void>;

interface OrderPaid { externalId: string; customerId: string; paidAmount: number | null; payableAmount: number; paidAt: string; currency: string }
interface RefundUpserted { externalId: string; orderId: string; amount: number; createdAt: string }
interface CustomerUpserted { externalId: string; birthday: string | null; registeredAt: string | null }

interface OrderState {
  orderId: string; customerId: string; paidAmount: number; refunded: number; paidAt: Date; unit: number;
  growthRate: number; pointsRate: number; credited: number; lotId: string | null; isNew: boolean; dirty: boolean;
}

export const DOMAIN_TOPICS = ['order.paid', 'refund.upserted', 'customer.upserted'] as const;
export const BEHAVIOUR_EVENTS = ['Signed In', 'Product Reviewed', 'Product Shared'] as const;

export function birthdayJob(shopId: string, customerId: string, date: string, timezone: string): JobInput {
  return { queue: QUEUES.birthday, key: `${shopId}:${customerId}:${date}`, shopId, payload: { customerId, date }, runAt: startOfLocalDay(date, timezone) };
}

const byShop = <T extends { shopId: string }>(items: readonly T[]) => {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(item.shopId, [...(out.get(item.shopId) ?? []), item]);
  return out;
};

function earliest(want: Map<string, Date>, id: string, at: Date) {
  const before = want.get(id);
  if (!before || at < before) want.set(id, at);
}

/**
 * The shop's domain events, a batch at a time, in the subscriber's transaction (its checkpoint
 * commits with what is done here, so each event counts exactly once):
 * - `order.paid`: the order's points, pending for `pendingDays` (a timer makes them available), and
 *   the tier its growth value now reaches;
 * - `refund.upserted`: the order's points are worth floor((paid − refunded) / 100 × perYuan) at every
 *   moment; the difference is cancelled from the pending lot or clawed back, and what the balance
 *   cannot cover is owed;
 * - `customer.upserted`: the member exists from then on; a birthday gets its yearly timer.
 */
export async function onDomainEvents(trx: Trx, events: DomainEvent[], shopOf: ShopOf, enqueue: Enqueue, now = new Date()) {
  for (const [shopId, shopEvents] of byShop(events)) {
    const shop = await shopOf(shopId, trx);
    const programs = await loadPrograms(trx, shopId);
    const refundEvents = shopEvents.filter((e) => e.topic === 'refund.upserted').map((e) => ({ ...e, refund: e.payload as RefundUpserted }));
    const orders = await loadOrders(trx, shopId, [
      ...shopEvents.filter((e) => e.topic === 'order.paid').map((e) => (e.payload as OrderPaid).externalId),
      ...refundEvents.map((e) => e.refund.orderId),
    ]);
    const previousRefunds = await loadRefunds(trx, shopId, refundEvents.map((e) => e.refund.externalId));

    const want = new Map<string, Date>();
    for (const e of shopEvents) {
      if (e.topic === 'order.paid') {
        const o = e.payload as OrderPaid;
        earliest(want, o.customerId, new Date(o.paidAt));
      } else if (e.topic === 'customer.upserted') {
        const c = e.payload as CustomerUpserted;
        earliest(want, c.externalId, c.registeredAt ? new Date(c.registeredAt) : now);
      }
    }
    for (const { refund } of refundEvents) {
      const order = orders.get(refund.orderId);
      if (order) earliest(want, order.customerId, new Date(refund.createdAt));
    }
    if (want.size === 0) continue;
    const members = await lockMembers(trx, shopId, want, programs.at(now).tiers[0].key);
    const book = await PointsBook.open(trx, shopId, members, { now });
    const asks: { customerId: string; at: Date; source: string }[] = [];
    const refundRows = new Map<string, Record<string, unknown>>();

    for (const e of shopEvents) {
      if (e.topic === 'order.paid') {
        const o = e.payload as OrderPaid;
        if (orders.has(o.externalId)) continue;
        const paidAt = new Date(o.paidAt);
        const program = programs.at(paidAt);
        const state: OrderState = {
          orderId: o.externalId, customerId: o.customerId, paidAmount: o.paidAmount ?? o.payableAmount, refunded: 0, paidAt, unit: unitOf(o.currency ?? shop.currency),
          growthRate: scaledRate(program.growth.perYuan), pointsRate: scaledRate(program.points.perYuan), credited: 0, lotId: null, isNew: true, dirty: true,
        };
        orders.set(o.externalId, state);
        const points = orderPoints(state.paidAmount, 0, state.pointsRate, state.unit);
        if (points > 0) {
          const entry = book.credit(o.customerId, {
            kind: 'earn', amount: points, source: `order:${o.externalId}`, key: `order:${o.externalId}`, createdAt: paidAt,
            status: 'pending', availableAt: availableAt(paidAt, program.points.pendingDays), expiry: program.points.expiry, expiresAt: null,
          });
          state.credited = points;
          state.lotId = entry.id;
        }
        asks.push({ customerId: o.customerId, at: paidAt, source: `order:${o.externalId}` });
      } else if (e.topic === 'refund.upserted') {
        const r = e.payload as RefundUpserted;
        const order = orders.get(r.orderId);
        if (!order || !members.has(order.customerId)) continue;
        const before = previousRefunds.get(r.externalId) ?? 0;
        previousRefunds.set(r.externalId, r.amount);
        refundRows.set(r.externalId, { shop_id: shopId, refund_id: r.externalId, order_id: r.orderId, amount: r.amount, created_at: r.createdAt });
        order.refunded += r.amount - before;
        order.dirty = true;
        const worth = orderPoints(order.paidAmount, order.refunded, order.pointsRate, order.unit);
        const difference = order.credited - worth;
        const createdAt = new Date(r.createdAt);
        const key = `refund:${r.externalId}:${e.id}`;
        if (difference > 0) {
          book.clawback(order.customerId, difference, order.lotId, { kind: 'clawback', source: `refund:${r.externalId}`, key, createdAt, reverses: order.lotId }, now);
          order.credited = worth;
        } else if (difference < 0) {
          // A refund corrected downwards gives back what it took, as a new lot of the order.
          const program = programs.at(order.paidAt);
          const pendingUntil = availableAt(order.paidAt, program.points.pendingDays);
          const pending = pendingUntil > now;
          book.credit(order.customerId, {
            kind: 'earn', amount: -difference, source: `refund:${r.externalId}`, key, createdAt, status: pending ? 'pending' : 'available',
            availableAt: pending ? pendingUntil : now, expiry: program.points.expiry, expiresAt: pending ? null : expiresAt(now, program.points.expiry, shop.timezone),
          });
          order.credited = worth;
        }
      } else if (e.topic === 'customer.upserted') {
        const c = e.payload as CustomerUpserted;
        const member = members.get(c.externalId)!;
        if (member.birthday === (c.birthday ?? null)) continue;
        member.birthday = c.birthday ?? null;
        book.touch(member.customerId);
        if (member.birthday) book.jobs.push(birthdayJob(shopId, member.customerId, nextBirthday(localDateOf(now, shop.timezone), member.birthday), shop.timezone));
      }
    }
    await saveOrders(trx, shopId, [...orders.values()].filter((o) => o.dirty));
    if (refundRows.size > 0) {
      await trx.insertInto('loyalty_refunds').values([...refundRows.values()])
        .onConflict((oc) => oc.columns(['shop_id', 'refund_id']).doUpdateSet((eb) => ({ amount: eb.ref('excluded.amount'), created_at: eb.ref('excluded.created_at') }))).execute();
    }
    await upgradeTiers(trx, book, programs, asks, shop.timezone, now);
    await book.flush(enqueue);
  }
}

async function loadOrders(trx: Trx, shopId: string, ids: string[]): Promise<Map<string, OrderState>> {
  const out = new Map<string, OrderState>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 1000) {
    const rows = await trx.selectFrom('loyalty_orders').selectAll().where('shop_id', '=', shopId).where('order_id', 'in', unique.slice(i, i + 1000)).execute();
    for (const r of rows) {
      out.set(String(r.order_id), {
        orderId: String(r.order_id), customerId: String(r.customer_id), paidAmount: Number(r.paid_amount), refunded: Number(r.refunded), paidAt: new Date(r.paid_at as string),
        unit: Number(r.unit), growthRate: Number(r.growth_rate), pointsRate: Number(r.points_rate), credited: Number(r.credited), lotId: (r.lot_id as string | null) ?? null, isNew: false, dirty: false,
      });
    }
  }
  return out;
}

async function loadRefunds(trx: Trx, shopId: string, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 1000) {
    const rows = await trx.selectFrom('loyalty_refunds').select(['refund_id', 'amount']).where('shop_id', '=', shopId).where('refund_id', 'in', unique.slice(i, i + 1000)).execute();
    for (const r of rows) out.set(String(r.refund_id), Number(r.amount));
  }
  return out;
}

async function saveOrders(trx: Trx, shopId: string, orders: OrderState[]) {
  const created = orders.filter((o) => o.isNew).map((o) => ({
    shop_id: shopId, order_id: o.orderId, customer_id: o.customerId, paid_amount: o.paidAmount, refunded: o.refunded, paid_at: o.paidAt.toISOString(),
    unit: o.unit, growth_rate: o.growthRate, points_rate: o.pointsRate, credited: o.credited, lot_id: o.lotId,
  }));
  for (let i = 0; i < created.length; i += 500) await trx.insertInto('loyalty_orders').values(created.slice(i, i + 500)).execute();
  const changed = orders.filter((o) => !o.isNew).map((o) => ({ order_id: o.orderId, refunded: o.refunded, credited: o.credited }));
  for (let i = 0; i < changed.length; i += 1000) {
    await sql`update loyalty_orders o set refunded = v.refunded, credited = v.credited
      from json_to_recordset(${JSON.stringify(changed.slice(i, i + 1000))}::json) as v(order_id text, refunded bigint, credited bigint)
      where o.shop_id = ${shopId} and o.order_id = v.order_id`.execute(trx);
  }
}

const INTERACTIONS: Record<string, 'sign_in' | 'review' | 'share'> = { 'Signed In': 'sign_in', 'Product Reviewed': 'review', 'Product Shared': 'share' };

/** The customer a tracking event is of: its user id, or the one identity stitching found; none for an anonymous visitor. */
const customerOf = (e: BehaviourEvent) => e.userId ?? (e.personId !== e.anonymousId ? e.personId : null);

/**
 * Interactions that add growth: `Signed In` once a local day, each `Product Reviewed` and
 * `Product Shared`, weighted by the program in force when they happened; then the tiers they reach.
 */
export async function onBehaviourEvents(trx: Trx, events: BehaviourEvent[], shopOf: ShopOf, enqueue: Enqueue, now = new Date()) {
  for (const [shopId, shopEvents] of byShop(events)) {
    const shop = await shopOf(shopId, trx);
    const programs = await loadPrograms(trx, shopId);
    const rows = new Map<string, { shop_id: string; key: string; customer_id: string; kind: string; at: string; growth: number }>();
    for (const e of shopEvents) {
      const customerId = customerOf(e);
      const kind = INTERACTIONS[e.event];
      if (!customerId || !kind) continue;
      const growth = programs.at(e.ts).growth;
      const key = kind === 'sign_in' ? `sign_in:${customerId}:${localDateOf(e.ts, shop.timezone)}` : `event:${e.rowid}`;
      if (!rows.has(key)) rows.set(key, { shop_id: shopId, key, customer_id: customerId, kind, at: e.ts.toISOString(), growth: kind === 'sign_in' ? growth.signIn : growth[kind] });
    }
    if (rows.size === 0) continue;
    await applyInteractions(trx, shopId, [...rows.values()], programs, shop, enqueue, now);
  }
}

/** Records interactions (each once, by key) and upgrades the tiers they reach. */
export async function applyInteractions(
  trx: Trx, shopId: string, rows: { shop_id: string; key: string; customer_id: string; kind: string; at: string; growth: number }[],
  programs: ProgramHistory, shop: LoyaltyShop, enqueue: Enqueue, now: Date, book?: PointsBook,
) {
  const added: typeof rows = [];
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await trx.insertInto('loyalty_interactions').values(rows.slice(i, i + 500)).onConflict((oc) => oc.columns(['shop_id', 'key']).doNothing()).returning(['key']).execute();
    const keys = new Set(inserted.map((r) => String(r.key)));
    added.push(...rows.slice(i, i + 500).filter((r) => keys.has(r.key)));
  }
  const raising = added.filter((r) => r.growth > 0);
  if (raising.length === 0) return;
  let own = book;
  if (!own) {
    const want = new Map<string, Date>();
    for (const r of raising) earliest(want, r.customer_id, new Date(r.at));
    own = await PointsBook.open(trx, shopId, await lockMembers(trx, shopId, want, programs.at(now).tiers[0].key), { lots: false, now });
  }
  await upgradeTiers(trx, own, programs, raising.map((r) => ({ customerId: r.customer_id, at: new Date(r.at), source: r.key.startsWith('event:') ? r.kind : r.key })), shop.timezone, now);
  if (!book) await own.flush(enqueue);
}

async function dueLots(trx: Trx, shopId: string, where: 'release' | 'expire', at: Date, limit: number): Promise<{ id: string; customerId: string; availableAt: Date; expiry: string }[]> {
  const rows = where === 'release'
    ? await sql<Record<string, unknown>>`select id, customer_id, available_at, expiry from points_lots where shop_id = ${shopId} and status = 'pending' and remaining > 0 and available_at <= ${at.toISOString()}::timestamptz order by available_at, id limit ${limit}`.execute(trx)
    : await sql<Record<string, unknown>>`select id, customer_id, available_at, expiry from points_lots where shop_id = ${shopId} and status = 'available' and remaining > 0 and expires_at <= ${at.toISOString()}::timestamptz order by expires_at, id limit ${limit}`.execute(trx);
  return rows.rows.map((r) => ({ id: String(r.id), customerId: String(r.customer_id), availableAt: new Date(r.available_at as string), expiry: String(r.expiry) }));
}

const DUE_CHUNK = 2000;

/** A timer's "now": its time, or the runtime's clock when it runs late. */
const jobNow = (job: Job) => new Date(Math.max(job.runAt.getTime(), job.now.getTime()));

/** The timer of pending lots: every lot of the shop due by the job's time becomes available, its expiry counted from when it was due. */
export function releaseHandler(shopOf: ShopOf, enqueue: Enqueue) {
  return async (job: Job) => {
    const shopId = job.shopId!;
    const shop = await shopOf(shopId);
    return async (trx: Trx) => {
      // A pending lot that went entirely to what was owed has nothing to release.
      await sql`update points_lots set status = 'available' where shop_id = ${shopId} and status = 'pending' and remaining = 0 and available_at <= ${job.runAt.toISOString()}::timestamptz`.execute(trx);
      for (;;) {
        const lots = await dueLots(trx, shopId, 'release', job.runAt, DUE_CHUNK);
        if (lots.length === 0) return;
        const book = await PointsBook.open(trx, shopId, await lockExisting(trx, shopId, lots.map((l) => l.customerId)), { now: jobNow(job) });
        for (const lot of lots) book.release(lot.customerId, lot.id, expiresAt(lot.availableAt, lot.expiry, shop.timezone));
        await book.flush(enqueue);
      }
    };
  };
}

/** The timer of expiries: what is left of every lot of the shop expiring by the job's time becomes an `expire` entry. */
export function expireHandler(enqueue: Enqueue) {
  return async (job: Job) => async (trx: Trx) => {
    const shopId = job.shopId!;
    for (;;) {
      const lots = await dueLots(trx, shopId, 'expire', job.runAt, DUE_CHUNK);
      if (lots.length === 0) return;
      const book = await PointsBook.open(trx, shopId, await lockExisting(trx, shopId, lots.map((l) => l.customerId)), { now: jobNow(job) });
      for (const lot of lots) book.expire(lot.customerId, lot.id, job.runAt);
      await book.flush(enqueue);
    }
  };
}

/**
 * The monthly review on the 1st (local, 00:00): each member above the lowest tier whose growth value
 * at that moment is below their tier goes down to the tier the value reaches. So a value that fell
 * during a month takes the tier down on the 1st of the next one, and one that recovered before it
 * keeps it. The review of the next month is asked for while someone is above the lowest tier (and
 * always up to the present, so reviews of loaded history catch up month by month).
 */
export function tierReviewHandler(shopOf: ShopOf, enqueue: Enqueue) {
  return async (job: Job) => {
    const shopId = job.shopId!;
    const shop = await shopOf(shopId);
    return async (trx: Trx) => {
      const programs = await loadPrograms(trx, shopId);
      const at = job.runAt;
      const tiers = programs.at(at).tiers;
      const base = tiers[0].key;
      const candidates = await trx.selectFrom('loyalty_members').select(['customer_id']).where('shop_id', '=', shopId).where('tier', '<>', base).where('tier_since', '<', at.toISOString()).execute();
      const ids = candidates.map((c) => String(c.customer_id));
      const changes: TierChangeRow[] = [];
      for (let i = 0; i < ids.length; i += 5000) {
        const members = await lockExisting(trx, shopId, ids.slice(i, i + 5000));
        const book = await PointsBook.open(trx, shopId, members, { lots: false, now: jobNow(job) });
        const list = [...members.values()];
        const growth = await growthAt(trx, shopId, programs, list.map((m) => ({ customerId: m.customerId, at })));
        list.forEach((member: Member, k) => {
          const decision = decideTier(member.tier, growth[k], tiers);
          if (decision.kind === 'stay') return;
          const programChanged = tiers.every((t) => t.key !== member.tier);
          changes.push({
            shop_id: shopId, customer_id: member.customerId, from_tier: member.tier, to_tier: decision.to.key,
            reason: programChanged ? 'program_changed' : decision.kind === 'below' ? 'growth_below' : 'growth_reached',
            growth: growth[k], source: `review:${job.key.split(':').pop()}`, at: at.toISOString(), key: `review:${member.customerId}:${at.getTime()}`,
          });
          member.tier = decision.to.key;
          member.tierSince = at;
          book.touch(member.customerId);
        });
        await book.flush(enqueue);
      }
      await recordTierChanges(trx, changes);
      const above = await trx.selectFrom('loyalty_members').select((eb) => eb.fn.countAll().as('n')).where('shop_id', '=', shopId).where('tier', '<>', base).executeTakeFirstOrThrow();
      if (Number(above.n) > 0 || at < job.now) await enqueue([reviewJob(shopId, at, shop.timezone)], trx);
    };
  };
}

/** The yearly birthday timer: the tier's birthday points (once a year), and next year's timer. */
export function birthdayHandler(shopOf: ShopOf, enqueue: Enqueue) {
  return async (job: Job<{ customerId: string; date: string }>) => {
    const shopId = job.shopId!;
    const shop = await shopOf(shopId);
    return async (trx: Trx) => {
      const { customerId, date } = job.payload;
      const members = await lockExisting(trx, shopId, [customerId]);
      const member = members.get(customerId);
      const year = Number(date.slice(0, 4));
      // A birthday changed since this timer was set has its own timer.
      if (!member?.birthday || birthdayIn(year, member.birthday) !== date) return;
      const programs = await loadPrograms(trx, shopId);
      const program = programs.at(job.runAt);
      const tier = program.tiers.find((t) => t.key === member.tier) ?? program.tiers[0];
      const book = await PointsBook.open(trx, shopId, members, { now: jobNow(job) });
      const key = `birthday:${customerId}:${year}`;
      if (tier.benefits.birthdayPoints > 0 && !(await book.existing([key])).has(key)) {
        book.credit(customerId, {
          kind: 'birthday', amount: tier.benefits.birthdayPoints, source: `birthday:${date}`, key, createdAt: job.runAt,
          status: 'available', availableAt: job.runAt, expiry: program.points.expiry, expiresAt: expiresAt(job.runAt, program.points.expiry, shop.timezone),
        });
      }
      book.jobs.push(birthdayJob(shopId, customerId, birthdayIn(year + 1, member.birthday), shop.timezone));
      await book.flush(enqueue);
    };
  };
}
