import type { FlashSale, FlashSaleCreate, FlashSaleReservation, FlashSaleReserve, ReservationState } from '@flywheel/contracts';
import { sql } from 'kysely';
import type { HotCounters } from '../../platform/counters';
import { type Db, isUniqueViolation } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import type { Job, Jobs, Trx } from '../../platform/jobs';
import type { DomainEvent } from '../../platform/subscribers';
import { flashSaleState, givesBack, nextReservation, type ReservationEvent, type ReservationFacts } from './states';

export const FLASH_SALE_EXPIRY_QUEUE = 'campaigns.flash-sale-expiry';
export const FLASH_SALE_GIVE_BACK_QUEUE = 'campaigns.flash-sale-give-back';
/** The subscription to commerce's orders (its checkpoint in subscriber_checkpoints). */
export const ORDERS_SUBSCRIBER = 'campaigns.orders';
/** `order.upserted` carries every status change (`order.paid` only the first payment): paid confirms, cancelled gives back. */
export const ORDER_TOPICS = ['order.upserted'] as const;
const PAID = new Set(['paid', 'shipped', 'completed']);

/** The hot counter of a flash sale's units still to take. */
export const stockCounter = (shopId: string, flashSaleId: string) => `flash:${shopId}:${flashSaleId}:stock`;

/**
 * How long a process answers `sold_out` from memory after the counter last said so. Units come back
 * (an expiry, a cancel): one given back through this process clears the memo at once, one given back
 * elsewhere is seen within this time.
 */
const SOLD_OUT_MEMO_MS = 500;
/** Reservations committed up to this long after they were made still reach a sold-out memo's keys. */
const COMMIT_MARGIN_MS = 60_000;

interface StoredSale {
  id: string; name: string; sku: string; price: number; stock: number; perCustomer: number;
  startsAt: number; endsAt: number; holdMinutes: number; createdAt: string;
}

interface ReservationRow {
  id: string; flash_sale_id: string; customer_id: string; sku: string; price: number | string; quantity: number | string;
  state: ReservationState; idempotency_key: string; order_id: string | null; expires_at: string | Date; created_at: string | Date;
}

/**
 * A sale this process knows is sold out: until when, for how many units (a take of `atLeast` failed,
 * so any larger one would), and the idempotency keys of its reservations (a retry is answered with its own).
 */
interface SoldOutMemo { until: number; atLeast: number; loadedAt: number; keys: Map<string, string> }

const iso = (v: string | Date) => new Date(v).toISOString();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function saleOf(r: any): StoredSale {
  return {
    id: r.id, name: r.name, sku: r.sku, price: Number(r.price), stock: Number(r.stock), perCustomer: Number(r.per_customer),
    startsAt: Date.parse(iso(r.starts_at)), endsAt: Date.parse(iso(r.ends_at)), holdMinutes: Number(r.hold_minutes), createdAt: iso(r.created_at),
  };
}

function viewOf(r: ReservationRow): FlashSaleReservation {
  return {
    reservationId: r.id, flashSaleId: r.flash_sale_id, customerId: r.customer_id, sku: r.sku, price: Number(r.price), quantity: Number(r.quantity),
    state: r.state, orderId: r.order_id ?? null, expiresAt: iso(r.expires_at), createdAt: iso(r.created_at),
  };
}

class LimitReached extends Error {}
class AlreadyReserved extends Error {}

/**
 * 秒杀 flash sales: a sale's stock is a hot counter (a Postgres conditional update, or Redis + Lua),
 * taken by a reservation in the transaction that records it, with the customer's limit a conditional
 * upsert in the same transaction, so the stock is never oversold and no customer goes past the limit,
 * under any concurrency. A reservation holds its units for the sale's hold minutes: a durable timer
 * expires it back to stock unless it was confirmed (the order paid). Once the counter says a sale is
 * gone, further attempts are answered `sold_out` from memory, without Postgres.
 */
export class FlashSaleService {
  /** Sales never change once made: kept in memory by shop and id. */
  private readonly sales = new Map<string, StoredSale>();
  private readonly soldOut = new Map<string, SoldOutMemo>();

  constructor(private readonly db: Db, private readonly counters: HotCounters, private readonly jobs: Jobs) {}

