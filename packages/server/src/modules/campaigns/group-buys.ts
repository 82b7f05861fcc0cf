import type { BatchResult, Group, GroupBuy, GroupBuyCreate, GroupJoin, GroupMemberState, GroupState, RefundRecord } from '@flywheel/contracts';
import { sql } from 'kysely';
import { type Db, isUniqueViolation } from '../../platform/db';
import { enqueue } from '../../platform/outbox';
import { FlywheelError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import type { Job, Jobs, Trx } from '../../platform/jobs';
import type { DomainEvent } from '../../platform/subscribers';
import { holdsShipping, missingMembers, nextGroup, type GroupEvent, type GroupFacts } from './group-states';
import { flashSaleState } from './states';

export const GROUP_DEADLINE_QUEUE = 'campaigns.group-deadline';
export const GROUP_REFUND_QUEUE = 'campaigns.group-refund';
/** The group buys' own subscription to commerce's orders (its checkpoint beside the flash sales'). */
export const GROUP_ORDERS_SUBSCRIBER = 'campaigns.group-orders';

/** What the group buys need of commerce, through its service: an order as stored, and a refund upserted like any other. */
export interface GroupBuyCommerce {
  /** The order as stored; null when the shop has not sent it yet. */
  order(shopId: string, orderId: string): Promise<{ customerId: string; status: string; paidAt: string | null; paidAmount: number | null; refundedAmount: number } | null>;
  refund(shopId: string, refund: RefundRecord): Promise<BatchResult>;
}

/** The refund of a member's order in a failed group: one per (group, order), so commerce stores it once however often it is sent. */
export const groupRefundId = (groupId: string, orderId: string) => `groupbuy:${groupId}:${orderId}`;

interface StoredGroupBuy {
  id: string; name: string; sku: string; price: number; groupSize: number; hours: number; perCustomer: number;
  startsAt: number; endsAt: number; createdAt: string;
}

interface GroupRow {
  id: string; group_buy_id: string; leader_customer_id: string; state: GroupState; group_size: number; seats: number; paid: number;
  expires_at: string | Date; closed_at: string | Date | null; created_at: string | Date;
}

interface MemberRow {
  group_id: string; group_buy_id: string; customer_id: string; order_id: string; leader: boolean; state: GroupMemberState;
  idempotency_key: string; refund_amount: number | string | null; joined_at: string | Date;
}

const iso = (v: string | Date) => new Date(v).toISOString();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function buyOf(r: any): StoredGroupBuy {
  return {
    id: r.id, name: r.name, sku: r.sku, price: Number(r.price), groupSize: Number(r.group_size), hours: Number(r.hours), perCustomer: Number(r.per_customer),
    startsAt: Date.parse(iso(r.starts_at)), endsAt: Date.parse(iso(r.ends_at)), createdAt: iso(r.created_at),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const groupRowOf = (r: any): GroupRow => ({ ...r, group_size: Number(r.group_size), seats: Number(r.seats), paid: Number(r.paid) });
const factsOf = (g: GroupRow): GroupFacts => ({ state: g.state, groupSize: g.group_size, seats: g.seats, paid: g.paid, expiresAt: Date.parse(iso(g.expires_at)) });

class LimitReached extends Error {}

/**
 * 拼团 group buys: a leader opens a group of a group buy, members join it, each holding one of its
 * `groupSize` places, and a member counts once their order is paid (commerce's `order.upserted`). Every
 * change of a group takes its row lock (`FOR UPDATE`), so places and payments are counted one at a time
 * and a group succeeds at exactly `groupSize` paid members however many join at once. A durable timer
 * fails a group still forming when its hours pass, and each paid order of a failed group is refunded
 * through commerce by a job of its own, under a refund id that makes a second send change nothing.
 */
export class GroupBuyService {
  private readonly buys = new Map<string, StoredGroupBuy>();

  constructor(private readonly db: Db, private readonly jobs: Jobs, private readonly commerce: GroupBuyCommerce) {}

  async create(shopId: string, input: GroupBuyCreate, now = new Date()): Promise<GroupBuy> {
    const id = newId('gb');
    await this.db.insertInto('group_buys').values({
      shop_id: shopId, id, name: input.name ?? input.sku, sku: input.sku, price: input.price, group_size: input.groupSize, hours: input.hours, per_customer: input.perCustomer,
      starts_at: new Date(input.startsAt).toISOString(), ends_at: new Date(input.endsAt).toISOString(), created_at: now.toISOString(),
    }).execute();
    return this.get(shopId, id, now);
  }

  async get(shopId: string, id: string, now = new Date()): Promise<GroupBuy> {
    const [view] = await this.buyViews(shopId, [await this.buy(shopId, id)], now);
    return view;
  }

  async list(shopId: string, now = new Date()): Promise<GroupBuy[]> {
    const rows = await this.db.selectFrom('group_buys').selectAll().where('shop_id', '=', shopId).orderBy('seq', 'desc').limit(1000).execute();
    return this.buyViews(shopId, rows.map(buyOf), now);
  }

  private async buy(shopId: string, id: string): Promise<StoredGroupBuy> {
    const known = this.buys.get(`${shopId}:${id}`);
    if (known) return known;
    const row = await this.db.selectFrom('group_buys').selectAll().where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new FlywheelError('not_found', `id: no group buy ${id} in this shop`, 'id');
    const buy = buyOf(row);
    this.buys.set(`${shopId}:${id}`, buy);
    return buy;
  }

  private async buyViews(shopId: string, buys: StoredGroupBuy[], now: Date): Promise<GroupBuy[]> {
    if (buys.length === 0) return [];
    const counts = await sql<{ group_buy_id: string; state: GroupState; n: number | string }>`
      select group_buy_id, state, count(*) as n from group_buy_groups
      where shop_id = ${shopId} and group_buy_id in (${sql.join(buys.map((b) => b.id))}) group by group_buy_id, state`.execute(this.db);
    const n = (id: string, state: GroupState) => Number(counts.rows.find((r) => r.group_buy_id === id && r.state === state)?.n ?? 0);
    return buys.map((b) => ({
      id: b.id, name: b.name, sku: b.sku, price: b.price, groupSize: b.groupSize, hours: b.hours, perCustomer: b.perCustomer,
      startsAt: new Date(b.startsAt).toISOString(), endsAt: new Date(b.endsAt).toISOString(), state: flashSaleState(b.startsAt, b.endsAt, now.getTime()),
      groups: { forming: n(b.id, 'forming'), succeeded: n(b.id, 'succeeded'), failed: n(b.id, 'failed') }, createdAt: b.createdAt,
    }));
  }

  /** `GET /v1/groups/:groupId`: the group with its members, paid count and 还差N人. */
  async group(shopId: string, groupId: string, db: Db | Trx = this.db): Promise<Group> {
    const row = await db.selectFrom('group_buy_groups').selectAll().where('shop_id', '=', shopId).where('id', '=', groupId).executeTakeFirst();
    if (!row) throw new FlywheelError('not_found', `groupId: no group ${groupId} in this shop`, 'groupId');
    const [view] = await this.groupViews(shopId, [groupRowOf(row)], db);
    return view;
  }

  /** The groups of a group buy, newest first (at most 1000). */
  async groups(shopId: string, groupBuyId: string): Promise<Group[]> {
    await this.buy(shopId, groupBuyId);
    const rows = await this.db.selectFrom('group_buy_groups').selectAll().where('shop_id', '=', shopId).where('group_buy_id', '=', groupBuyId).orderBy('seq', 'desc').limit(1000).execute();
    return this.groupViews(shopId, rows.map(groupRowOf));
  }

  private async groupViews(shopId: string, rows: GroupRow[], db: Db | Trx = this.db): Promise<Group[]> {
    if (rows.length === 0) return [];
    const members = await db.selectFrom('group_buy_members').selectAll().where('shop_id', '=', shopId).where('group_id', 'in', rows.map((r) => r.id)).orderBy('joined_at').orderBy('order_id').execute() as MemberRow[];
    const out: Group[] = [];
    for (const g of rows) {
      const buy = await this.buy(shopId, g.group_buy_id);
      out.push({
        id: g.id, groupBuyId: g.group_buy_id, sku: buy.sku, price: buy.price, state: g.state, groupSize: g.group_size, paidMembers: g.paid,
        missing: missingMembers({ state: g.state, groupSize: g.group_size, paid: g.paid }), expiresAt: iso(g.expires_at),
        members: members.filter((m) => m.group_id === g.id).map((m) => ({
          customerId: m.customer_id, orderId: m.order_id, leader: Boolean(m.leader), state: m.state, paid: m.state === 'paid' || m.state === 'refunded', joinedAt: iso(m.joined_at),
        })),
        createdAt: iso(g.created_at), closedAt: g.closed_at ? iso(g.closed_at) : null,
      });
    }
    return out;
  }

  /**
   * `POST /v1/group-buys/:id/groups`: the leader opens a group with their order, during the group
   * buy's window; the group has the buy's hours to fill. The same idempotency key (the order id by
   * default) gives the same group.
   */
  async open(shopId: string, groupBuyId: string, request: GroupJoin, now = new Date()): Promise<Group> {
    const buy = await this.buy(shopId, groupBuyId);
    const key = request.idempotencyKey ?? `order:${request.orderId}`;
    const again = await this.db.selectFrom('group_buy_groups').select('id').where('shop_id', '=', shopId).where('group_buy_id', '=', buy.id).where('idempotency_key', '=', key).executeTakeFirst();
    if (again) return this.group(shopId, again.id as string);
    const at = now.getTime();
    if (at < buy.startsAt) throw new FlywheelError('not_started', `id: group buy ${buy.id} starts at ${new Date(buy.startsAt).toISOString()}; open groups from then on`, 'id');
    if (at >= buy.endsAt) throw new FlywheelError('ended', `id: group buy ${buy.id} ended at ${new Date(buy.endsAt).toISOString()}; no new groups`, 'id');
    await this.checkOrder(shopId, request, null);
    const id = newId('grp');
    const expiresAt = new Date(at + buy.hours * 3_600_000);
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('group_buy_groups').values({
          shop_id: shopId, id, group_buy_id: buy.id, leader_customer_id: request.customerId, state: 'forming', group_size: buy.groupSize, seats: 1, paid: 0,
          idempotency_key: key, expires_at: expiresAt.toISOString(), created_at: now.toISOString(), updated_at: now.toISOString(),
        }).execute();
        const group: GroupFacts = { state: 'forming', groupSize: buy.groupSize, seats: 1, paid: 0, expiresAt: expiresAt.getTime() };
        await this.ledger(trx, shopId, buy.id, id, 'opened', `opened:${id}`, { customerId: request.customerId, orderId: request.orderId, group, at: now });
        await this.takePlace(trx, shopId, buy, id, request, key, true, group, now);
        await this.jobs.enqueue([{ queue: GROUP_DEADLINE_QUEUE, key: `${shopId}:${id}`, shopId, payload: { groupId: id }, runAt: expiresAt }], trx);
      });
    } catch (error) {
      if (error instanceof LimitReached) throw this.limitReached(buy, request);
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.db.selectFrom('group_buy_groups').select('id').where('shop_id', '=', shopId).where('group_buy_id', '=', buy.id).where('idempotency_key', '=', key).executeTakeFirst();
      if (winner) return this.group(shopId, winner.id as string);
      throw this.orderTaken(request.orderId, await this.memberOfOrder(shopId, request.orderId));
    }
    await this.syncOrder(shopId, request.orderId);
    return this.group(shopId, id);
  }

  /**
   * `POST /v1/groups/:groupId/join`: a member takes one of the group's places with their order. 409
   * `group_full` (every place taken, or the group has succeeded), `group_closed` (failed, or its hours
   * have passed), `already_joined` (the customer is in it with another order), `limit_reached` (the
   * customer is in `perCustomer` groups of the buy already). The same idempotency key gives the same answer.
   */
  async join(shopId: string, groupId: string, request: GroupJoin, now = new Date()): Promise<Group> {
    const found = await this.db.selectFrom('group_buy_groups').select(['id', 'group_buy_id']).where('shop_id', '=', shopId).where('id', '=', groupId).executeTakeFirst();
    if (!found) throw new FlywheelError('not_found', `groupId: no group ${groupId} in this shop`, 'groupId');
    const buy = await this.buy(shopId, found.group_buy_id as string);
    const key = request.idempotencyKey ?? `order:${request.orderId}`;
    const again = await this.db.selectFrom('group_buy_members').select('order_id').where('shop_id', '=', shopId).where('group_id', '=', groupId).where('idempotency_key', '=', key).executeTakeFirst();
    if (again) return this.group(shopId, groupId);
    if (await this.checkOrder(shopId, request, groupId)) return this.group(shopId, groupId);
    try {
      await this.db.transaction().execute(async (trx) => {
        const g = groupRowOf(await trx.selectFrom('group_buy_groups').selectAll().where('shop_id', '=', shopId).where('id', '=', groupId).forUpdate().executeTakeFirstOrThrow());
        const inIt = await trx.selectFrom('group_buy_members').select('order_id').where('shop_id', '=', shopId).where('group_id', '=', groupId)
          .where('customer_id', '=', request.customerId).where('state', '<>', 'left').executeTakeFirst();
        if (inIt) throw new FlywheelError('already_joined', `customerId: customer ${request.customerId} is in group ${groupId} already, with order ${inIt.order_id as string}; a customer joins a group once`, 'customerId');
        const next = nextGroup(factsOf(g), null, { kind: 'join', at: now.getTime() });
        if ('refusal' in next) throw new FlywheelError(next.code, `groupId: ${next.refusal}`, 'groupId');
        await this.takePlace(trx, shopId, buy, groupId, request, key, false, next.group, now);
        await trx.updateTable('group_buy_groups').set({ seats: next.group.seats, updated_at: now.toISOString() }).where('shop_id', '=', shopId).where('id', '=', groupId).execute();
      });
    } catch (error) {
      if (error instanceof LimitReached) throw this.limitReached(buy, request);
      if (!isUniqueViolation(error)) throw error;
      // A retry with the same key, or the same order, won the race: its group is the answer.
      const byKey = await this.db.selectFrom('group_buy_members').select('order_id').where('shop_id', '=', shopId).where('group_id', '=', groupId).where('idempotency_key', '=', key).executeTakeFirst();
      const member = await this.memberOfOrder(shopId, request.orderId);
      if (byKey || (member?.group_id === groupId && member.customer_id === request.customerId)) return this.group(shopId, groupId);
      if (member) throw this.orderTaken(request.orderId, member);
      throw new FlywheelError('already_joined', `customerId: customer ${request.customerId} joined group ${groupId} just now with another order; a customer joins a group once`, 'customerId');
    }
    await this.syncOrder(shopId, request.orderId);
    return this.group(shopId, groupId);
  }

  /** The member's row, the customer's count against perCustomer and the ledger entry: a place taken. */
  private async takePlace(trx: Trx, shopId: string, buy: StoredGroupBuy, groupId: string, request: GroupJoin, key: string, leader: boolean, group: GroupFacts, now: Date) {
    const counted = await sql<{ active_groups: number }>`
      insert into group_buy_customers (shop_id, group_buy_id, customer_id, active_groups) values (${shopId}, ${buy.id}, ${request.customerId}, 1)
      on conflict (shop_id, group_buy_id, customer_id) do update set active_groups = group_buy_customers.active_groups + 1
        where group_buy_customers.active_groups + 1 <= ${buy.perCustomer}
      returning active_groups`.execute(trx);
    if (counted.rows.length === 0) throw new LimitReached();
    await trx.insertInto('group_buy_members').values({
      shop_id: shopId, group_id: groupId, group_buy_id: buy.id, customer_id: request.customerId, order_id: request.orderId, leader, state: 'joined',
      idempotency_key: key, joined_at: now.toISOString(), updated_at: now.toISOString(),
    }).execute();
    await this.ledger(trx, shopId, buy.id, groupId, 'joined', `joined:${groupId}:${request.orderId}`, { customerId: request.customerId, orderId: request.orderId, group, at: now });
  }

  /**
   * Refuses an order that is another customer's, cancelled, or in a group already; true when it is
   * this customer's place in `groupId` already (a retry). An order the shop has not sent yet is taken:
   * it counts once it arrives paid.
   */
  private async checkOrder(shopId: string, request: GroupJoin, groupId: string | null): Promise<boolean> {
    const member = await this.memberOfOrder(shopId, request.orderId);
    if (member) {
      if (groupId !== null && member.group_id === groupId && member.customer_id === request.customerId) return true;
      throw this.orderTaken(request.orderId, member);
    }
    const order = await this.commerce.order(shopId, request.orderId);
    if (order && order.customerId !== request.customerId) throw new FlywheelError('conflict', `orderId: order ${request.orderId} is another customer's, not ${request.customerId}'s`, 'orderId');
    if (order?.status === 'cancelled') throw new FlywheelError('conflict', `orderId: order ${request.orderId} is cancelled; join with an order still to pay or paid`, 'orderId');
    return false;
  }

  private memberOfOrder(shopId: string, orderId: string, db: Db | Trx = this.db): Promise<MemberRow | undefined> {
    return db.selectFrom('group_buy_members').selectAll().where('shop_id', '=', shopId).where('order_id', '=', orderId).executeTakeFirst() as Promise<MemberRow | undefined>;
  }

  private orderTaken(orderId: string, member: MemberRow | undefined) {
    return new FlywheelError('conflict', `orderId: order ${orderId} is in group ${member?.group_id ?? 'another'} already; an order pays for one place`, 'orderId');
  }

  private limitReached(buy: StoredGroupBuy, request: GroupJoin) {
    return new FlywheelError('limit_reached', `customerId: customer ${request.customerId} is in ${buy.perCustomer} group(s) of group buy ${buy.id} already, the most allowed`, 'customerId');
  }

  /**
   * After a place is taken: the order may have been paid (or cancelled) before the place existed,
   * when this module's subscriber found no member for it. Read after the place committed, so either
   * this read or the subscriber sees the payment (both may: the transition is idempotent).
   */
  private async syncOrder(shopId: string, orderId: string) {
    const order = await this.commerce.order(shopId, orderId);
    const event = order ? orderEvent(order) : null;
    if (event) await this.db.transaction().execute((trx) => this.apply(trx, shopId, orderId, event));
  }

  /** Applies an event about a member's order under the group's row lock; what it changes goes to the ledger. */
  private async apply(trx: Trx, shopId: string, orderId: string, event: GroupEvent) {
    const seen = await this.memberOfOrder(shopId, orderId, trx);
    if (!seen) return;
    const g = groupRowOf(await trx.selectFrom('group_buy_groups').selectAll().where('shop_id', '=', shopId).where('id', '=', seen.group_id).forUpdate().executeTakeFirstOrThrow());
    const member = (await this.memberOfOrder(shopId, orderId, trx))!;
    const next = nextGroup(factsOf(g), member.state, event);
    if ('refusal' in next) return;
    await this.store(trx, shopId, g, next.group, member, next.member);
  }

  /**
   * Stores a transition: the member's and the group's new state, one ledger entry for each change,
   * and what follows from it: a group failing frees its members' counts and asks for a refund of each
   * paid order; a payment into a failed group asks for its refund.
   */
  private async store(trx: Trx, shopId: string, g: GroupRow, group: GroupFacts, member: MemberRow | null, memberState: GroupMemberState | null, now = new Date()) {
    const at = now.toISOString();
    const refunds: string[] = [];
    if (member && memberState && memberState !== member.state) {
      await trx.updateTable('group_buy_members').set({ state: memberState, updated_at: at, ...(memberState === 'refunded' ? { refunded_at: at } : {}) })
        .where('shop_id', '=', shopId).where('order_id', '=', member.order_id).execute();
      const entry = { customerId: member.customer_id, orderId: member.order_id, group, at: now };
      if (memberState === 'paid') await this.ledger(trx, shopId, g.group_buy_id, g.id, 'paid', `paid:${g.id}:${member.order_id}`, entry);
      if (memberState === 'left') {
        await this.ledger(trx, shopId, g.group_buy_id, g.id, 'left', `left:${g.id}:${member.order_id}`, { ...entry, reverses: `joined:${g.id}:${member.order_id}` });
        await this.releaseCounts(trx, shopId, g.group_buy_id, [member.customer_id]);
      }
      if (memberState === 'refunded') {
        await this.ledger(trx, shopId, g.group_buy_id, g.id, 'refunded', `refunded:${g.id}:${member.order_id}`, { ...entry, amount: Number(member.refund_amount ?? 0), reverses: `paid:${g.id}:${member.order_id}` });
      }
      if (memberState === 'paid' && g.state === 'failed') refunds.push(member.order_id);
    }
    if (group.state !== g.state || group.seats !== g.seats || group.paid !== g.paid) {
      const closing = group.state !== g.state;
      await trx.updateTable('group_buy_groups').set({ state: group.state, seats: group.seats, paid: group.paid, updated_at: at, ...(closing ? { closed_at: at } : {}) })
        .where('shop_id', '=', shopId).where('id', '=', g.id).execute();
      if (closing) await this.ledger(trx, shopId, g.group_buy_id, g.id, group.state, `${group.state}:${g.id}`, { group, at: now });
      if (closing && group.state === 'failed') {
        const members = await trx.selectFrom('group_buy_members').select(['customer_id', 'order_id', 'state']).where('shop_id', '=', shopId).where('group_id', '=', g.id).execute();
        await this.releaseCounts(trx, shopId, g.group_buy_id, members.filter((m) => m.state !== 'left').map((m) => m.customer_id as string));
        for (const m of members) if (m.state === 'paid' && !refunds.includes(m.order_id as string)) refunds.push(m.order_id as string);
      }
    }
    await this.jobs.enqueue(refunds.map((orderId) => ({ queue: GROUP_REFUND_QUEUE, key: `${shopId}:${g.id}:${orderId}`, shopId, payload: { groupId: g.id, orderId } })), trx);
  }

  private async releaseCounts(trx: Trx, shopId: string, groupBuyId: string, customerIds: string[]) {
    for (const customerId of customerIds) {
      await sql`update group_buy_customers set active_groups = active_groups - 1
        where shop_id = ${shopId} and group_buy_id = ${groupBuyId} and customer_id = ${customerId} and active_groups > 0`.execute(trx);
    }
  }

  /**
   * A ledger entry, once by its key, and its domain event `group_buy.<kind>` in the same transaction
   * (a journey's 还差1人 reminder reads `missing` on `group_buy.paid`).
   */
  private async ledger(trx: Trx, shopId: string, groupBuyId: string, groupId: string, kind: string, key: string, entry: { customerId?: string; orderId?: string; amount?: number; reverses?: string; group: GroupFacts; at: Date }) {
    const added = await trx.insertInto('group_buy_ledger').values({
      shop_id: shopId, group_buy_id: groupBuyId, group_id: groupId, kind, customer_id: entry.customerId ?? null, order_id: entry.orderId ?? null,
      amount: entry.amount ?? null, reverses: entry.reverses ?? null, key, at: entry.at.toISOString(),
    }).onConflict((oc) => oc.column('key').doNothing()).returning('id').execute();
    if (added.length === 0) return;
    const g = entry.group;
    await enqueue(trx, shopId, [{
      topic: `group_buy.${kind}`, key: groupId,
      payload: {
        groupBuyId, groupId, kind, customerId: entry.customerId ?? null, orderId: entry.orderId ?? null, amount: entry.amount ?? null,
        state: g.state, groupSize: g.groupSize, paidMembers: g.paid, missing: missingMembers(g), expiresAt: new Date(g.expiresAt).toISOString(), at: entry.at.toISOString(),
      },
    }]);
  }

  /**
   * Whether the shop may ship an order: not while its group is forming (it may still fail and be
   * refunded), nor once it failed; an order of a succeeded group, or of no group, ships.
   */
  async isShippable(shopId: string, orderId: string): Promise<boolean> {
    const row = await this.db.selectFrom('group_buy_members as m').innerJoin('group_buy_groups as g', (j) => j.onRef('g.shop_id', '=', 'm.shop_id').onRef('g.id', '=', 'm.group_id'))
      .select(['g.state as group_state', 'm.state as member_state']).where('m.shop_id', '=', shopId).where('m.order_id', '=', orderId).executeTakeFirst();
    return !row || !holdsShipping(row.group_state as GroupState, row.member_state as GroupMemberState);
  }

  /** The group's deadline: still forming when its hours pass, it fails (a succeeded one stays as it is). */
  deadlineHandler() {
    return async (job: Job<{ groupId: string }>) => async (trx: Trx) => {
      const shopId = job.shopId!;
      const row = await trx.selectFrom('group_buy_groups').selectAll().where('shop_id', '=', shopId).where('id', '=', job.payload.groupId).forUpdate().executeTakeFirst();
      if (!row) return;
      const g = groupRowOf(row);
      // The group closes at its deadline (the replayed moment while the demo loads history, if later).
      const at = Math.max(job.runAt.getTime(), job.now.getTime());
      const next = nextGroup(factsOf(g), null, { kind: 'expire', at });
      if (!('refusal' in next)) await this.store(trx, shopId, g, next.group, null, null, new Date(at));
    };
  }

  /**
   * The refund of one paid order of a failed group, through commerce: its amount is decided once (what
   * was paid and not yet refunded) and kept on the member, and the refund is sent under
   * `groupbuy:<group>:<order>` with the group's closing as its time, so a run again after a crash sends
   * the identical record, which commerce stores once. The member turns `refunded` with the job.
   */
  refundHandler() {
    return async (job: Job<{ groupId: string; orderId: string }>) => {
      const shopId = job.shopId!;
      const { groupId, orderId } = job.payload;
      if (!(await this.refundMember(shopId, groupId, orderId))) return;
      return (trx: Trx) => this.apply(trx, shopId, orderId, { kind: 'refunded' });
    };
  }

  /** Sends the refund of a paid member of a failed group to commerce; false when there is none to send (not paid, or refunded already). */
  async refundMember(shopId: string, groupId: string, orderId: string): Promise<boolean> {
    const member = await this.memberOfOrder(shopId, orderId);
    const g = await this.db.selectFrom('group_buy_groups').select(['state', 'closed_at']).where('shop_id', '=', shopId).where('id', '=', groupId).executeTakeFirst();
    if (!member || member.group_id !== groupId || member.state !== 'paid' || g?.state !== 'failed') return false;
    if (member.refund_amount == null) {
      const order = await this.commerce.order(shopId, orderId);
      const amount = order ? Math.max(0, (order.paidAmount ?? 0) - order.refundedAmount) : 0;
      await this.db.updateTable('group_buy_members').set({ refund_amount: amount }).where('shop_id', '=', shopId).where('order_id', '=', orderId).where('refund_amount', 'is', null).execute();
    }
    const amount = Number((await this.memberOfOrder(shopId, orderId))!.refund_amount);
    if (amount > 0) {
      const result = await this.commerce.refund(shopId, {
        externalId: groupRefundId(groupId, orderId), orderId, amount, reason: `拼团失败 group ${groupId} failed`, createdAt: iso(g.closed_at as string | Date),
      });
      if (result.rejected.length > 0) throw new Error(`refund ${groupRefundId(groupId, orderId)} refused by commerce: ${result.rejected[0].message}`);
    }
    return true;
  }

  /**
   * Commerce's orders, in the subscriber's transaction: a member's order paid counts them (a payment
   * after the group's hours finds it failed, and is refunded), cancelled frees their place while the
   * group forms. Orders in no group are passed over.
   */
  async onOrderEvents(trx: Trx, events: readonly DomainEvent[]) {
    const byShop = new Map<string, DomainEvent[]>();
    for (const e of events) byShop.set(e.shopId, [...(byShop.get(e.shopId) ?? []), e]);
    for (const [shopId, list] of byShop) {
      const orderIds = [...new Set(list.map((e) => (e.payload as { externalId: string }).externalId))];
      const members = await trx.selectFrom('group_buy_members').select(['order_id', 'group_id']).where('shop_id', '=', shopId).where('order_id', 'in', orderIds).execute();
      if (members.length === 0) continue;
      const known = new Set(members.map((m) => m.order_id as string));
      // Every group's row lock first, in id order, before anything is published: publishing takes the
      // outbox's lock until commit, and a deadline job holding one of these groups publishes too.
      await trx.selectFrom('group_buy_groups').select('id').where('shop_id', '=', shopId)
        .where('id', 'in', [...new Set(members.map((m) => m.group_id as string))]).orderBy('id').forUpdate().execute();
      for (const e of list) {
        const order = e.payload as { externalId: string; status: string; paidAt: string | null };
        const event = known.has(order.externalId) ? orderEvent(order) : null;
        if (event) await this.apply(trx, shopId, order.externalId, event);
      }
    }
  }
}

/** What an order's state means to its member: cancelled leaves, paid counts (at its payment's moment). */
function orderEvent(order: { status: string; paidAt: string | null }): GroupEvent | null {
  if (order.status === 'cancelled') return { kind: 'cancel' };
  if (order.paidAt) return { kind: 'pay', at: Date.parse(order.paidAt) };
  return null;
}
