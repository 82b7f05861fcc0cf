import { sql } from 'kysely';
import type { PointsKind } from '@flywheel/contracts';
import { newId } from '../../platform/ids';
import type { JobInput, Trx } from '../../platform/jobs';
import { enqueue as publish } from '../../platform/outbox';
import { MEMBER_TOPIC, type MemberFacts } from './projection';
import * as wallets from './wallet';
import type { Insufficient, Wallet } from './wallet';

/** The queues of loyalty's timers. */
export const QUEUES = {
  release: 'loyalty.release',
  expire: 'loyalty.expire',
  tierReview: 'loyalty.tier-review',
  birthday: 'loyalty.birthday',
} as const;

/**
 * Lots become available and expire by per-shop timers of ten-minute buckets: one job for every lot
 * due in the bucket, and each run takes every lot of the shop due by its time. Lots already due when
 * they are written (history loaded late) get one job due at once for the transaction that wrote
 * them: their own bucket's job may be done already, and enqueueing a done key does nothing.
 */
export const BUCKET_MS = 10 * 60_000;
export const bucketEnd = (ms: number) => Math.ceil(ms / BUCKET_MS) * BUCKET_MS;
function timer(queue: string, shopId: string, dueAt: number, now: number, lateKey: string): JobInput {
  if (dueAt <= now) return { queue, key: `${shopId}:due:${lateKey}`, shopId, payload: {}, runAt: new Date(now) };
  const at = bucketEnd(dueAt);
  return { queue, key: `${shopId}:${new Date(at).toISOString()}`, shopId, payload: {}, runAt: new Date(at) };
}

export interface Member {
  customerId: string;
  tier: string;
  tierSince: Date;
  since: Date;
  birthday: string | null;
  owed: number;
  lastSignIn: string | null;
  streak: number;
  /** Created by this transaction (its tier goes to DuckDB with the rest). */
  isNew?: boolean;
}

export interface EntryRow {
  id: string; shop_id: string; customer_id: string; amount: number; kind: PointsKind; source: string;
  idempotency_key: string; request_hash: string | null; reason: string | null; reverses: string | null; created_at: string;
}

interface LotMeta { availableAt: Date; expiry: string; createdAt: Date; isNew: boolean }

export interface EntryInput {
  kind: PointsKind;
  source: string;
  /** Unique per shop: the entry exists once, whoever writes it and however often. */
  key: string;
  createdAt: Date;
  reason?: string | null;
  requestHash?: string | null;
  reverses?: string | null;
}

export interface CreditInput extends EntryInput {
  amount: number;
  status: wallets.LotStatus;
  availableAt: Date;
  /** The program's expiry rule, applied when the lot becomes available. */
  expiry: string;
  expiresAt: Date | null;
}

const chunks = <T>(rows: readonly T[], size: number) => Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));

function memberOf(r: Record<string, unknown>): Member {
  return {
    customerId: String(r.customer_id), tier: String(r.tier), tierSince: new Date(r.tier_since as string), since: new Date(r.since as string),
    birthday: (r.birthday as string | null) ?? null, owed: Number(r.owed), lastSignIn: (r.last_sign_in as string | null) ?? null, streak: Number(r.streak),
  };
}

/**
 * Creates the members asked for (in the lowest tier, `since` their first event) and locks their rows
 * for the transaction, in one order, so concurrent writers of the same members queue instead of
 * deadlocking. Every change of a member's points or tier happens under this lock.
 */
export async function lockMembers(trx: Trx, shopId: string, want: ReadonlyMap<string, Date>, baseTier: string): Promise<Map<string, Member>> {
  const ids = [...want.keys()].sort();
  const members = new Map<string, Member>();
  for (const part of chunks(ids, 1000)) {
    const upserted = await trx.insertInto('loyalty_members')
      .values(part.map((id) => ({ shop_id: shopId, customer_id: id, tier: baseTier, tier_since: want.get(id)!.toISOString(), since: want.get(id)!.toISOString() })))
      .onConflict((oc) => oc.columns(['shop_id', 'customer_id']).doUpdateSet({ since: sql`least(loyalty_members.since, excluded.since)` }))
      // xmax is 0 for a row this statement inserted, not for one it updated.
      .returning(['customer_id', sql<boolean>`xmax = 0`.as('inserted')])
      .execute();
    const created = new Set(upserted.filter((r) => r.inserted === true || String(r.inserted) === 'true').map((r) => String(r.customer_id)));
    const rows = await sql<Record<string, unknown>>`select * from loyalty_members where shop_id = ${shopId} and customer_id in (${sql.join(part)}) order by customer_id for update`.execute(trx);
    for (const r of rows.rows) members.set(String(r.customer_id), { ...memberOf(r), isNew: created.has(String(r.customer_id)) });
  }
  return members;
}