  async create(shopId: string, input: FlashSaleCreate, now = new Date()): Promise<FlashSale> {
    const id = newId('fs');
    await this.counters.set(stockCounter(shopId, id), input.stock);
    await this.db.insertInto('flash_sales').values({
      shop_id: shopId, id, name: input.name ?? input.sku, sku: input.sku, price: input.price, stock: input.stock, per_customer: input.perCustomer,
      starts_at: new Date(input.startsAt).toISOString(), ends_at: new Date(input.endsAt).toISOString(), hold_minutes: input.holdMinutes, created_at: now.toISOString(),
    }).execute();
    return this.get(shopId, id, now);
  }

  async get(shopId: string, id: string, now = new Date()): Promise<FlashSale> {
    const [view] = await this.views(shopId, [await this.sale(shopId, id)], now);
    return view;
  }

  async list(shopId: string, now = new Date()): Promise<FlashSale[]> {
    const rows = await this.db.selectFrom('flash_sales').selectAll().where('shop_id', '=', shopId).orderBy('seq', 'desc').limit(1000).execute();
    return this.views(shopId, rows.map(saleOf), now);
  }

  private async sale(shopId: string, id: string): Promise<StoredSale> {
    const known = this.sales.get(`${shopId}:${id}`);
    if (known) return known;
    const row = await this.db.selectFrom('flash_sales').selectAll().where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new FlywheelError('not_found', `no flash sale ${id} in this shop`, 'id');
    const sale = saleOf(row);
    this.sales.set(`${shopId}:${id}`, sale);
    return sale;
  }

  /** The live counts: units held for payment (reserved), paid (sold), and the counter's remaining. */
  private async views(shopId: string, sales: StoredSale[], now: Date): Promise<FlashSale[]> {
    if (sales.length === 0) return [];
    const sums = await sql<{ flash_sale_id: string; state: string; units: number | string }>`
      select flash_sale_id, state, sum(quantity)::bigint as units from flash_sale_reservations
      where shop_id = ${shopId} and flash_sale_id in (${sql.join(sales.map((s) => s.id))}) and state in ('held', 'confirmed')
      group by flash_sale_id, state`.execute(this.db);
    const units = (id: string, state: string) => Number(sums.rows.find((r) => r.flash_sale_id === id && r.state === state)?.units ?? 0);
    const out: FlashSale[] = [];
    for (const s of sales) {
      out.push({
        id: s.id, name: s.name, sku: s.sku, price: s.price, stock: s.stock, perCustomer: s.perCustomer,
        startsAt: new Date(s.startsAt).toISOString(), endsAt: new Date(s.endsAt).toISOString(), holdMinutes: s.holdMinutes,
        state: flashSaleState(s.startsAt, s.endsAt, now.getTime()),
        reserved: units(s.id, 'held'), sold: units(s.id, 'confirmed'), remaining: (await this.counters.remaining(stockCounter(shopId, s.id))) ?? 0,
        createdAt: s.createdAt,
      });
    }
    return out;
  }

