/**
 * Loyalty through its HTTP API on a real Flywheel: the program (validation, roles, versions), points
 * earned on payment (pending, then available by the timer), refunds (cancel while pending, clawback
 * after, a shortfall owed and taken from the next earning), expiry, adjustments, sign-in, tiers (an
 * upgrade at once, a downgrade on the 1st of the next month) and the report. Every figure is by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOYALTY_PROGRAM, type InitResult, type LoyaltyProgram } from '@flywheel/contracts';
import type { Flywheel } from '../../app';
import { localDateOf } from '../../platform/timezone';
import { addOperator, call, newShop, paidOrder, startFlywheel } from '../../testing/harness';

let fw: Flywheel;
const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

async function settle(at?: Date) {
  await fw.projector.drain();
  await fw.runtime.drain();
  if (at) await fw.runtime.jobs.work(at);
}

async function shopWith(program?: LoyaltyProgram): Promise<InitResult> {
  const shop = await newShop(fw, '会员测试店');
  if (program) {
    const put = await call(fw, 'PUT', '/v1/loyalty/program', shop.secretKey, program);
    expect(put.status).toBe(200);
  }
  return shop;
}

const upsert = async (shop: InitResult, entity: string, records: unknown[]) => {
  const r = await call(fw, 'POST', `/v1/${entity}/batch`, shop.secretKey, { records });
  expect(r.body.rejected).toEqual([]);
};
const points = async (shop: InitResult, customer: string) => (await call(fw, 'GET', `/v1/customers/${customer}/points`, shop.secretKey)).body;
/** What segment rules read in DuckDB: the member's tier and available points, projected from the outbox. */
async function facts(shop: InitResult, customer: string) {
  await fw.projector.drain();
  return fw.store.one<{ tier: string; points: number }>('select tier, points::integer as points from loyalty_facts where shop_id = ? and customer_id = ?', [shop.shopId, customer]);
}

beforeAll(async () => { fw = await startFlywheel(); });
afterAll(async () => { await fw?.close(); });

