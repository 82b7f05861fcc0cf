import { sql } from 'kysely';
import type {
  CustomerPoints, LoyaltyMember, LoyaltyProgram, MemberSummary, PointsAdjustRequest, PointsAdjustResult, PointsEntry, SignInResult, TierBenefits, TierChange,
} from '@flywheel/contracts';
import { type Db, isUniqueViolation } from '../../platform/db';
import { FlywheelError, type ErrorCode } from '../../platform/errors';
import { sha256 } from '../../platform/ids';
import type { Trx } from '../../platform/jobs';
import { enqueue as publish } from '../../platform/outbox';
import { addDays, localDateOf } from '../../platform/timezone';
import { lockExisting, lockMembers, PointsBook, type EntryRow, type Member } from './book';
import { MEMBER_TOPIC } from './projection';
import { loadPrograms, saveProgram, type ProgramVersion } from './programs';
import { applyInteractions, type Enqueue, type ShopOf } from './reactions';
import { decideTier, expiresAt, nextMonthStart, nextStreak, rankOf, streakBonuses } from './rules';
import { growthAt } from './tiers';
import { balanceOf } from './wallet';

/** A spend beyond the balance: 409 with the contract's code `insufficient_points`; nothing is taken. */
export class InsufficientPoints extends FlywheelError {
  constructor(readonly available: number, requested: number) {
    super('conflict', `the customer has ${available} points available, fewer than the ${requested} asked for`, 'amount');
  }

  // The platform's codes name kinds of failure; the contract names this one (a conflict) itself.
  override toBody() {
    return { error: { code: 'insufficient_points' as ErrorCode, message: this.message, field: 'amount' } };
  }
}

/** What the app gives loyalty: the shop's zone and currency, whether commerce knows a customer, and the jobs table. */
export interface LoyaltyDeps {
  shopOf: ShopOf;
  /** Which of these customers the shop has a record of (commerce), for those loyalty has not met yet. */
  knownCustomers: (shopId: string, customerIds: readonly string[]) => Promise<Set<string>>;
  enqueue: Enqueue;
}

export interface MemberBenefits extends TierBenefits {
  tier: string;
  tierName: string;
}

interface EntryJoin extends Record<string, unknown> { id: string; amount: number; kind: string; source: string; created_at: string; lot_expires_at: string | null }

export function entryOf(r: EntryJoin | (EntryRow & { lot_expires_at?: string | null })): PointsEntry {
  return {
    id: String(r.id), amount: Number(r.amount), kind: r.kind as PointsEntry['kind'], source: String(r.source),
    createdAt: new Date(r.created_at as string).toISOString(), expiresAt: r.lot_expires_at ? new Date(r.lot_expires_at).toISOString() : null,
  };
}


/**
 * Loyalty's service: the program, a customer's points and tier, adjustments, redemptions and the
 * daily sign-in. The only door other modules (customers, promotions, journeys) have into loyalty.
 */
export class LoyaltyService {
  constructor(private readonly db: Db, private readonly deps: LoyaltyDeps) {}

  async program(shopId: string): Promise<ProgramVersion> {
    return (await loadPrograms(this.db, shopId)).current();
  }

  /** A new version of the program, applying from now on. */
  setProgram(shopId: string, program: LoyaltyProgram, actor: string, now = new Date()): Promise<ProgramVersion> {
    return saveProgram(this.db, shopId, program, actor, now);
  }

  /** 404 unless loyalty or commerce knows the customer. Asked before a transaction opens: embedded PGlite is one connection. */
  private async requireKnown(shopId: string, customerId: string, field?: string) {
    if (!(await this.isKnown(shopId, customerId))) throw new FlywheelError('not_found', `no customer ${customerId} in this shop`, field);
  }

  /** Locks a member known to exist (requireKnown), creating their row when loyalty has not met them yet. */
  private async lockKnown(trx: Trx, shopId: string, customerId: string, now: Date): Promise<Map<string, Member>> {
    const existing = await lockExisting(trx, shopId, [customerId]);
    if (existing.has(customerId)) return existing;
    const programs = await loadPrograms(trx, shopId);
    return lockMembers(trx, shopId, new Map([[customerId, now]]), programs.at(now).tiers[0].key);
  }