  /**
   * `POST /v1/flash-sales/:id/reserve`: `quantity` units of the sale for the customer, held for the
   * sale's hold minutes. The same idempotency key gives the same reservation; 409 `not_started`,
   * `ended`, `sold_out` (fewer units left than asked) or `limit_reached` (the customer's units would
   * pass `perCustomer`).
   */
  async reserve(shopId: string, flashSaleId: string, request: FlashSaleReserve, now = new Date()): Promise<FlashSaleReservation> {
    const sale = await this.sale(shopId, flashSaleId);
    const at = now.getTime();
    if (at < sale.startsAt) throw new FlywheelError('not_started', `flash sale ${sale.id} starts at ${new Date(sale.startsAt).toISOString()}; reserve from then on`, 'id');
    if (at >= sale.endsAt) {
      const again = await this.byKey(shopId, sale.id, request.idempotencyKey);
      if (again) return again;
      throw new FlywheelError('ended', `flash sale ${sale.id} ended at ${new Date(sale.endsAt).toISOString()}`, 'id');
    }
    if (request.quantity > sale.perCustomer) throw this.limitReached(sale, request, 'quantity');

    const memo = this.soldOut.get(`${shopId}:${sale.id}`);
    if (memo && memo.until > Date.now() && request.quantity >= memo.atLeast) {
      const known = memo.keys.get(request.idempotencyKey);
      if (known) return this.reservation(shopId, known);
      throw this.soldOutError(sale, request.quantity);
    }

    const again = await this.byKey(shopId, sale.id, request.idempotencyKey);
    if (again) return again;
    const id = newId('fsr');
    const expiresAt = new Date(at + sale.holdMinutes * 60_000);
    const work = async (trx: Trx) => {
      const counted = await sql<{ units: number }>`
        insert into flash_sale_customers (shop_id, flash_sale_id, customer_id, units) values (${shopId}, ${sale.id}, ${request.customerId}, ${request.quantity})
        on conflict (shop_id, flash_sale_id, customer_id) do update set units = flash_sale_customers.units + ${request.quantity}
          where flash_sale_customers.units + ${request.quantity} <= ${sale.perCustomer}
        returning units`.execute(trx);
      if (counted.rows.length === 0) throw new LimitReached();
      try {
        await trx.insertInto('flash_sale_reservations').values({
          shop_id: shopId, id, flash_sale_id: sale.id, customer_id: request.customerId, sku: sale.sku, price: sale.price, quantity: request.quantity,
          state: 'held', idempotency_key: request.idempotencyKey, order_id: null, expires_at: expiresAt.toISOString(), created_at: now.toISOString(), updated_at: now.toISOString(),
        }).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new AlreadyReserved();
        throw error;
      }
      await trx.insertInto('flash_sale_ledger').values({
        shop_id: shopId, flash_sale_id: sale.id, reservation_id: id, kind: 'reserved', quantity: request.quantity, key: `reserved:${id}`, at: now.toISOString(),
      }).execute();
      await this.jobs.enqueue([{ queue: FLASH_SALE_EXPIRY_QUEUE, key: `${shopId}:${id}`, shopId, payload: { reservationId: id }, runAt: expiresAt }], trx);
      return { reservationId: id, flashSaleId: sale.id, customerId: request.customerId, sku: sale.sku, price: sale.price, quantity: request.quantity, state: 'held' as const, orderId: null, expiresAt: expiresAt.toISOString(), createdAt: now.toISOString() };
    };
    try {
      const taken = await this.counters.withTaken(stockCounter(shopId, sale.id), request.quantity, work);
      if (taken) return taken;
    } catch (error) {
      // A reservation with the same key won the race (it may also be what put the customer at the limit): its answer is the answer.
      if (error instanceof LimitReached || error instanceof AlreadyReserved) {
        const winner = await this.byKey(shopId, sale.id, request.idempotencyKey);
        if (winner) return winner;
        if (error instanceof LimitReached) throw this.limitReached(sale, request, 'customerId');
      }
      throw error;
    }
    const known = (await this.rememberSoldOut(shopId, sale.id, request.quantity)).keys.get(request.idempotencyKey);
    if (known) return this.reservation(shopId, known);
    throw this.soldOutError(sale, request.quantity);
  }

  private soldOutError(sale: StoredSale, quantity: number) {
    return new FlywheelError('sold_out', `flash sale ${sale.id} has fewer than ${quantity} unit(s) of ${sale.stock} left; units come back when reservations expire unpaid`, 'id');
  }

  private limitReached(sale: StoredSale, request: FlashSaleReserve, field: 'quantity' | 'customerId') {
    return new FlywheelError('limit_reached', `${field}: customer ${request.customerId} may hold or buy at most ${sale.perCustomer} unit(s) of flash sale ${sale.id}; ${request.quantity} more would pass it`, field);
  }

