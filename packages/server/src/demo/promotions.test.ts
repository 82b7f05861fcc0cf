import { describe, expect, it } from 'vitest';
import { generateProducts, indexCatalog } from './catalog';
import { toDayNumber } from './calendar';
import { ShopClock } from './clock';
import { DemoOffers, standingCoupons } from './promotions';

const skus = indexCatalog(7, generateProducts(7)).skus;
const start = toDayNumber('2025-10-29');
const offers = new DemoOffers(start, 400, skus, new ShopClock('Asia/Shanghai'));
const named = (name: string) => offers.promotions.find((p) => p.create.name === name);

describe('the demo offers (from the retail calendar)', () => {
  it('makes one 满减 promotion per campaign run, windowed to its local days', () => {
    expect(named('2025 双11 每满300减50')?.create).toMatchObject({
      kind: 'threshold', status: 'live', startsAt: '2025-11-01T00:00:00+08:00', endsAt: '2025-11-14T00:00:00+08:00',
      rule: { basis: 'amount', tiers: [{ min: 30000, off: 5000 }], repeat: true },
    });
    expect(named('2026 双11 店铺满减 满400减30/满800减80')?.create).toMatchObject({ stacking: { group: 'shop' }, rule: { tiers: [{ min: 40000, off: 3000 }, { min: 80000, off: 8000 }], repeat: false } });
    expect(named('2026 618大促 每满300减40')?.create).toMatchObject({ startsAt: '2026-05-31T00:00:00+08:00', endsAt: '2026-06-21T00:00:00+08:00' });
    const names = offers.promotions.map((p) => p.create.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('cuts promoted SKUs by 10% (15% on peak days) in whole yuan, never past half their margin', () => {
    const peak = named('2026 618大促 巅峰直降 06-18');
    expect(peak?.create.kind).toBe('timed_discount');
    const prices = (peak?.create.rule as { prices: Record<string, number> }).prices;
    expect(Object.keys(prices).length).toBeGreaterThan(20);
    for (const [sku, price] of Object.entries(prices)) {
      const info = skus.find((s) => s.sku === sku)!;
      expect(info.onPromotion).toBe(true);
      expect((info.price - price) % 100).toBe(0);
      expect(info.price - price).toBeLessThanOrEqual(info.price * 0.15);
      expect(info.price - price).toBeLessThanOrEqual((info.price - info.cost) / 2);
    }
    expect(offers.lineSources.has(peak!.key)).toBe(true);
  });

  it('runs the snack bundle all year, on 食品 under 100 yuan, in its own stacking group', () => {
    const bundle = named('零食任选3件立减15')!;
    expect(bundle.create).toMatchObject({ kind: 'bundle', rule: { quantity: 3, off: 1500 }, stacking: { group: 'bundle' }, startsAt: '2025-10-29T00:00:00+08:00' });
    expect(bundle.create.scope.skus.length).toBeGreaterThan(10);
    for (const sku of bundle.create.scope.skus) expect(skus.find((s) => s.sku === sku)).toMatchObject({ category: '食品' });
  });

  it('has a template for every coupon buyers use, found by its code on the day', () => {
    expect(offers.templateOf({ code: 'D11-80', threshold: 59900, off: 8000 }, toDayNumber('2026-11-11')).create).toMatchObject({
      name: '2026 双11 满599减80券', discount: { off: 8000 }, minSpend: 59900, validity: { from: '2026-11-01T00:00:00+08:00', to: '2026-11-14T00:00:00+08:00' }, total: -1,
    });
    for (const c of Object.values(standingCoupons)) expect(offers.templateOf(c, toDayNumber('2026-03-01')).create.minSpend).toBe(c.threshold);
    expect(() => offers.templateOf({ code: 'D11-80', threshold: 59900, off: 8000 }, toDayNumber('2026-07-01'))).toThrow(/no coupon template D11-80/);
  });
});