  private async isKnown(shopId: string, customerId: string): Promise<boolean> {
    const member = await this.db.selectFrom('loyalty_members').select(['customer_id']).where('shop_id', '=', shopId).where('customer_id', '=', customerId).executeTakeFirst();
    return !!member || (await this.deps.knownCustomers(shopId, [customerId])).has(customerId);
  }

  /** `GET /v1/customers/:externalId/points`: balances, what expires when, and the ledger, newest first. */
  async points(shopId: string, customerId: string, limit = 100): Promise<CustomerPoints> {
    await this.requireKnown(shopId, customerId);
    const [balance, expiring, ledger] = await Promise.all([
      this.balance(this.db, shopId, customerId),
      sql<{ expires_at: string; amount: number }>`select expires_at, sum(remaining)::bigint as amount from points_lots
        where shop_id = ${shopId} and customer_id = ${customerId} and status = 'available' and remaining > 0 and expires_at is not null
        group by expires_at order by expires_at`.execute(this.db),
      sql<EntryJoin>`select e.id, e.amount, e.kind, e.source, e.created_at, l.expires_at as lot_expires_at
        from points_entries e left join points_lots l on l.id = e.id
        where e.shop_id = ${shopId} and e.customer_id = ${customerId} order by e.created_at desc, e.seq desc limit ${limit}`.execute(this.db),
    ]);
    return {
      ...balance,
      expiring: expiring.rows.map((r) => ({ amount: Number(r.amount), expiresAt: new Date(r.expires_at).toISOString() })),
      ledger: ledger.rows.map(entryOf),
    };
  }

  async balance(db: Db | Trx, shopId: string, customerId: string) {
    const row = await sql<{ available: number; pending: number; owed: number }>`
      select coalesce((select sum(remaining) filter (where status = 'available') from points_lots where shop_id = ${shopId} and customer_id = ${customerId} and remaining > 0), 0)::bigint as available,
        coalesce((select sum(remaining) filter (where status = 'pending') from points_lots where shop_id = ${shopId} and customer_id = ${customerId} and remaining > 0), 0)::bigint as pending,
        coalesce((select owed from loyalty_members where shop_id = ${shopId} and customer_id = ${customerId}), 0)::bigint as owed`.execute(db);
    const r = row.rows[0];
    return { available: Number(r.available), pending: Number(r.pending), owed: Number(r.owed) };
  }

  /**
   * `POST /v1/points/adjust`: points added by hand (a lot available at once) or taken (a spend from
   * the lots expiring first; beyond the balance 409 `insufficient_points`). Once per idempotency key:
   * the same request again answers what the first did; another body under the key is refused (409).
   */
  async adjust(shopId: string, request: PointsAdjustRequest, now = new Date()): Promise<PointsAdjustResult> {
    const hash = sha256(JSON.stringify([request.customerId, request.amount, request.reason]));
    const key = `adjust:${request.idempotencyKey}`;
    await this.requireKnown(shopId, request.customerId, 'customerId');
    const shop = await this.deps.shopOf(shopId);
    try {
      return await this.db.transaction().execute(async (trx) => {
        const members = await this.lockKnown(trx, shopId, request.customerId, now);
        const previous = await sql<EntryJoin & { request_hash: string | null; customer_id: string }>`select e.*, l.expires_at as lot_expires_at from points_entries e left join points_lots l on l.id = e.id
          where e.shop_id = ${shopId} and e.idempotency_key = ${key}`.execute(trx);
        if (previous.rows.length > 0) {
          if (previous.rows[0].request_hash !== hash) throw new FlywheelError('conflict', 'idempotencyKey: this key was used for a different adjustment; use a new key for a new one', 'idempotencyKey');
          return { entry: entryOf(previous.rows[0]), balance: await this.balance(trx, shopId, request.customerId), replayed: true };
        }
        const book = await PointsBook.open(trx, shopId, members);
        const input = { kind: 'adjust' as const, source: `adjust:${request.idempotencyKey}`, key, createdAt: now, reason: request.reason, requestHash: hash };
        let entry: EntryRow & { lot_expires_at?: string };
        if (request.amount > 0) {
          const program = (await loadPrograms(trx, shopId)).at(now);
          const expires = expiresAt(now, program.points.expiry, shop.timezone);
          entry = { ...book.credit(request.customerId, { ...input, amount: request.amount, status: 'available', availableAt: now, expiry: program.points.expiry, expiresAt: expires }), lot_expires_at: expires.toISOString() };
        } else {
          const spent = book.spend(request.customerId, -request.amount, input, now);
          if ('refusal' in spent) throw new InsufficientPoints(spent.available, -request.amount);
          entry = spent;
        }
        await book.flush(this.deps.enqueue);
        return { entry: entryOf(entry), balance: balanceOf(book.wallet(request.customerId)), replayed: false };
      });
    } catch (error) {
      // The same key at the same moment for another customer: the unique key lets one in.
      if (isUniqueViolation(error)) throw new FlywheelError('conflict', 'idempotencyKey: this key was used for a different adjustment; use a new key for a new one', 'idempotencyKey');
      throw error;
    }
  }