/** Locks members that exist (nothing is created): undefined for the others. */
export async function lockExisting(trx: Trx, shopId: string, ids: readonly string[]): Promise<Map<string, Member>> {
  const members = new Map<string, Member>();
  for (const part of chunks([...new Set(ids)].sort(), 1000)) {
    const rows = await sql<Record<string, unknown>>`select * from loyalty_members where shop_id = ${shopId} and customer_id in (${sql.join(part)}) order by customer_id for update`.execute(trx);
    for (const r of rows.rows) members.set(String(r.customer_id), memberOf(r));
  }
  return members;
}

/**
 * The points of some members inside one transaction: their wallets read under the members' locks,
 * changed by the pure wallet functions, and written back in bulk by `flush` (entries, allocations,
 * new and changed lots, what is owed, the timers the lots need).
 */
export class PointsBook {
  private readonly walletOf = new Map<string, Wallet>();
  private readonly meta = new Map<string, LotMeta>();
  private readonly changedLots = new Set<string>();
  private readonly changedMembers = new Set<string>();
  private readonly lotOwner = new Map<string, string>();
  readonly entries: EntryRow[] = [];
  private readonly allocations: Record<string, unknown>[] = [];
  readonly jobs: JobInput[] = [];
  /** Names the one job of this transaction for the lots already due. */
  private readonly lateKey = newId('due');

  private constructor(private readonly trx: Trx, readonly shopId: string, readonly members: Map<string, Member>, readonly now: Date) {}

  /** Opens the book of members already locked (lockMembers / lockExisting), reading their open lots. */
  static async open(trx: Trx, shopId: string, members: Map<string, Member>, options: { lots?: boolean; now?: Date } = {}): Promise<PointsBook> {
    const book = new PointsBook(trx, shopId, members, options.now ?? new Date());
    const ids = [...members.keys()];
    for (const id of ids) {
      book.walletOf.set(id, { lots: [], owed: members.get(id)!.owed });
      if (members.get(id)!.isNew) book.changedMembers.add(id);
    }
    // A book for tiers alone (the monthly review) needs no lots.
    for (const part of options.lots === false ? [] : chunks(ids, 1000)) {
      const lots = await sql<Record<string, unknown>>`select * from points_lots where shop_id = ${shopId} and customer_id in (${sql.join(part)}) and remaining > 0 order by created_at, id`.execute(trx);
      for (const r of lots.rows) {
        const id = String(r.id);
        const owner = String(r.customer_id);
        const w = book.walletOf.get(owner)!;
        book.walletOf.set(owner, { ...w, lots: [...w.lots, { id, amount: Number(r.amount), remaining: Number(r.remaining), status: r.status as wallets.LotStatus, expiresAt: r.expires_at ? new Date(r.expires_at as string).getTime() : null }] });
        book.meta.set(id, { availableAt: new Date(r.available_at as string), expiry: String(r.expiry), createdAt: new Date(r.created_at as string), isNew: false });
        book.lotOwner.set(id, owner);
      }
    }
    return book;
  }