describe('the program', () => {
  it('answers the default until a shop sets one, then versions from the change on', async () => {
    const shop = await shopWith();
    const first = await call(fw, 'GET', '/v1/loyalty/program', shop.secretKey);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ...DEFAULT_LOYALTY_PROGRAM, version: 0, effectiveFrom: null });
    const changed = { ...DEFAULT_LOYALTY_PROGRAM, points: { ...DEFAULT_LOYALTY_PROGRAM.points, perYuan: 2 } };
    const put = await call(fw, 'PUT', '/v1/loyalty/program', shop.secretKey, changed);
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(1);
    expect(put.body.points.perYuan).toBe(2);
    const second = await call(fw, 'PUT', '/v1/loyalty/program', shop.secretKey, DEFAULT_LOYALTY_PROGRAM);
    expect(second.body.version).toBe(2);
    expect((await call(fw, 'GET', '/v1/loyalty/program', shop.secretKey)).body.version).toBe(2);
  });

  it('refuses bad programs naming the field, and changes nothing', async () => {
    const shop = await shopWith();
    const tiers = DEFAULT_LOYALTY_PROGRAM.tiers;
    const cases: [string, unknown, string][] = [
      ['overlapping thresholds', { ...DEFAULT_LOYALTY_PROGRAM, tiers: [tiers[0], { ...tiers[1], minGrowth: 10000 }, tiers[2]] }, 'tiers[2].minGrowth'],
      ['unordered thresholds', { ...DEFAULT_LOYALTY_PROGRAM, tiers: [tiers[0], tiers[2], tiers[1]] }, 'tiers[2].minGrowth'],
      ['a first tier above 0', { ...DEFAULT_LOYALTY_PROGRAM, tiers: [{ ...tiers[0], minGrowth: 10 }, tiers[1]] }, 'tiers[0].minGrowth'],
      ['a key twice', { ...DEFAULT_LOYALTY_PROGRAM, tiers: [tiers[0], { ...tiers[1], key: 'normal' }] }, 'tiers[1].key'],
      ['a negative growth rate', { ...DEFAULT_LOYALTY_PROGRAM, growth: { ...DEFAULT_LOYALTY_PROGRAM.growth, perYuan: -1 } }, 'growth.perYuan'],
      ['a negative points rate', { ...DEFAULT_LOYALTY_PROGRAM, points: { ...DEFAULT_LOYALTY_PROGRAM.points, perYuan: -0.5 } }, 'points.perYuan'],
      ['an unknown expiry', { ...DEFAULT_LOYALTY_PROGRAM, points: { ...DEFAULT_LOYALTY_PROGRAM.points, expiry: 'never' } }, 'points.expiry'],
      ['a share of the cart above 1', { ...DEFAULT_LOYALTY_PROGRAM, points: { ...DEFAULT_LOYALTY_PROGRAM.points, redeem: { pointsPerYuan: 100, maxShare: 1.5 } } }, 'points.redeem.maxShare'],
      ['a window without days', { ...DEFAULT_LOYALTY_PROGRAM, growth: { ...DEFAULT_LOYALTY_PROGRAM.growth, window: '1y' } }, 'growth.window'],
      ['a negative discount', { ...DEFAULT_LOYALTY_PROGRAM, tiers: [tiers[0], { ...tiers[1], benefits: { ...tiers[1].benefits, discountPct: -5 } }] }, 'tiers[1].benefits.discountPct'],
      ['streak rules out of order', { ...DEFAULT_LOYALTY_PROGRAM, points: { ...DEFAULT_LOYALTY_PROGRAM.points, signIn: { daily: 5, streak: [{ days: 7, points: 20 }, { days: 3, points: 5 }] } } }, 'points.signIn.streak[1].days'],
    ];
    for (const [what, body, field] of cases) {
      const r = await call(fw, 'PUT', '/v1/loyalty/program', shop.secretKey, body);
      expect({ what, status: r.status, field: r.body.error?.field }).toEqual({ what, status: 400, field });
    }
    expect((await call(fw, 'GET', '/v1/loyalty/program', shop.secretKey)).body.version).toBe(0);
  });

  it('lets analysts and viewers read it, operators change it, and viewers not', async () => {
    const shop = await shopWith();
    const viewer = await addOperator(fw, shop.secretKey, { email: 'viewer@loyalty.test', password: 'viewer-password-1', role: 'viewer' });
    const operator = await addOperator(fw, shop.secretKey, { email: 'op@loyalty.test', password: 'operator-password-1', role: 'operator' });
    expect((await call(fw, 'GET', '/v1/loyalty/program', viewer.token)).status).toBe(200);
    expect((await call(fw, 'PUT', '/v1/loyalty/program', viewer.token, DEFAULT_LOYALTY_PROGRAM)).status).toBe(403);
    expect((await call(fw, 'PUT', '/v1/loyalty/program', operator.token, DEFAULT_LOYALTY_PROGRAM)).status).toBe(200);
    expect((await call(fw, 'POST', '/v1/points/adjust', viewer.token, { customerId: 'x', amount: 5, reason: 'r', idempotencyKey: 'k' })).status).toBe(403);
    expect((await call(fw, 'GET', '/v1/loyalty/program', shop.publishableKey)).status).toBe(403);
  });
});