  /**
   * Points spent in the cart or for a coupon (promotions): from the lots expiring first, once per
   * idempotency key, inside the caller's transaction when given. Refused beyond the balance.
   */
  async redeem(shopId: string, customerId: string, points: number, source: string, idempotencyKey: string, trx?: Trx, now = new Date()): Promise<PointsEntry> {
    const run = async (t: Trx) => {
      // Who has no member row has no points: nothing to ask commerce (the caller's transaction may hold the connection).
      const members = await lockExisting(t, shopId, [customerId]);
      if (!members.has(customerId)) throw new InsufficientPoints(0, points);
      const key = `redeem:${idempotencyKey}`;
      const previous = await sql<EntryJoin>`select e.*, null as lot_expires_at from points_entries e where e.shop_id = ${shopId} and e.idempotency_key = ${key}`.execute(t);
      if (previous.rows.length > 0) return entryOf(previous.rows[0]);
      const book = await PointsBook.open(t, shopId, members);
      const spent = book.spend(customerId, points, { kind: 'redeem', source, key, createdAt: now }, now);
      if ('refusal' in spent) throw new InsufficientPoints(spent.available, points);
      await book.flush(this.deps.enqueue);
      return entryOf(spent);
    };
    return trx ? run(trx) : this.db.transaction().execute(run);
  }

