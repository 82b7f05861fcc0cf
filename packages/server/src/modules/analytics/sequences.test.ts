import { describe, expect, it } from 'vitest';
import { newShop, startFlywheel } from '../../testing/harness';

const START = Date.parse('2026-03-01T00:00:00+08:00');
const ctx = (shopId: string) => ({ shopId, timezone: 'Asia/Shanghai', currency: 'CNY' });
const req = {
  steps: [{ event: '$pageview' }, { event: 'Product Added' }], window: '1d', from: '2026-03-01', to: '2026-03-03', breakdown: 'channel' as const,
};

describe('funnel events after a restart', () => {
  it('are loaded again in the background before the first funnel is asked for, within the memory budget', async () => {
    const first = await startFlywheel();
    const { dataDir } = first;
    const shop = await newShop(first);
    const other = await newShop(first);
    const calls = (who: string) => [
      { type: 'page', messageId: `${who}1`, anonymousId: who, timestamp: new Date(START + 3600_000).toISOString(), context: { page: { url: 'https://shop.cn/?utm_source=baidu&utm_medium=cpc' } } },
      { type: 'track', event: 'Product Added', messageId: `${who}2`, anonymousId: who, timestamp: new Date(START + 3660_000).toISOString() },
    ];
    for (const s of [shop, other]) await first.tracking.ingest(s.shopId, { kind: 'calls', calls: calls(`${s.shopId}-v`) });
    const before = await first.analytics.funnel(ctx(shop.shopId), req);
    expect(before.breakdown).toEqual([{ key: 'paid_search', steps: expect.any(Array) }]);
    await first.close();

    const second = await startFlywheel({ dataDir });
    try {
      expect(second.analytics.sequences.holds(shop.shopId, START)).toBe(false);
      // What `flywheel serve` starts with: its background loads the shops funnels kept before.
      const warm = second.background.find((task) => task.name === 'funnel events');
      expect(warm).toBeDefined();
      expect(await second.analytics.sequences.warm()).toBe(1);
      expect(second.analytics.sequences.holds(shop.shopId, START)).toBe(true);
      expect(await second.analytics.funnel(ctx(shop.shopId), req)).toEqual(before);
      // Events since are caught up by the same background work, and kept there.
      await second.tracking.ingest(shop.shopId, { kind: 'calls', calls: calls('late') });
      expect(await second.analytics.sequences.warm()).toBe(0);
      expect((await second.analytics.funnel(ctx(shop.shopId), req)).steps.map((s) => s.people)).toEqual([2, 2]);
    } finally {
      await second.close();
    }
  });

  it('loads no more shops than fit in FLYWHEEL_FUNNEL_MEMORY', async () => {
    const first = await startFlywheel();
    const { dataDir } = first;
    const shops = [await newShop(first), await newShop(first)];
    for (const s of shops) {
      await first.tracking.ingest(s.shopId, { kind: 'calls', calls: Array.from({ length: 50 }, (_, i) => ({ type: 'page', messageId: `m${i}`, anonymousId: `v${i}`, timestamp: new Date(START + i * 60_000).toISOString() })) });
      await first.analytics.funnel(ctx(s.shopId), req);
    }
    const both = first.analytics.sequences.bytes;
    await first.close();
    // Room for one of the two shops, not both.
    const second = await startFlywheel({ dataDir, funnelMemoryBytes: Math.round(both * 0.75) });
    try {
      expect(await second.analytics.sequences.warm()).toBe(1);
      // The one used last is the one loaded.
      expect(second.analytics.sequences.holds(shops[1].shopId, START)).toBe(true);
      expect(second.analytics.sequences.holds(shops[0].shopId, START)).toBe(false);
    } finally {
      await second.close();
    }
  });
});