describe('points', () => {
  it('earns on payment, pending for pendingDays, then available by the timer, expiring 12 months on', async () => {
    const shop = await shopWith();
    await upsert(shop, 'orders', [paidOrder('o1', 'c1', 12_345, ago(DAY))]);
    await settle();
    const pending = await points(shop, 'c1');
    expect(pending).toMatchObject({ available: 0, pending: 123, owed: 0, expiring: [] });
    expect(pending.ledger).toMatchObject([{ amount: 123, kind: 'earn', source: 'order:o1', expiresAt: null }]);

    await settle(new Date(Date.now() + 7 * DAY));
    const available = await points(shop, 'c1');
    expect(available).toMatchObject({ available: 123, pending: 0, owed: 0 });
    const expiresAt = available.expiring[0].expiresAt;
    // 12 months after it became available (payment + 7 days), at the same local time.
    const due = new Date(new Date(ago(DAY)).getTime() + 7 * DAY);
    expect(localDateOf(new Date(expiresAt), 'Asia/Shanghai').slice(5)).toBe(localDateOf(due, 'Asia/Shanghai').slice(5));
    expect(new Date(expiresAt).getUTCFullYear()).toBe(due.getUTCFullYear() + 1);
    expect(available.ledger[0].expiresAt).toBe(expiresAt);
    expect(await facts(shop, 'c1')).toEqual({ tier: 'normal', points: 123 });
  });

  it('cancels pending points on a refund, claws back available ones, owes the shortfall and takes it from the next earning', async () => {
    const shop = await shopWith();
    // 300元 -> 300 points, pending; a refund of 100元 while pending cancels 100.
    await upsert(shop, 'orders', [paidOrder('o1', 'c1', 30_000, ago(2 * DAY))]);
    await settle();
    await upsert(shop, 'refunds', [{ externalId: 'r1', orderId: 'o1', amount: 10_000, createdAt: ago(DAY) }]);
    await settle();
    expect(await points(shop, 'c1')).toMatchObject({ available: 0, pending: 200, owed: 0 });
    await settle(new Date(Date.now() + 6 * DAY));
    expect(await points(shop, 'c1')).toMatchObject({ available: 200, pending: 0 });

    // 150 spent, then the rest of the order refunded: 200 to claw back, 50 left to take, 150 owed.
    const spent = await call(fw, 'POST', '/v1/points/adjust', shop.secretKey, { customerId: 'c1', amount: -150, reason: '兑换', idempotencyKey: 'spend-1' });
    expect(spent.status).toBe(200);
    expect(spent.body.balance).toEqual({ available: 50, pending: 0, owed: 0 });
    await upsert(shop, 'refunds', [{ externalId: 'r2', orderId: 'o1', amount: 20_000, createdAt: ago(3600_000) }]);
    await settle();
    const owing = await points(shop, 'c1');
    expect(owing).toMatchObject({ available: 0, pending: 0, owed: 150 });
    expect(owing.ledger.map((e: { kind: string; amount: number }) => [e.kind, e.amount])).toEqual([['adjust', -150], ['clawback', -200], ['clawback', -100], ['earn', 300]]);

    // The next order (100元) pays 100 of the 150 owed; the one after pays the rest and keeps 30.
    await upsert(shop, 'orders', [paidOrder('o2', 'c1', 10_000, ago(1800_000))]);
    await settle();
    expect(await points(shop, 'c1')).toMatchObject({ available: 0, pending: 0, owed: 50 });
    await upsert(shop, 'orders', [paidOrder('o3', 'c1', 8_000, ago(900_000))]);
    await settle();
    expect(await points(shop, 'c1')).toMatchObject({ available: 0, pending: 30, owed: 0 });
  });

  it('refuses a spend beyond the balance (409 insufficient_points), replays a key, refuses a key reused with another body', async () => {
    const shop = await shopWith();
    await upsert(shop, 'customers', [{ externalId: 'c9', name: '王五' }]);
    const add = await call(fw, 'POST', '/v1/points/adjust', shop.secretKey, { customerId: 'c9', amount: 100, reason: '补偿', idempotencyKey: 'add-1' });
    expect(add.status).toBe(200);
    expect(add.body).toMatchObject({ entry: { amount: 100, kind: 'adjust', source: 'adjust:add-1' }, balance: { available: 100, pending: 0, owed: 0 }, replayed: false });
    const again = await call(fw, 'POST', '/v1/points/adjust', shop.secretKey, { customerId: 'c9', amount: 100, reason: '补偿', idempotencyKey: 'add-1' });
    expect(again.body).toMatchObject({ entry: { id: add.body.entry.id }, replayed: true });
    const other = await call(fw, 'POST', '/v1/points/adjust', shop.secretKey, { customerId: 'c9', amount: 200, reason: '补偿', idempotencyKey: 'add-1' });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: 'conflict', field: 'idempotencyKey' });
    const beyond = await call(fw, 'POST', '/v1/points/adjust', shop.secretKey, { customerId: 'c9', amount: -101, reason: '兑换', idempotencyKey: 'spend-1' });
    expect(beyond.status).toBe(409);
    expect(beyond.body.error.code).toBe('insufficient_points');
    expect(await points(shop, 'c9')).toMatchObject({ available: 100, ledger: [{ amount: 100 }] });
    const unknown = await call(fw, 'POST', '/v1/points/adjust', shop.secretKey, { customerId: 'nobody', amount: 5, reason: 'r', idempotencyKey: 'k2' });
    expect(unknown.status).toBe(404);
    expect((await call(fw, 'GET', '/v1/customers/nobody/points', shop.secretKey)).status).toBe(404);
    const zero = await call(fw, 'POST', '/v1/points/adjust', shop.secretKey, { customerId: 'c9', amount: 0, reason: 'r', idempotencyKey: 'k3' });
    expect([zero.status, zero.body.error.field]).toEqual([400, 'amount']);
  });

  it('gives exactly 10 of 200 concurrent spends of 100 from 1,000', async () => {
    const shop = await shopWith();
    await upsert(shop, 'customers', [{ externalId: 'hot', name: '热点' }]);
    await call(fw, 'POST', '/v1/points/adjust', shop.secretKey, { customerId: 'hot', amount: 1000, reason: '充值', idempotencyKey: 'fill' });
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => call(fw, 'POST', '/v1/points/adjust', shop.secretKey, { customerId: 'hot', amount: -100, reason: '兑换', idempotencyKey: `hot-${i}` })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 409 && a.body.error.code === 'insufficient_points')).toHaveLength(190);
    expect(await points(shop, 'hot')).toMatchObject({ available: 0, owed: 0 });
  });

  it('expires what is left of a lot at its time, the soonest-expiring lot spent first', async () => {
    const shop = await shopWith();
    await upsert(shop, 'customers', [{ externalId: 'e1' }]);
    await call(fw, 'POST', '/v1/points/adjust', shop.secretKey, { customerId: 'e1', amount: 100, reason: 'a', idempotencyKey: 'a' });
    await call(fw, 'POST', '/v1/points/adjust', shop.secretKey, { customerId: 'e1', amount: 50, reason: 'b', idempotencyKey: 'b' });
    await call(fw, 'POST', '/v1/points/adjust', shop.secretKey, { customerId: 'e1', amount: -120, reason: 'spend', idempotencyKey: 'c' });
    // The first lot (older, same expiry) went entirely; 30 of the second are left and expire in 12 months.
    await settle(new Date(Date.now() + 366 * DAY));
    const after = await points(shop, 'e1');
    expect(after).toMatchObject({ available: 0, pending: 0, owed: 0, expiring: [] });
    expect(after.ledger[0]).toMatchObject({ kind: 'expire', amount: -30 });
  });
});

