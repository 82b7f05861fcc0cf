/** `flywheel demo` gives a shop whose customers fall into every lifecycle stage and RFM class, with the saved segments of issue 17. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycleStages, rfmClasses } from '@flywheel/contracts';
import type { Flywheel } from '../../app';
import { loadDemo, type DemoShop } from '../../cli/demo';
import { localDateOf } from '../../platform/timezone';
import { startFlywheel } from '../../testing/harness';

let fw: Flywheel;
let demo: DemoShop;
beforeAll(async () => {
  fw = await startFlywheel();
  demo = await loadDemo(fw, { seed: 7, customers: 1500, days: 400, endDate: localDateOf(new Date(), 'Asia/Shanghai') });
}, 300_000);
afterAll(async () => { await fw?.close(); });

describe('the demo shop\'s customers', () => {
  it('has customers in every lifecycle stage and every RFM class', async () => {
    const lifecycle = await fw.customers.people.lifecycle(demo.shopId);
    for (const stage of lifecycleStages) expect(lifecycle.stages.find((s) => s.stage === stage)!.customers, stage).toBeGreaterThan(0);
    const rfm = await fw.customers.people.rfm(demo.shopId);
    for (const cls of rfmClasses) expect(rfm.classes.find((c) => c.class === cls)!.customers, cls).toBeGreaterThan(0);
  });

  it('comes with the segments 沉睡高价值, 本周加购未买 and 广东新客, none empty', async () => {
    const segments = await fw.customers.segments.list(demo.shopId);
    expect(segments.map((s) => s.name)).toEqual(['沉睡高价值', '本周加购未买', '广东新客']);
    for (const s of segments) expect(s.size, s.name).toBeGreaterThan(0);
  });
});