  /** Marks a sale sold out in this process, with the keys of its reservations (loaded since the last time, with a margin for late commits). */
  private async rememberSoldOut(shopId: string, flashSaleId: string, quantity: number): Promise<SoldOutMemo> {
    const name = `${shopId}:${flashSaleId}`;
    const memo = this.soldOut.get(name) ?? { until: 0, atLeast: quantity, loadedAt: 0, keys: new Map<string, string>() };
    const loadedAt = Date.now();
    memo.atLeast = memo.until > loadedAt ? Math.min(memo.atLeast, quantity) : quantity;
    const rows = await this.db.selectFrom('flash_sale_reservations').select(['id', 'idempotency_key'])
      .where('shop_id', '=', shopId).where('flash_sale_id', '=', flashSaleId)
      .where('created_at', '>=', new Date(memo.loadedAt - COMMIT_MARGIN_MS).toISOString()).execute();
    for (const r of rows) memo.keys.set(r.idempotency_key as string, r.id as string);
    memo.loadedAt = loadedAt;
    memo.until = loadedAt + SOLD_OUT_MEMO_MS;
    this.soldOut.set(name, memo);
    return memo;
  }

  private async byKey(shopId: string, flashSaleId: string, key: string): Promise<FlashSaleReservation | null> {
    const row = await this.db.selectFrom('flash_sale_reservations').selectAll()
      .where('shop_id', '=', shopId).where('flash_sale_id', '=', flashSaleId).where('idempotency_key', '=', key).executeTakeFirst();
    return row ? viewOf(row as ReservationRow) : null;
  }

  /** A reservation as checkout reads it: its SKU, 秒杀 price, quantity, customer, state, order and expiry. */
  async reservation(shopId: string, reservationId: string, trx: Trx | Db = this.db): Promise<FlashSaleReservation> {
    const row = await trx.selectFrom('flash_sale_reservations').selectAll().where('shop_id', '=', shopId).where('id', '=', reservationId).executeTakeFirst();
    if (!row) throw new FlywheelError('not_found', `no flash sale reservation ${reservationId} in this shop`, 'reservationId');
    return viewOf(row as ReservationRow);
  }

  /** Checkout consumes a held reservation for its order (`items[].reservationId`): it stays held, and still expires unless the order is paid. */
  attachToOrder(shopId: string, reservationId: string, orderId: string, trx?: Trx): Promise<FlashSaleReservation> {
    return this.transition(shopId, reservationId, { kind: 'attach', orderId }, trx);
  }

  /** The order paid for the reservation: its units are sold and never go back to stock (unless the order is cancelled). */
  confirmReservation(shopId: string, reservationId: string, orderId: string, trx?: Trx): Promise<FlashSaleReservation> {
    return this.transition(shopId, reservationId, { kind: 'confirm', orderId }, trx);
  }

  /** The reservation is given up (its order cancelled): its units go back to stock. */
  cancelReservation(shopId: string, reservationId: string, trx?: Trx): Promise<FlashSaleReservation> {
    return this.transition(shopId, reservationId, { kind: 'cancel' }, trx);
  }

  private async transition(shopId: string, reservationId: string, event: ReservationEvent, trx?: Trx): Promise<FlashSaleReservation> {
    if (!trx) return this.db.transaction().execute((own) => this.transition(shopId, reservationId, event, own));
    const row = await trx.selectFrom('flash_sale_reservations').selectAll().where('shop_id', '=', shopId).where('id', '=', reservationId).forUpdate().executeTakeFirst() as ReservationRow | undefined;
    if (!row) throw new FlywheelError('not_found', `no flash sale reservation ${reservationId} in this shop`, 'reservationId');
    const next = nextReservation({ state: row.state, orderId: row.order_id ?? null }, event);
    if ('refusal' in next) throw new FlywheelError('invalid_transition', `reservationId: ${next.refusal}`, 'reservationId');
    await this.move(trx, shopId, row, next, event.kind);
    return viewOf({ ...row, state: next.state, order_id: next.orderId });
  }