describe('sign-in', () => {
  it('gives the daily points once a local day; again the same day answers alreadySignedIn', async () => {
    const shop = await shopWith();
    await upsert(shop, 'customers', [{ externalId: 's1' }]);
    const first = await call(fw, 'POST', '/v1/loyalty/sign-in', shop.secretKey, { customerId: 's1' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ alreadySignedIn: false, streak: 1, points: 5, balance: { available: 5 } });
    const second = await call(fw, 'POST', '/v1/loyalty/sign-in', shop.secretKey, { customerId: 's1' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ alreadySignedIn: true, points: 0, streak: 1, balance: { available: 5 } });
    expect((await call(fw, 'POST', '/v1/loyalty/sign-in', shop.secretKey, { customerId: 'nobody' })).status).toBe(404);
    expect((await call(fw, 'POST', '/v1/loyalty/sign-in', shop.secretKey, {})).body.error.field).toBe('customerId');
  });

  it('counts a streak across local midnight and pays the 7-day bonus', async () => {
    const shop = await shopWith();
    await upsert(shop, 'customers', [{ externalId: 's2' }]);
    // 23:59 and 00:01 Shanghai time are two local days (15:59Z and 16:01Z are one UTC day).
    const late = await fw.loyalty.service.signIn(shop.shopId, 's2', new Date('2026-10-01T23:59:00+08:00'));
    const early = await fw.loyalty.service.signIn(shop.shopId, 's2', new Date('2026-10-02T00:01:00+08:00'));
    expect([late.date, late.streak, early.date, early.streak, early.alreadySignedIn]).toEqual(['2026-10-01', 1, '2026-10-02', 2, false]);
    const sameDay = await fw.loyalty.service.signIn(shop.shopId, 's2', new Date('2026-10-02T23:00:00+08:00'));
    expect(sameDay.alreadySignedIn).toBe(true);
    let last = early;
    for (let d = 3; d <= 7; d++) last = await fw.loyalty.service.signIn(shop.shopId, 's2', new Date(`2026-10-0${d}T09:00:00+08:00`));
    expect([last.streak, last.points]).toEqual([7, 25]);
    // A day missed starts again.
    const broken = await fw.loyalty.service.signIn(shop.shopId, 's2', new Date('2026-10-09T09:00:00+08:00'));
    expect([broken.streak, broken.points]).toEqual([1, 5]);
  });
});