  /**
   * `POST /v1/loyalty/sign-in` (签到): once a local day in the shop's zone, the daily points and the
   * streak bonuses of the days in a row (each rule on every multiple of its days); the day counts as
   * the `Signed In` interaction of growth too (once, with a tracked sign-in of the same day).
   */
  async signIn(shopId: string, customerId: string, now = new Date()): Promise<SignInResult> {
    const shop = await this.deps.shopOf(shopId);
    const today = localDateOf(now, shop.timezone);
    await this.requireKnown(shopId, customerId, 'customerId');
    return this.db.transaction().execute(async (trx) => {
      const members = await this.lockKnown(trx, shopId, customerId, now);
      const member = members.get(customerId)!;
      if (member.lastSignIn === today) {
        return { alreadySignedIn: true, date: today, streak: member.streak, points: 0, entries: [], balance: await this.balance(trx, shopId, customerId) };
      }
      const programs = await loadPrograms(trx, shopId);
      const program = programs.at(now);
      const book = await PointsBook.open(trx, shopId, members);
      member.streak = nextStreak(member.lastSignIn, member.streak, today, addDays(today, -1));
      member.lastSignIn = today;
      book.touch(customerId);
      const expiry = program.points.expiry;
      const expires = expiresAt(now, expiry, shop.timezone);
      const lot = { status: 'available' as const, availableAt: now, expiry, expiresAt: expires, createdAt: now };
      const entries: EntryRow[] = [];
      if (program.points.signIn.daily > 0) {
        entries.push(book.credit(customerId, { ...lot, kind: 'sign_in', amount: program.points.signIn.daily, source: `sign_in:${today}`, key: `sign_in:${customerId}:${today}` }));
      }
      for (const bonus of streakBonuses(member.streak, program.points.signIn.streak)) {
        entries.push(book.credit(customerId, { ...lot, kind: 'sign_in', amount: bonus.points, source: `sign_in_streak:${bonus.days}:${today}`, key: `sign_in_streak:${customerId}:${today}:${bonus.days}` }));
      }
      await applyInteractions(trx, shopId, [{ shop_id: shopId, key: `sign_in:${customerId}:${today}`, customer_id: customerId, kind: 'sign_in', at: now.toISOString(), growth: program.growth.signIn }], programs, shop, this.deps.enqueue, now, book);
      await book.flush(this.deps.enqueue);
      return {
        alreadySignedIn: false, date: today, streak: member.streak, points: entries.reduce((s, e) => s + e.amount, 0),
        entries: entries.map((e) => entryOf({ ...e, lot_expires_at: expires.toISOString() })), balance: balanceOf(book.wallet(customerId)),
      };
    });
  }

  /** The program's first tier: held by everyone loyalty has not met yet. */
  async baseTier(shopId: string): Promise<string> {
    return (await this.program(shopId)).program.tiers[0].key;
  }

  /** All loyalty holds of a customer, for the customers module's PII export; null when loyalty has not met them. */
  async customerData(shopId: string, customerId: string): Promise<{ member: LoyaltyMember; points: CustomerPoints } | null> {
    const row = await this.db.selectFrom('loyalty_members').select('customer_id').where('shop_id', '=', shopId).where('customer_id', '=', customerId).executeTakeFirst();
    if (!row) return null;
    const [member, points] = await Promise.all([this.member(shopId, customerId), this.points(shopId, customerId, 10_000)]);
    return { member, points };
  }

  /** The member's tier (the lowest for a customer loyalty has not met). */
  async tierOf(shopId: string, customerId: string): Promise<{ key: string; name: string; since: string | null }> {
    const program = (await this.program(shopId)).program;
    const row = await this.db.selectFrom('loyalty_members').select(['tier', 'tier_since']).where('shop_id', '=', shopId).where('customer_id', '=', customerId).executeTakeFirst();
    const tier = program.tiers.find((t) => t.key === row?.tier) ?? program.tiers[0];
    return { key: tier.key, name: tier.name, since: row ? new Date(row.tier_since as string).toISOString() : null };
  }

  /** What the pricing engine and journeys read: the member discount, free shipping and birthday points of the tier held. */
  async benefitsOf(shopId: string, customerId: string): Promise<MemberBenefits> {
    const program = (await this.program(shopId)).program;
    const tier = await this.tierOf(shopId, customerId);
    const found = program.tiers.find((t) => t.key === tier.key) ?? program.tiers[0];
    return { tier: found.key, tierName: found.name, ...found.benefits };
  }

  /** Tier and available points of many customers at once, for the customers module's list and profile; customers loyalty has not met are absent. */
  async summaryOf(shopId: string, customerIds: readonly string[]): Promise<Map<string, MemberSummary>> {
    const out = new Map<string, MemberSummary>();
    const ids = [...new Set(customerIds)];
    if (ids.length === 0) return out;
    const program = (await this.program(shopId)).program;
    for (let i = 0; i < ids.length; i += 1000) {
      const rows = await sql<{ customer_id: string; tier: string; points: number }>`
        select m.customer_id, m.tier, coalesce(sum(l.remaining) filter (where l.status = 'available'), 0)::bigint as points
        from loyalty_members m left join points_lots l on l.shop_id = m.shop_id and l.customer_id = m.customer_id and l.remaining > 0
        where m.shop_id = ${shopId} and m.customer_id in (${sql.join(ids.slice(i, i + 1000))}) group by m.customer_id, m.tier`.execute(this.db);
      for (const r of rows.rows) {
        const tier = program.tiers.find((t) => t.key === r.tier);
        out.set(r.customer_id, { tier: r.tier, tierName: tier?.name ?? r.tier, points: Number(r.points) });
      }
    }
    return out;
  }

