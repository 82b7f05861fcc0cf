/**
 * 拼团 group buys through the HTTP API on a real Flywheel (PGlite here, Postgres in CI's second run):
 * create, list and read, bad input named by field, a group opened and joined with members counted
 * once their orders are paid (before or after they join), success at exactly groupSize paid members
 * under 50 concurrent joins and payments, the deadline failing a group and refunding each paid order
 * exactly once through commerce (seen by the metrics), a payment after the deadline refunded, a
 * cancelled order freeing its place, and shipping held while a group forms.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { call, newShop, startFlywheel } from '../../testing/harness';
import { groupRefundId } from './index';

let fw: Flywheel;
let key: string;
let shopId: string;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PRICE = 4900;
const groupBuy = (body: Record<string, unknown> = {}) => ({
  name: '双11 拼团 保温杯', sku: 'CUP', price: PRICE, groupSize: 3, hours: 24, perCustomer: 1,
  startsAt: new Date(Date.now() - DAY).toISOString(), endsAt: new Date(Date.now() + DAY).toISOString(), ...body,
});
const newGroupBuy = async (body: Record<string, unknown> = {}) => (await call(fw, 'POST', '/v1/group-buys', key, groupBuy(body))).body as { id: string };
const open = (groupBuyId: string, customerId: string, orderId: string) => call(fw, 'POST', `/v1/group-buys/${groupBuyId}/groups`, key, { customerId, orderId });
const join = (groupId: string, customerId: string, orderId: string, idempotencyKey?: string) => call(fw, 'POST', `/v1/groups/${groupId}/join`, key, { customerId, orderId, idempotencyKey });
const readGroup = async (groupId: string) => (await call(fw, 'GET', `/v1/groups/${groupId}`, key)).body;
const order = (externalId: string, customerId: string, status: 'placed' | 'paid' | 'cancelled') => ({
  externalId, customerId, status, placedAt: '2026-11-11T10:00:00+08:00', items: [{ sku: 'CUP', quantity: 1, unitPrice: PRICE }], payableAmount: PRICE,
  ...(status === 'paid' ? { paidAt: '2026-11-11T10:01:00+08:00', paidAmount: PRICE } : {}), ...(status === 'cancelled' ? { cancelledAt: '2026-11-11T10:30:00+08:00' } : {}),
});
const send = async (...records: ReturnType<typeof order>[]) => {
  const res = await call(fw, 'POST', '/v1/orders/batch', key, { records });
  expect(res.body.rejected).toEqual([]);
};
const ledgerOf = async (groupId: string) => (await fw.db.selectFrom('group_buy_ledger').select(['kind', 'order_id', 'amount', 'reverses']).where('shop_id', '=', shopId).where('group_id', '=', groupId).orderBy('id').execute())
  .map((e) => ({ ...e, amount: e.amount === null ? null : Number(e.amount) }));
const refunded = async (orderId: string) => (await fw.commerce.getOrder(shopId, orderId)).refundedAmount;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  fw = await startFlywheel();
  const shop = await newShop(fw, 'Group');
  key = shop.secretKey;
  shopId = shop.shopId;
});
afterAll(async () => { await fw?.close(); });

describe('group buys: create, list, read', () => {
  it('creates a group buy with defaults, reads it with its groups counted, in the list too', async () => {
    const created = await call(fw, 'POST', '/v1/group-buys', key, { sku: 'TEE', price: 1990, groupSize: 2, startsAt: groupBuy().startsAt, endsAt: groupBuy().endsAt });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'TEE', sku: 'TEE', price: 1990, groupSize: 2, hours: 24, perCustomer: 1, state: 'live', groups: { forming: 0, succeeded: 0, failed: 0 } });
    expect(created.body.id).toMatch(/^gb_/);
    expect((await call(fw, 'GET', `/v1/group-buys/${created.body.id}`, key)).body).toEqual(created.body);
    const later = await newGroupBuy({ startsAt: new Date(Date.now() + DAY).toISOString(), endsAt: new Date(Date.now() + 2 * DAY).toISOString() });
    const list = await call(fw, 'GET', '/v1/group-buys', key);
    expect(list.body.groupBuys.map((g: { id: string }) => g.id).slice(0, 2)).toEqual([later.id, created.body.id]);
    const early = await open(later.id, 'c1', 'EARLY-1');
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('not_started');
  });

  it('refuses bad input by field, and answers 404 for another shop\'s group buy and group', async () => {
    for (const [body, field] of [[{ groupSize: 1 }, 'groupSize'], [{ groupSize: 2.5 }, 'groupSize'], [{ price: 0 }, 'price'], [{ hours: 0 }, 'hours'], [{ sku: undefined }, 'sku'],
      [{ endsAt: new Date(Date.now() - 2 * DAY).toISOString() }, 'endsAt']] as const) {
      const res = await call(fw, 'POST', '/v1/group-buys', key, groupBuy(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field).toBe(field);
      expect(res.body.error.message).toContain(field);
    }
    const buy = await newGroupBuy();
    expect((await call(fw, 'POST', `/v1/group-buys/${buy.id}/groups`, key, { customerId: 'c1' })).body.error.field).toBe('orderId');
    const g = (await open(buy.id, 'bad-1', 'BAD-1')).body;
    expect((await call(fw, 'POST', `/v1/groups/${g.id}/join`, key, { orderId: 'BAD-2' })).body.error.field).toBe('customerId');
    expect((await call(fw, 'GET', '/v1/groups/nope', key)).body.error.field).toBe('groupId');
    const other = await newShop(fw, 'Other');
    expect((await call(fw, 'GET', `/v1/group-buys/${buy.id}`, other.secretKey)).status).toBe(404);
    expect((await call(fw, 'GET', `/v1/groups/${g.id}`, other.secretKey)).status).toBe(404);
    expect((await call(fw, 'POST', `/v1/groups/${g.id}/join`, other.secretKey, { customerId: 'c2', orderId: 'O-2' })).status).toBe(404);
  });
});

describe('group buys: a group forming and succeeding', () => {
  it('counts members once paid (before or after joining), refuses what it must, and succeeds at groupSize', async () => {
    const buy = await newGroupBuy({ groupSize: 3 });
    const opened = await open(buy.id, 'leader', 'G1-L');
    expect(opened.status).toBe(201);
    const g = opened.body;
    expect(g).toMatchObject({ groupBuyId: buy.id, sku: 'CUP', price: PRICE, state: 'forming', groupSize: 3, paidMembers: 0, missing: 3, closedAt: null });
    expect(g.members).toEqual([expect.objectContaining({ customerId: 'leader', orderId: 'G1-L', leader: true, state: 'joined', paid: false })]);
    expect(Date.parse(g.expiresAt) - Date.parse(g.createdAt)).toBe(24 * HOUR);
    expect((await open(buy.id, 'leader', 'G1-L')).body).toEqual(g);

    await send(order('G1-L', 'leader', 'paid'));
    await fw.runtime.drain();
    expect(await readGroup(g.id)).toMatchObject({ state: 'forming', paidMembers: 1, missing: 2 });
    expect(await fw.campaigns.groupBuys.isShippable(shopId, 'G1-L')).toBe(false);

    // Paid before joining: counted at once.
    await send(order('G1-A', 'a', 'paid'));
    await fw.runtime.drain();
    const joined = await join(g.id, 'a', 'G1-A', 'join-a');
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ paidMembers: 2, missing: 1 });
    expect((await join(g.id, 'a', 'G1-A', 'join-a')).body).toEqual(joined.body);

    const twice = await join(g.id, 'a', 'G1-A2');
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: 'already_joined', field: 'customerId' });
    await send(order('G1-X', 'x', 'placed'));
    const notHers = await join(g.id, 'b', 'G1-X');
    expect(notHers.body.error).toMatchObject({ code: 'conflict', field: 'orderId' });
    const taken = await join(g.id, 'b', 'G1-A');
    expect(taken.body.error).toMatchObject({ code: 'conflict', field: 'orderId' });
    const second = await open(buy.id, 'leader', 'G1-L2');
    expect(second.body.error).toMatchObject({ code: 'limit_reached', field: 'customerId' });

    // Joined before the order arrives: counted when it arrives paid.
    expect((await join(g.id, 'b', 'G1-B')).body).toMatchObject({ paidMembers: 2, missing: 1, state: 'forming' });
    await send(order('G1-B', 'b', 'paid'));
    await fw.runtime.drain();
    const done = await readGroup(g.id);
    expect(done).toMatchObject({ state: 'succeeded', groupSize: 3, paidMembers: 3, missing: 0 });
    expect(done.closedAt).not.toBeNull();
    expect(done.members.map((m: { customerId: string; paid: boolean }) => [m.customerId, m.paid])).toEqual([['leader', true], ['a', true], ['b', true]]);
    expect(await fw.campaigns.groupBuys.isShippable(shopId, 'G1-L')).toBe(true);
    expect(await fw.campaigns.groupBuys.isShippable(shopId, 'NOT-IN-A-GROUP')).toBe(true);

    const late = await join(g.id, 'c', 'G1-C');
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'group_full', field: 'groupId' });
    // Its timer changes nothing now.
    await fw.runtime.jobs.work(new Date(Date.now() + 2 * DAY));
    expect((await readGroup(g.id)).state).toBe('succeeded');
    expect((await call(fw, 'GET', `/v1/group-buys/${buy.id}`, key)).body.groups).toEqual({ forming: 0, succeeded: 1, failed: 0 });
    expect((await call(fw, 'GET', `/v1/group-buys/${buy.id}/groups`, key)).body.groups.map((x: { id: string }) => x.id)).toEqual([g.id]);
    expect((await ledgerOf(g.id)).map((e) => e.kind)).toEqual(['opened', 'joined', 'paid', 'joined', 'paid', 'joined', 'paid', 'succeeded']);
    // Each entry is a domain event for journeys: a 还差1人 reminder reads missing on group_buy.paid.
    const events = await fw.db.selectFrom('outbox').select(['topic', 'payload']).where('shop_id', '=', shopId).where('key', '=', g.id).orderBy('id').execute();
    expect(events.map((e) => e.topic)).toEqual(['opened', 'joined', 'paid', 'joined', 'paid', 'joined', 'paid', 'succeeded'].map((k) => `group_buy.${k}`));
    const payload = (i: number) => (typeof events[i].payload === 'string' ? JSON.parse(events[i].payload) : events[i].payload);
    expect(payload(4)).toMatchObject({ groupBuyId: buy.id, groupId: g.id, kind: 'paid', customerId: 'a', orderId: 'G1-A', state: 'forming', groupSize: 3, paidMembers: 2, missing: 1 });
    expect(payload(7)).toMatchObject({ kind: 'succeeded', state: 'succeeded', paidMembers: 3, missing: 0 });
  });

  it('50 concurrent joins and payments into a group of 5 give exactly 5 paid members and a succeeded group', async () => {
    const buy = await newGroupBuy({ groupSize: 5 });
    const g = (await open(buy.id, 'flood-leader', 'FL-L')).body;
    const ids = Array.from({ length: 50 }, (_, i) => i);
    // Half the orders are paid before their join, half while the joins run.
    await send(...ids.filter((i) => i % 2 === 0).map((i) => order(`FL-${i}`, `flood-${i}`, 'paid')));
    const [joins] = await Promise.all([
      Promise.all(ids.map((i) => join(g.id, `flood-${i}`, `FL-${i}`))),
      (async () => {
        await send(order('FL-L', 'flood-leader', 'paid'), ...ids.filter((i) => i % 2 === 1).map((i) => order(`FL-${i}`, `flood-${i}`, 'paid')));
        await fw.runtime.drain();
      })(),
    ]);
    await fw.runtime.drain();
    expect(joins.filter((r) => r.status === 201)).toHaveLength(4);
    expect(joins.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.error.code === 'group_full')).toBe(true);
    const final = await readGroup(g.id);
    expect(final).toMatchObject({ state: 'succeeded', groupSize: 5, paidMembers: 5, missing: 0 });
    expect(final.members.filter((m: { paid: boolean }) => m.paid)).toHaveLength(5);
    expect(final.members).toHaveLength(5);
    const ledger = await ledgerOf(g.id);
    expect(ledger.filter((e) => e.kind === 'paid')).toHaveLength(5);
    expect(ledger.filter((e) => e.kind === 'succeeded')).toHaveLength(1);
  });

  it('one customer joining twice at once with two orders gets one place', async () => {
    const buy = await newGroupBuy({ groupSize: 4, perCustomer: 3 });
    const g = (await open(buy.id, 'twice-leader', 'TW-L')).body;
    const both = await Promise.all([join(g.id, 'twice', 'TW-1'), join(g.id, 'twice', 'TW-2')]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.status === 409)!.body.error).toMatchObject({ code: 'already_joined', field: 'customerId' });
    expect((await readGroup(g.id)).members).toHaveLength(2);
  });

  it('a cancelled order frees its place while the group forms', async () => {
    const buy = await newGroupBuy({ groupSize: 2 });
    const g = (await open(buy.id, 'cx-leader', 'CX-L')).body;
    await send(order('CX-L', 'cx-leader', 'placed'));
    expect((await join(g.id, 'cx-1', 'CX-1')).status).toBe(201);
    expect((await join(g.id, 'cx-2', 'CX-2')).body.error.code).toBe('group_full');
    await send(order('CX-1', 'cx-1', 'placed'));
    await send(order('CX-1', 'cx-1', 'cancelled'));
    await fw.runtime.drain();
    expect((await readGroup(g.id)).members.map((m: { state: string }) => m.state)).toEqual(['joined', 'left']);
    expect((await join(g.id, 'cx-2', 'CX-2')).status).toBe(201);
    expect((await ledgerOf(g.id)).find((e) => e.kind === 'left')).toMatchObject({ order_id: 'CX-1', reverses: `joined:${g.id}:CX-1` });
  });
});

describe('group buys: the deadline', () => {
  it('fails a group not full at its deadline and refunds every paid order exactly once, which the metrics see', async () => {
    const buy = await newGroupBuy({ groupSize: 3, hours: 2 });
    const g = (await open(buy.id, 'f-leader', 'F-L')).body;
    await send(order('F-L', 'f-leader', 'paid'), order('F-A', 'f-a', 'paid'));
    expect((await join(g.id, 'f-a', 'F-A')).status).toBe(201);
    expect((await join(g.id, 'f-b', 'F-B')).status).toBe(201);
    await fw.runtime.drain();
    expect(await readGroup(g.id)).toMatchObject({ state: 'forming', paidMembers: 2, missing: 1 });

    await fw.runtime.jobs.work(new Date(Date.now() + HOUR));
    expect((await readGroup(g.id)).state).toBe('forming');
    // The deadline, then the refunds it asks for; then everything again.
    for (let i = 0; i < 2; i++) {
      await fw.runtime.jobs.work(new Date(Date.now() + 3 * HOUR));
      await fw.runtime.jobs.work(new Date(Date.now() + 3 * HOUR));
    }
    const failed = await readGroup(g.id);
    expect(failed).toMatchObject({ state: 'failed', paidMembers: 2, missing: 0, closedAt: g.expiresAt });
    expect(failed.members.map((m: { customerId: string; state: string }) => [m.customerId, m.state])).toEqual([['f-leader', 'refunded'], ['f-a', 'refunded'], ['f-b', 'joined']]);
    expect(await refunded('F-L')).toBe(PRICE);
    expect(await refunded('F-A')).toBe(PRICE);
    expect(await fw.campaigns.groupBuys.isShippable(shopId, 'F-L')).toBe(false);

    // A crash after commerce took a refund and before the member was marked: sent again, stored once.
    await fw.db.updateTable('group_buy_members').set({ state: 'paid' }).where('shop_id', '=', shopId).where('order_id', '=', 'F-L').execute();
    expect(await fw.campaigns.groupBuys.refundMember(shopId, g.id, 'F-L')).toBe(true);
    expect(await refunded('F-L')).toBe(PRICE);
    await fw.db.updateTable('group_buy_members').set({ state: 'refunded' }).where('shop_id', '=', shopId).where('order_id', '=', 'F-L').execute();
    const refunds = await fw.db.selectFrom('refunds').select(['external_id', 'amount']).where('shop_id', '=', shopId).where('order_id', 'in', ['F-L', 'F-A', 'F-B']).orderBy('external_id').execute();
    expect(refunds.map((r) => [r.external_id, Number(r.amount)])).toEqual([[groupRefundId(g.id, 'F-A'), PRICE], [groupRefundId(g.id, 'F-L'), PRICE]]);

    const ledger = await ledgerOf(g.id);
    expect(ledger.filter((e) => e.kind === 'failed')).toHaveLength(1);
    expect(ledger.filter((e) => e.kind === 'refunded').map((e) => [e.order_id, e.amount, e.reverses]).sort()).toEqual([['F-A', PRICE, `paid:${g.id}:F-A`], ['F-L', PRICE, `paid:${g.id}:F-L`]]);

    const closed = await join(g.id, 'f-c', 'F-C');
    expect(closed.status).toBe(409);
    expect(closed.body.error).toMatchObject({ code: 'group_closed', field: 'groupId' });

    await fw.projector.drain();
    const metrics = await call(fw, 'GET', `/v1/metrics?metrics=refunds&from=${day(Date.now() - 2 * DAY)}&to=${day(Date.now() + 2 * DAY)}`, key);
    expect(metrics.status).toBe(200);
    expect(metrics.body.totals.refunds).toBe(2 * PRICE);
  });

  it('a payment arriving after its group failed is refunded, never counted', async () => {
    const buy = await newGroupBuy({ groupSize: 2, hours: 1 });
    const g = (await open(buy.id, 'late-leader', 'LATE-L')).body;
    await fw.runtime.jobs.work(new Date(Date.now() + 2 * HOUR));
    expect((await readGroup(g.id)).state).toBe('failed');
    await send(order('LATE-L', 'late-leader', 'paid'));
    await fw.runtime.drain();
    await fw.runtime.jobs.work();
    const after = await readGroup(g.id);
    expect(after).toMatchObject({ state: 'failed', missing: 0 });
    expect(after.members[0]).toMatchObject({ state: 'refunded', paid: true });
    expect(await refunded('LATE-L')).toBe(PRICE);
    // The group failing freed the leader's place in the buy: they may open another.
    expect((await open(buy.id, 'late-leader', 'LATE-L2')).status).toBe(201);
  });

  it('the deadline racing the last payment: each group either succeeds unrefunded or fails with every paid order refunded, never both', async () => {
    const buy = await newGroupBuy({ groupSize: 2, hours: 1, perCustomer: 1 });
    const groups: string[] = [];
    for (let i = 0; i < 10; i++) {
      const g = (await open(buy.id, `race-l${i}`, `RACE-L${i}`)).body;
      expect((await join(g.id, `race-m${i}`, `RACE-M${i}`)).status).toBe(201);
      groups.push(g.id);
    }
    await send(...groups.map((_, i) => order(`RACE-L${i}`, `race-l${i}`, 'paid')));
    await fw.runtime.subscribers.drain();
    await Promise.all([
      fw.runtime.jobs.work(new Date(Date.now() + 2 * HOUR)),
      (async () => { await send(...groups.map((_, i) => order(`RACE-M${i}`, `race-m${i}`, 'paid'))); await fw.runtime.subscribers.drain(); })(),
    ]);
    await fw.runtime.drain();
    await fw.runtime.jobs.work(new Date(Date.now() + 2 * HOUR));
    for (const [i, id] of groups.entries()) {
      const g = await readGroup(id);
      const refunds = [await refunded(`RACE-L${i}`), await refunded(`RACE-M${i}`)];
      if (g.state === 'succeeded') {
        expect(g.paidMembers).toBe(2);
        expect(refunds).toEqual([0, 0]);
      } else {
        expect(g.state).toBe('failed');
        expect(g.members.every((m: { state: string }) => m.state === 'refunded')).toBe(true);
        expect(refunds).toEqual([PRICE, PRICE]);
      }
    }
  });
});

describe('group buys: a restart', () => {
  it('a deadline that was due while the server was down fires when it is back, and refunds', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-group-restart-'));
    const before = await startFlywheel({ dataDir });
    const shop = await newShop(before, 'Restart');
    let groupId: string;
    try {
      const buy = (await call(before, 'POST', '/v1/group-buys', shop.secretKey, groupBuy({ groupSize: 2, hours: 1 }))).body;
      groupId = (await call(before, 'POST', `/v1/group-buys/${buy.id}/groups`, shop.secretKey, { customerId: 'rs-leader', orderId: 'RS-L' })).body.id;
      expect((await call(before, 'POST', '/v1/orders/batch', shop.secretKey, { records: [order('RS-L', 'rs-leader', 'paid')] })).body.accepted).toBe(1);
      await before.runtime.drain();
      expect((await call(before, 'GET', `/v1/groups/${groupId}`, shop.secretKey)).body).toMatchObject({ state: 'forming', paidMembers: 1 });
    } finally {
      await before.close();
    }
    const after = await startFlywheel({ dataDir });
    try {
      // The server comes back after the group's hour: its timer is due, and so is the refund it asks for.
      await after.runtime.jobs.work(new Date(Date.now() + 2 * HOUR));
      await after.runtime.jobs.work(new Date(Date.now() + 2 * HOUR));
      const g = (await call(after, 'GET', `/v1/groups/${groupId}`, shop.secretKey)).body;
      expect(g).toMatchObject({ state: 'failed', members: [expect.objectContaining({ customerId: 'rs-leader', state: 'refunded' })] });
      expect((await after.commerce.getOrder(shop.shopId, 'RS-L')).refundedAmount).toBe(PRICE);
    } finally {
      await after.close();
    }
  });
});