describe('tiers', () => {
  it('upgrades at once and records why; a refund below the threshold downgrades on the 1st of the next month', async () => {
    const shop = await shopWith();
    const paidAt = ago(2 * DAY);
    await upsert(shop, 'orders', [paidOrder('t1', 'm1', 150_000, paidAt), paidOrder('t2', 'm1', 60_000, paidAt)]);
    await settle();
    const gold = (await call(fw, 'GET', '/v1/loyalty/members/m1', shop.secretKey)).body;
    expect(gold).toMatchObject({ tier: 'gold', tierName: '黄金会员', growth: 2100, nextTier: { key: 'diamond', missing: 7900 }, downgradeReviewAt: null });
    expect(gold.changes).toMatchObject([{ from: 'normal', to: 'gold', reason: 'growth_reached', growth: 2100 }]);
    expect(await fw.loyalty.service.benefitsOf(shop.shopId, 'm1')).toMatchObject({ tier: 'gold', discountPct: 5, freeShipping: false });
    expect(await fw.loyalty.service.summaryOf(shop.shopId, ['m1', 'nobody'])).toEqual(new Map([['m1', { tier: 'gold', tierName: '黄金会员', points: 0 }]]));
    expect(await facts(shop, 'm1')).toEqual({ tier: 'gold', points: 0 });
    expect((await call(fw, 'GET', '/v1/customers/m1', shop.secretKey)).body).toMatchObject({ tier: 'gold', points: 0 });

    await upsert(shop, 'refunds', [{ externalId: 'tr1', orderId: 't2', amount: 20_000, createdAt: ago(DAY) }]);
    await settle();
    const below = (await call(fw, 'GET', '/v1/loyalty/members/m1', shop.secretKey)).body;
    expect(below).toMatchObject({ tier: 'gold', growth: 1900 });
    const firstOfNext = below.downgradeReviewAt;
    expect(localDateOf(new Date(firstOfNext), 'Asia/Shanghai').slice(8)).toBe('01');

    await fw.runtime.jobs.work(new Date(new Date(firstOfNext).getTime() - 60_000));
    expect((await fw.loyalty.service.tierOf(shop.shopId, 'm1')).key).toBe('gold');
    await fw.runtime.jobs.work(new Date(firstOfNext));
    const normal = (await call(fw, 'GET', '/v1/loyalty/members/m1', shop.secretKey)).body;
    expect(normal).toMatchObject({ tier: 'normal' });
    expect(normal.changes[0]).toMatchObject({ from: 'gold', to: 'normal', reason: 'growth_below', growth: 1900, at: firstOfNext });
    // By then the order's points (1,900 after the refund) are available.
    expect(await facts(shop, 'm1')).toEqual({ tier: 'normal', points: 1900 });
    // The customers module lists and picks members by tier and points; someone loyalty has not met holds the first tier.
    await upsert(shop, 'customers', [{ externalId: 'newcomer', name: '新客' }]);
    await fw.projector.drain();
    const normals = (await call(fw, 'GET', '/v1/customers?tier=normal&sort=externalId', shop.secretKey)).body.customers;
    expect(normals.map((c: { externalId: string; tier: string; points: number }) => [c.externalId, c.tier, c.points])).toEqual([['m1', 'normal', 1900], ['newcomer', 'normal', 0]]);
    const rich = (await call(fw, 'POST', '/v1/segments/preview', shop.secretKey, { rule: { all: [{ field: 'tier', op: 'eq', value: 'normal' }, { field: 'points', op: 'gte', value: 1000 }] } })).body;
    expect({ size: rich.size, sample: rich.sample.map((c: { externalId: string }) => c.externalId) }).toEqual({ size: 1, sample: ['m1'] });
  });

  it('adds interactions to growth: a sign-in once a day, reviews and shares, at the weights in force when they happen', async () => {
    const program = { ...DEFAULT_LOYALTY_PROGRAM, growth: { ...DEFAULT_LOYALTY_PROGRAM.growth, signIn: 500, review: 700, share: 900 } };
    const shop = await shopWith();
    await upsert(shop, 'customers', [{ externalId: 'i1' }]);
    const track = (event: string, messageId: string, timestamp = new Date().toISOString()) => call(fw, 'POST', '/v1/track', shop.secretKey, { event, userId: 'i1', messageId, timestamp, properties: {} });
    // Before the program changes: the default weights (a share is 5).
    expect((await track('Product Shared', 'before', new Date(Date.now() - 60_000).toISOString())).status).toBe(200);
    await call(fw, 'PUT', '/v1/loyalty/program', shop.secretKey, program);
    await track('Signed In', 'm1');
    await track('Signed In', 'm2');
    await track('Product Reviewed', 'm3');
    await track('Product Shared', 'm4');
    await track('Product Viewed', 'm5');
    await settle();
    const member = (await call(fw, 'GET', '/v1/loyalty/members/i1', shop.secretKey)).body;
    // 5 + 500 (one sign-in a day, though two were tracked) + 700 + 900 = 2105: gold.
    expect(member).toMatchObject({ growth: 2105, tier: 'gold', changes: [{ reason: 'growth_reached', to: 'gold', source: 'share' }] });
  });
});