  /**
   * Stores a transition and its ledger entry; a reservation that gives its units back also gives up
   * the customer's count, and asks for the give-back job, so the counter gets the units only once
   * this has committed (a unit given back early could be sold twice if this rolled back).
   */
  private async move(trx: Trx, shopId: string, row: ReservationRow, next: ReservationFacts, kind: ReservationEvent['kind']) {
    if (next.state === row.state && next.orderId === (row.order_id ?? null)) return;
    const at = new Date().toISOString();
    await trx.updateTable('flash_sale_reservations').set({ state: next.state, order_id: next.orderId, updated_at: at }).where('shop_id', '=', shopId).where('id', '=', row.id).execute();
    const ledgerKind = { attach: 'attached', confirm: 'confirmed', expire: 'expired', cancel: 'cancelled' }[kind];
    await trx.insertInto('flash_sale_ledger').values({
      shop_id: shopId, flash_sale_id: row.flash_sale_id, reservation_id: row.id, kind: ledgerKind, quantity: Number(row.quantity), order_id: next.orderId,
      reverses: givesBack(row.state, next.state) ? `reserved:${row.id}` : null, key: `${ledgerKind}:${row.id}`, at,
    }).onConflict((oc) => oc.column('key').doNothing()).execute();
    if (!givesBack(row.state, next.state)) return;
    await sql`update flash_sale_customers set units = units - ${Number(row.quantity)}
      where shop_id = ${shopId} and flash_sale_id = ${row.flash_sale_id} and customer_id = ${row.customer_id} and units >= ${Number(row.quantity)}`.execute(trx);
    await this.jobs.enqueue([{ queue: FLASH_SALE_GIVE_BACK_QUEUE, key: `${shopId}:${row.id}`, shopId, payload: { reservationId: row.id } }], trx);
  }

  /** The hold's timer: a reservation still held when its minutes pass expires (a confirmed or cancelled one stays as it is). */
  expiryHandler() {
    return async (job: Job<{ reservationId: string }>) => async (trx: Trx) => {
      const shopId = job.shopId!;
      const row = await trx.selectFrom('flash_sale_reservations').selectAll().where('shop_id', '=', shopId).where('id', '=', job.payload.reservationId).forUpdate().executeTakeFirst() as ReservationRow | undefined;
      if (!row) return;
      const next = nextReservation({ state: row.state, orderId: row.order_id ?? null }, { kind: 'expire' });
      if (!('refusal' in next)) await this.move(trx, shopId, row, next, 'expire');
    };
  }

  /**
   * Gives an expired or cancelled reservation's units back to the counter, after marking them given
   * in Postgres: a crash between the two loses the units (never an oversell) rather than giving twice.
   */
  giveBackHandler() {
    return async (job: Job<{ reservationId: string }>) => {
      const shopId = job.shopId!;
      const rows = await this.db.transaction().execute((trx) => trx.updateTable('flash_sale_reservations').set({ returned_at: new Date().toISOString() })
        .where('shop_id', '=', shopId).where('id', '=', job.payload.reservationId).where('returned_at', 'is', null).where('state', 'in', ['expired', 'cancelled'])
        .returning(['flash_sale_id', 'quantity']).execute());
      for (const r of rows) {
        await this.counters.give(stockCounter(shopId, r.flash_sale_id as string), Number(r.quantity));
        this.soldOut.delete(`${shopId}:${r.flash_sale_id as string}`);
      }
    };
  }

  /**
   * Commerce's orders, in the subscriber's transaction: an order paid confirms the reservations
   * checkout attached to it; cancelled, it gives them back. A reservation that expired before its
   * order was paid stays expired (its units may be someone else's by then).
   */
  async onOrderEvents(trx: Trx, events: readonly DomainEvent[]) {
    const byShop = new Map<string, DomainEvent[]>();
    for (const e of events) byShop.set(e.shopId, [...(byShop.get(e.shopId) ?? []), e]);
    for (const [shopId, list] of byShop) {
      const orderIds = [...new Set(list.map((e) => (e.payload as { externalId: string }).externalId))];
      const rows = await trx.selectFrom('flash_sale_reservations').selectAll().where('shop_id', '=', shopId).where('order_id', 'in', orderIds).orderBy('id').forUpdate().execute() as ReservationRow[];
      if (rows.length === 0) continue;
      for (const e of list) {
        const order = e.payload as { externalId: string; status: string };
        const event: ReservationEvent | null = PAID.has(order.status) ? { kind: 'confirm', orderId: order.externalId } : order.status === 'cancelled' ? { kind: 'cancel' } : null;
        if (!event) continue;
        for (const row of rows.filter((r) => r.order_id === order.externalId)) {
          const next = nextReservation({ state: row.state, orderId: row.order_id }, event);
          if ('refusal' in next) continue;
          await this.move(trx, shopId, row, next, event.kind);
          row.state = next.state;
        }
      }
    }
  }
}