  /** Which of these idempotency keys have an entry already. */
  async existing(keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks([...new Set(keys)], 1000)) {
      const rows = await this.trx.selectFrom('points_entries').select(['idempotency_key']).where('shop_id', '=', this.shopId).where('idempotency_key', 'in', part).execute();
      for (const r of rows) found.add(String(r.idempotency_key));
    }
    const asked = new Set(keys);
    for (const e of this.entries) if (asked.has(e.idempotency_key)) found.add(e.idempotency_key);
    return found;
  }

  wallet(customerId: string): Wallet {
    const w = this.walletOf.get(customerId);
    if (!w) throw new Error(`member ${customerId} is not in this book`);
    return w;
  }

  balance(customerId: string) { return wallets.balanceOf(this.wallet(customerId)); }

  /** Marks a member's row to be written back (tier, birthday, sign-in). */
  touch(customerId: string) { this.changedMembers.add(customerId); }

  private set(customerId: string, wallet: Wallet, allocations: wallets.Allocation[], entry: EntryRow | null, at: Date) {
    const before = this.wallet(customerId);
    this.walletOf.set(customerId, wallet);
    if (wallet.owed !== before.owed) {
      this.members.get(customerId)!.owed = wallet.owed;
      this.changedMembers.add(customerId);
    }
    for (const a of allocations) {
      this.changedLots.add(a.lotId);
      this.allocations.push({ shop_id: this.shopId, customer_id: customerId, entry_id: entry?.id ?? a.lotId, lot_id: a.lotId, amount: a.amount, kind: a.kind, at: at.toISOString() });
    }
  }

  private entry(customerId: string, amount: number, input: EntryInput): EntryRow {
    const row: EntryRow = {
      id: newId('pe'), shop_id: this.shopId, customer_id: customerId, amount, kind: input.kind, source: input.source, idempotency_key: input.key,
      request_hash: input.requestHash ?? null, reason: input.reason ?? null, reverses: input.reverses ?? null, created_at: input.createdAt.toISOString(),
    };
    this.entries.push(row);
    return row;
  }

  /** An earning: a new lot, from which what is owed is paid first. */
  credit(customerId: string, input: CreditInput): EntryRow {
    const row = this.entry(customerId, input.amount, input);
    const step = wallets.credit(this.wallet(customerId), { id: row.id, amount: input.amount, status: input.status, expiresAt: input.expiresAt?.getTime() ?? null });
    this.meta.set(row.id, { availableAt: input.availableAt, expiry: input.expiry, createdAt: input.createdAt, isNew: true });
    this.lotOwner.set(row.id, customerId);
    this.changedLots.add(row.id);
    this.set(customerId, step.wallet, step.allocations, row, input.createdAt);
    if (input.status === 'pending') this.jobs.push(timer(QUEUES.release, this.shopId, input.availableAt.getTime(), this.now.getTime(), this.lateKey));
    else if (input.expiresAt) this.jobs.push(timer(QUEUES.expire, this.shopId, input.expiresAt.getTime(), this.now.getTime(), this.lateKey));
    return row;
  }

  /** A spend (redeem, adjustment down) from the lots expiring first; refused beyond the available balance. */
  spend(customerId: string, amount: number, input: EntryInput, now: Date): EntryRow | Insufficient {
    const step = wallets.spend(this.wallet(customerId), amount, now.getTime());
    if ('refusal' in step) return step;
    const row = this.entry(customerId, -amount, input);
    this.set(customerId, step.wallet, step.allocations, row, input.createdAt);
    return row;
  }

  /** A refund's points: the order's own lot first, then the balance, the rest owed. */
  clawback(customerId: string, amount: number, ownLotId: string | null, input: EntryInput, now: Date): { entry: EntryRow; owedAdded: number } {
    const step = wallets.clawback(this.wallet(customerId), amount, now.getTime(), ownLotId ?? undefined);
    const row = this.entry(customerId, -amount, input);
    this.set(customerId, step.wallet, step.allocations, row, input.createdAt);
    return { entry: row, owedAdded: step.owedAdded };
  }

  /** A pending lot becomes available: its expiry is counted from now on. */
  release(customerId: string, lotId: string, expiresAt: Date) {
    this.walletOf.set(customerId, wallets.release(this.wallet(customerId), lotId, expiresAt.getTime()));
    this.changedLots.add(lotId);
    this.jobs.push(timer(QUEUES.expire, this.shopId, expiresAt.getTime(), this.now.getTime(), this.lateKey));
  }

  /** What is left of a lot at its expiry becomes an `expire` entry. */
  expire(customerId: string, lotId: string, at: Date): EntryRow | null {
    const lot = this.wallet(customerId).lots.find((l) => l.id === lotId);
    if (!lot || lot.expiresAt === null) return null;
    const step = wallets.expire(this.wallet(customerId), lotId, at.getTime());
    if (step.amount === 0) return null;
    const expiredAt = new Date(lot.expiresAt);
    const row = this.entry(customerId, -step.amount, { kind: 'expire', source: `lot:${lotId}`, key: `expire:${lotId}`, createdAt: expiredAt, reverses: lotId });
    this.set(customerId, step.wallet, step.allocations, row, expiredAt);
    return row;
  }

  /** The members' tier and available points, to the outbox (DuckDB's loyalty_facts); last, as the outbox's lock is held to commit. */
  private async publish(customerIds: string[]) {
    if (customerIds.length === 0) return;
    const points = new Map<string, number>();
    for (const part of chunks(customerIds, 1000)) {
      const rows = await sql<{ customer_id: string; points: number }>`select customer_id, coalesce(sum(remaining) filter (where status = 'available'), 0)::bigint as points
        from points_lots where shop_id = ${this.shopId} and customer_id in (${sql.join(part)}) and remaining > 0 group by customer_id`.execute(this.trx);
      for (const r of rows.rows) points.set(r.customer_id, Number(r.points));
    }
    await publish(this.trx, this.shopId, customerIds.map((id) => {
      const payload: MemberFacts = { customerId: id, tier: this.members.get(id)!.tier, points: points.get(id) ?? 0 };
      return { topic: MEMBER_TOPIC, key: id, payload };
    }));
  }

  /** Writes everything back, with the timers the lots need. */
  async flush(enqueue: (jobs: JobInput[], trx: Trx) => Promise<void>) {
    const trx = this.trx;
    for (const part of chunks(this.entries, 500)) await trx.insertInto('points_entries').values(part).execute();
    for (const part of chunks(this.allocations, 1000)) await trx.insertInto('points_allocations').values(part).execute();
    const lots = [...this.changedLots].map((id) => {
      const owner = this.lotOwner.get(id)!;
      const lot = this.wallet(owner).lots.find((l) => l.id === id)!;
      return { id, owner, lot, meta: this.meta.get(id)! };
    });
    const created = lots.filter((l) => l.meta.isNew).map(({ id, owner, lot, meta }) => ({
      id, shop_id: this.shopId, customer_id: owner, amount: lot.amount, remaining: lot.remaining, status: lot.status,
      available_at: meta.availableAt.toISOString(), expires_at: lot.expiresAt === null ? null : new Date(lot.expiresAt).toISOString(), expiry: meta.expiry, created_at: meta.createdAt.toISOString(),
    }));
    for (const part of chunks(created, 500)) await trx.insertInto('points_lots').values(part).execute();
    const updated = lots.filter((l) => !l.meta.isNew).map(({ id, lot }) => ({ id, remaining: lot.remaining, status: lot.status, expires_at: lot.expiresAt === null ? null : new Date(lot.expiresAt).toISOString() }));
    for (const part of chunks(updated, 1000)) {
      await sql`update points_lots l set remaining = v.remaining, status = v.status, expires_at = v.expires_at
        from json_to_recordset(${JSON.stringify(part)}::json) as v(id text, remaining bigint, status text, expires_at timestamptz) where l.id = v.id`.execute(trx);
    }
    const members = [...this.changedMembers].map((id) => this.members.get(id)!).map((m) => ({
      customer_id: m.customerId, tier: m.tier, tier_since: m.tierSince.toISOString(), birthday: m.birthday, owed: m.owed, last_sign_in: m.lastSignIn, streak: m.streak,
    }));
    for (const part of chunks(members, 1000)) {
      await sql`update loyalty_members m set tier = v.tier, tier_since = v.tier_since, birthday = v.birthday, owed = v.owed, last_sign_in = v.last_sign_in, streak = v.streak, updated_at = now()
        from json_to_recordset(${JSON.stringify(part)}::json) as v(customer_id text, tier text, tier_since timestamptz, birthday text, owed bigint, last_sign_in text, streak integer)
        where m.shop_id = ${this.shopId} and m.customer_id = v.customer_id`.execute(trx);
    }
    const jobs = [...new Map(this.jobs.map((j) => [`${j.queue}|${j.key}`, j])).values()];
    await enqueue(jobs, trx);
    await this.publish([...new Set([...this.changedMembers, ...lots.map((l) => l.owner)])]);
    this.entries.length = 0;
    this.allocations.length = 0;
    this.changedLots.clear();
    this.changedMembers.clear();
    this.jobs.length = 0;
    for (const m of this.meta.values()) m.isNew = false;
  }
}