describe('the report', () => {
  it('counts members by tier, moves, points issued and outstanding with their liability', async () => {
    const shop = await shopWith();
    await upsert(shop, 'orders', [paidOrder('p1', 'a', 250_000, ago(20 * DAY)), paidOrder('p2', 'b', 10_000, ago(20 * DAY))]);
    await settle();
    await settle(new Date());
    const from = localDateOf(new Date(Date.now() - 40 * DAY), 'Asia/Shanghai');
    const to = localDateOf(new Date(Date.now() + DAY), 'Asia/Shanghai');
    const report = await call(fw, 'GET', `/v1/loyalty/report?from=${from}&to=${to}`, shop.secretKey);
    expect(report.status).toBe(200);
    expect(report.body.tiers.map((t: { key: string; members: number; sales: number }) => [t.key, t.members, t.sales])).toEqual([['normal', 1, 10_000], ['gold', 1, 250_000], ['diamond', 0, 0]]);
    expect(report.body.tiers[1].salesPerMember).toBe(250_000);
    expect(report.body.tierMoves).toMatchObject({ upgrades: 1, downgrades: 0 });
    // 2,600 points at 100 points a 元: ¥26.00 of liability.
    expect(report.body.points).toMatchObject({ issued: 2600, redeemed: 0, expired: 0, outstanding: 2600, pending: 0, liability: 2600 });
    expect(report.body.liabilitySeries.at(-1)).toMatchObject({ date: to, outstanding: 2600, liability: 2600 });
    const bad = await call(fw, 'GET', `/v1/loyalty/report?from=${to}&to=${from}`, shop.secretKey);
    expect([bad.status, bad.body.error.field]).toEqual([400, 'to']);
  });
});

