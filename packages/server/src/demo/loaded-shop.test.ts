/**
 * `flywheel demo` as a person opens it: the shop loaded through the services (cli/demo.ts), then read
 * through the metric layer, the planning service and the tracking debugger, as the console reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../app';
import { loadDemo, type DemoShop } from '../cli/demo';
import { call, startFlywheel } from '../testing/harness';

const END = '2026-12-03';
let fw: Flywheel;
let demo: DemoShop;
beforeAll(async () => {
  fw = await startFlywheel();
  demo = await loadDemo(fw, { seed: 7, customers: 1500, days: 400, endDate: END });
}, 600_000);
afterAll(async () => { await fw?.close(); });

describe('the demo shop, loaded', () => {
  it('ships a plan for its year: targets by quarter and month, budgets by channel and month, and a few alerts', async () => {
    const [plan, ...others] = await fw.planning.plans.listPlans(demo.shopId);
    expect(others).toEqual([]);
    expect(plan).toMatchObject({ name: '2026 年度经营计划', status: 'active', period: { label: '2026' } });
    const { targets, checks } = await fw.planning.plans.getPlan(demo.shopId, plan.id);
    const of = (metric: string, grain: string) => targets.filter((t) => t.metric === metric && t.period.grain === grain);
    for (const metric of ['sales', 'new_buyers', 'repurchase_rate', 'per_customer_spend']) {
      expect(of(metric, 'year'), metric).toHaveLength(1);
      expect(of(metric, 'quarter'), metric).toHaveLength(4);
    }
    expect(of('sales', 'month').map((t) => t.period.label)).toEqual(Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`));
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    // Budgets for the month in progress, for the channels that spend, the paid ones with their floor.
    const december = await fw.planning.budgets.month(demo.shopId, '2026-12', '2026-12-02');
    expect(december.budgets.map((b) => b.channel)).toEqual(expect.arrayContaining(['paid_search', 'paid_social', 'kol', 'private_domain']));
    expect(december.budgets.find((b) => b.channel === 'paid_social')?.roasFloor).toBe(1.6);
    const alerts = await fw.planning.alerts.list(demo.shopId, 'open');
    expect(alerts.length).toBeGreaterThanOrEqual(2);
    expect(alerts.map((a) => a.kind)).toContain('roas_below_floor');
  });

  it('reads like a real shop: ROAS 2-5, 私域 not free, every category on a margin', async () => {
    const q = (path: string) => call(fw, 'GET', path, demo.secretKey).then((r) => { expect(r.status, JSON.stringify(r.body)).toBe(200); return r.body; });
    for (const [from, to] of [['2026-10-01', '2026-11-01'], ['2026-11-01', '2026-12-01'], ['2026-01-01', END]]) {
      const { totals } = await q(`/v1/metrics?metrics=roas&from=${from}&to=${to}`);
      expect(totals.roas, from).toBeGreaterThan(2);
      expect(totals.roas, from).toBeLessThan(5);
    }
    const { channels } = await q(`/v1/attribution?model=last_touch&from=2026-01-01&to=${END}`);
    const roas = Object.fromEntries(channels.filter((c: { spend: number }) => c.spend > 0).map((c: { channel: string; roas: number }) => [c.channel, c.roas]));
    // It was 129.7: only the 私域 tools were counted, not its people and gifts.
    expect(roas.private_domain).toBeGreaterThan(2.5);
    expect(roas.private_domain).toBeLessThan(10);
    for (const [channel, value] of Object.entries(roas)) expect(value, channel).toBeLessThan(25);
    const { breakdown } = await q(`/v1/metrics?metrics=gross_margin&from=2026-01-01&to=${END}&breakdown=category`);
    expect(breakdown.length).toBeGreaterThanOrEqual(6);
    // It was 0.32% for tablets: 直降 cut a 10% margin by 15%.
    for (const row of breakdown) expect(row.values.gross_margin, row.key).toBeGreaterThan(0.08);
  });

  it('has its latest events spread over the last minutes of the day, not piled on 23:59:59', async () => {
    const { events } = await fw.tracking.recent(demo.shopId, undefined, 500);
    expect(events).toHaveLength(500);
    expect(events.filter((e) => e.timestamp.includes('T23:59:59')).length).toBeLessThanOrEqual(5);
  });

  it('runs its loyalty program from day one: tiers reached and reviewed, points earned, released and expired over the year', async () => {
    const { body: report } = await call(fw, 'GET', `/v1/loyalty/report?from=2025-10-29&to=${END}`, demo.secretKey);
    const members = Object.fromEntries(report.tiers.map((t: { key: string; members: number }) => [t.key, t.members]));
    expect(members.normal).toBeGreaterThan(members.gold);
    expect(members.gold).toBeGreaterThan(0);
    expect(report.tierMoves.upgrades).toBeGreaterThan(0);
    expect(report.tierMoves.downgrades).toBeGreaterThan(0);
    // Points of the first weeks' orders were released a week after payment and expired 12 months later, inside the history.
    expect(report.points.issued).toBeGreaterThan(0);
    expect(report.points.expired).toBeGreaterThan(0);
    expect(report.points.clawedBack).toBeGreaterThan(0);
    expect(report.points.outstanding).toBeLessThan(report.points.issued - report.points.expired);
    // The first lots (paid from 2025-10-29, released a week later) expired when due in the history, not when the demo was loaded.
    const [expiry] = await fw.db.selectFrom('points_entries').select(['created_at']).where('shop_id', '=', demo.shopId).where('kind', '=', 'expire').orderBy('created_at').limit(1).execute();
    expect(new Date(expiry.created_at as string).toISOString().slice(0, 10)).toMatch(/^2026-11-0[4-9]$/);
    // The customers list sees the same tiers.
    const list = await call(fw, 'GET', '/v1/customers?tier=gold&limit=5', demo.secretKey);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const gold = list.body.customers;
    expect(gold.length).toBeGreaterThan(0);
    expect(gold.every((c: { tier: string; points: number }) => c.tier === 'gold' && c.points >= 0)).toBe(true);
  });

  it('runs its promotions through the engine: a year of reports per promotion, coupons redeemed, every paid order\'s hold confirmed', async () => {
    const q = (path: string) => call(fw, 'GET', path, demo.secretKey).then((r) => { expect(r.status, JSON.stringify(r.body)).toBe(200); return r.body; });
    const { promotions } = await q('/v1/promotions');
    const named = (name: string) => {
      const p = promotions.find((x: { name: string }) => x.name === name);
      expect(p, name).toBeDefined();
      return p as { id: string; name: string; kind: string; status: string };
    };
    const double11 = named('2025 双11 每满300减50');
    const mid618 = named('2026 618大促 每满300减40');
    const bundle = named('零食任选3件立减15');
    expect(promotions.some((p: { kind: string }) => p.kind === 'timed_discount')).toBe(true);
    expect([double11.status, mid618.status, bundle.status]).toEqual(['ended', 'ended', 'live']);
    for (const p of [double11, mid618, bundle]) {
      const report = await q(`/v1/promotions/${p.id}/report`);
      expect(report.orders, p.name).toBeGreaterThan(5);
      expect(report.sales, p.name).toBeGreaterThan(report.discountCost);
      expect(report.discountCost, p.name).toBeGreaterThan(0);
      expect(report.held.orders, p.name).toBe(0);
    }
    // The bundle runs all year: its report spans the history.
    const { daily } = await q(`/v1/promotions/${bundle.id}/report`);
    expect(daily[0].date < '2026-01-01' && daily[daily.length - 1].date > '2026-10-01').toBe(true);
    // Paid orders confirmed their holds when the levers replayed their payment (not released by the hold's expiry).
    const holds = await fw.db.selectFrom('pricing_holds').select(['state', 'order_status']).where('shop_id', '=', demo.shopId).execute();
    expect(holds.length).toBe(demo.rows.checkouts);
    const paid = holds.filter((h) => ['paid', 'shipped', 'completed'].includes(h.order_status as string));
    expect(paid.length).toBeGreaterThan(holds.length * 0.8);
    expect(paid.filter((h) => h.state !== 'confirmed')).toEqual([]);
    const { templates } = await q('/v1/coupon-templates');
    expect(templates.find((t: { name: string }) => t.name.startsWith('新人券')).redeemed).toBeGreaterThan(10);
    // The metric layer names them.
    const { breakdown } = await q(`/v1/metrics?metrics=sales&breakdown=promotion&from=2025-11-01&to=${END}`);
    const labels = new Map(breakdown.map((row: { key: string; label?: string }) => [row.key, row.label]));
    for (const p of [double11, mid618, bundle]) expect(labels.get(p.id), p.name).toBe(p.name);
  });
});