  /**
   * Erasure (the customers module's `DELETE /v1/customers/:externalId`): everything loyalty keeps of
   * the person moves to the anonymous id commerce gave their orders and the birthday is dropped (its
   * timer then finds nobody), so no figure moves and nothing points back at them.
   */
  async eraseCustomer(shopId: string, externalId: string, anonymousId: string): Promise<{ found: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const members = await lockExisting(trx, shopId, [externalId]);
      const member = members.get(externalId);
      if (!member) return { found: false };
      for (const table of ['loyalty_orders', 'loyalty_interactions', 'loyalty_tier_changes', 'points_entries', 'points_lots', 'points_allocations']) {
        await sql`update ${sql.table(table)} set customer_id = ${anonymousId} where shop_id = ${shopId} and customer_id = ${externalId}`.execute(trx);
      }
      await sql`update loyalty_members set customer_id = ${anonymousId}, birthday = null, updated_at = now() where shop_id = ${shopId} and customer_id = ${externalId}`.execute(trx);
      const [{ points }] = (await sql<{ points: number }>`select coalesce(sum(remaining) filter (where status = 'available'), 0)::bigint as points from points_lots where shop_id = ${shopId} and customer_id = ${anonymousId}`.execute(trx)).rows;
      await publish(trx, shopId, [
        { topic: MEMBER_TOPIC, key: externalId, payload: { customerId: externalId, tier: member.tier, points: 0, removed: true } },
        { topic: MEMBER_TOPIC, key: anonymousId, payload: { customerId: anonymousId, tier: member.tier, points: Number(points) } },
      ]);
      return { found: true };
    });
  }

  /** A member: tier, growth value now, the next tier and how far it is, benefits, when a downgrade would be reviewed, the tier history. */
  async member(shopId: string, customerId: string, now = new Date()): Promise<LoyaltyMember> {
    await this.requireKnown(shopId, customerId);
    const shop = await this.deps.shopOf(shopId);
    const programs = await loadPrograms(this.db, shopId);
    const program = programs.at(now);
    const row = await this.db.selectFrom('loyalty_members').selectAll().where('shop_id', '=', shopId).where('customer_id', '=', customerId).executeTakeFirst();
    const [growth] = await growthAt(this.db, shopId, programs, [{ customerId, at: now }]);
    const held = program.tiers.find((t) => t.key === row?.tier) ?? program.tiers[0];
    const next = program.tiers[rankOf(held.key, program.tiers) + 1];
    const decision = decideTier(held.key, growth, program.tiers);
    const changes = await this.db.selectFrom('loyalty_tier_changes').selectAll().where('shop_id', '=', shopId).where('customer_id', '=', customerId).orderBy('at', 'desc').orderBy('id', 'desc').limit(100).execute();
    return {
      customerId, tier: held.key, tierName: held.name, tierSince: new Date((row?.tier_since as string | undefined) ?? now).toISOString(), growth,
      nextTier: next ? { key: next.key, name: next.name, minGrowth: next.minGrowth, missing: Math.max(0, next.minGrowth - growth) } : null,
      benefits: held.benefits,
      downgradeReviewAt: decision.kind === 'below' ? nextMonthStart(now, shop.timezone).toISOString() : null,
      changes: changes.map((c): TierChange => ({
        at: new Date(c.at as string).toISOString(), from: (c.from_tier as string | null) ?? null, to: String(c.to_tier), reason: c.reason as TierChange['reason'],
        growth: Number(c.growth), source: (c.source as string | null) ?? null,
      })),
      balance: await this.balance(this.db, shopId, customerId),
    };
  }
}