describe('erasure', () => {
  it('moves everything loyalty keeps of a person to their anonymous id, figures unchanged', async () => {
    const shop = await shopWith();
    await upsert(shop, 'customers', [{ externalId: 'gone', birthday: '1990-06-01' }]);
    await upsert(shop, 'orders', [paidOrder('g1', 'gone', 250_000, ago(DAY))]);
    await settle();
    const before = (await call(fw, 'GET', `/v1/loyalty/report?from=${localDateOf(new Date(Date.now() - 5 * DAY), 'Asia/Shanghai')}&to=${localDateOf(new Date(Date.now() + DAY), 'Asia/Shanghai')}`, shop.secretKey)).body;
    // The PII export holds what loyalty keeps of them.
    const exported = (await call(fw, 'GET', '/v1/customers/gone/export', shop.secretKey)).body;
    expect(exported.loyalty).toMatchObject({ member: { tier: 'gold', growth: 2500 }, points: { pending: 2500, ledger: [{ source: 'order:g1', amount: 2500 }] } });
    const erased = await call(fw, 'DELETE', '/v1/customers/gone', shop.secretKey);
    expect(erased.status).toBe(200);
    const anon = erased.body.anonymousId;
    expect(await fw.loyalty.service.eraseCustomer(shop.shopId, 'gone', anon)).toEqual({ found: false });
    expect((await call(fw, 'GET', `/v1/loyalty/members/${anon}`, shop.secretKey)).body).toMatchObject({ tier: 'gold', growth: 2500 });
    expect(await points(shop, anon)).toMatchObject({ pending: 2500, ledger: [{ source: 'order:g1' }] });
    const after = (await call(fw, 'GET', `/v1/loyalty/report?from=${before.from}&to=${before.to}`, shop.secretKey)).body;
    expect(after).toEqual(before);
    expect(await facts(shop, 'gone')).toBeUndefined();
    expect(await facts(shop, anon)).toEqual({ tier: 'gold', points: 0 });
    expect((await call(fw, 'GET', '/v1/loyalty/members/gone', shop.secretKey)).status).toBe(404);
  });
});

describe('the ledger after everything above', () => {
  it('balances are sums of entries, lots are their amounts less their allocations, what is owed is the uncovered clawbacks less what settled them', async () => {
    const { sql } = await import('kysely');
    const mismatched = await sql<Record<string, unknown>>`
      with sums as (select shop_id, customer_id, sum(amount) as entries from points_entries group by 1, 2),
      lots as (select shop_id, customer_id, sum(remaining) filter (where status = 'available') as available, sum(remaining) filter (where status = 'pending') as pending from points_lots group by 1, 2),
      takes as (select e.shop_id, e.customer_id, sum(-e.amount - coalesce(a.taken, 0)) as uncovered
        from points_entries e left join (select entry_id, sum(amount) as taken from points_allocations where kind = 'take' group by 1) a on a.entry_id = e.id
        where e.amount < 0 group by 1, 2),
      settles as (select shop_id, customer_id, sum(amount) as settled from points_allocations where kind = 'settle' group by 1, 2)
      select m.shop_id, m.customer_id, s.entries, l.available, l.pending, m.owed, t.uncovered, st.settled
      from loyalty_members m
        left join sums s on s.shop_id = m.shop_id and s.customer_id = m.customer_id
        left join lots l on l.shop_id = m.shop_id and l.customer_id = m.customer_id
        left join takes t on t.shop_id = m.shop_id and t.customer_id = m.customer_id
        left join settles st on st.shop_id = m.shop_id and st.customer_id = m.customer_id
      where coalesce(s.entries, 0) <> coalesce(l.available, 0) + coalesce(l.pending, 0) - m.owed
        or m.owed <> coalesce(t.uncovered, 0) - coalesce(st.settled, 0) or m.owed < 0`.execute(fw.db);
    expect(mismatched.rows).toEqual([]);
    const lots = await sql<Record<string, unknown>>`
      select l.id, l.amount, l.remaining, coalesce(sum(a.amount), 0) as allocated from points_lots l left join points_allocations a on a.lot_id = l.id
      group by l.id, l.amount, l.remaining having l.amount - coalesce(sum(a.amount), 0) <> l.remaining or l.remaining < 0`.execute(fw.db);
    expect(lots.rows).toEqual([]);
    const members = await sql<{ n: number }>`select count(*)::int as n from loyalty_members`.execute(fw.db);
    expect(members.rows[0].n).toBeGreaterThan(10);
  });
});
