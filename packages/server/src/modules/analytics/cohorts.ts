import type { z } from 'zod';
import type { cohortsQuery } from '@flywheel/contracts';
import type { AnalyticsStore } from '../../platform/analytics-store';
import { addDays, addMonths, localDateOf } from '../../platform/timezone';
import { period } from './periods';
import type { ShopContext } from './service';

export type CohortsQuery = z.infer<typeof cohortsQuery>;

const acquisition = {
  first_order: `select customer_id as person, min(paid_at) as t0 from orders where shop_id = $shop and paid_at is not null group by 1`,
  signup: `select customer_id as person, registered_at as t0 from customers where shop_id = $shop and registered_at is not null`,
  first_visit: `select person_id as person, min(ts) as t0 from tracked_events where shop_id = $shop group by 1`,
};

/**
 * Acquisition cohorts against later periods. values[k] is for the k-th period after the cohort's own:
 * retention = share of the cohort with a paid order in it; activity = share with any tracked event;
 * ltv = cumulative net sales (paid minus refunded) per cohort customer through it. Periods that have not
 * ended yet are left out.
 */
export async function cohorts(store: AnalyticsStore, shop: ShopContext, q: CohortsQuery, now = new Date()) {
  const p = period(q.from, q.to, shop.timezone);
  const params = { shop: shop.shopId, tz: shop.timezone, start: p.start.toISOString(), end: p.end.toISOString() };
  const bucket = (col: string) => `date_trunc('${q.grain}', timezone($tz, ${col}))`;
  const activity = q.measure === 'activity'
    ? `select person_id as person, ${bucket('ts')} as p, 0 as net, true as active from tracked_events where shop_id = $shop and person_id in (select person from members) group by all`
      // A purchase is a paid order, whatever its amount: the definition of buyers (and so of the cohort itself).
    : `select customer_id as person, ${bucket('paid_at')} as p, sum(paid_amount) as net, true as active from orders where shop_id = $shop and paid_at is not null group by all`
      // Refunds lower LTV; they never make a customer active, so retention needs none.
      + (q.measure !== 'ltv' ? '' : `
       union all
       select o.customer_id, ${bucket('r.created_at')}, -sum(r.amount), false from refunds r join orders o on o.shop_id = r.shop_id and o.order_id = r.order_id
       where r.shop_id = $shop and o.customer_id in (select person from members) group by all`);
  const rows = await store.all<{ cohort: string; k: number; size: number; active: number; net: number }>(`
    with members as (select person, ${bucket('t0')} as cohort from (${acquisition[q.by]}) where t0 >= $start and t0 < $end),
    sizes as (select cohort, count(*) as size from members group by cohort),
    -- one row per person and period (LTV adds refund rows, but counts no one active), so counting rows counts people
    acts as (${activity}),
    per_period as (
      select m.cohort, date_diff('${q.grain}', m.cohort, a.p) as k, count_if(a.active) as active, sum(a.net) as net
      from members m join acts a on a.person = m.person and a.p >= m.cohort group by all)
    select strftime(s.cohort, '%Y-%m-%d') as cohort, s.size, coalesce(pp.k, 0) as k, coalesce(pp.active, 0) as active, coalesce(pp.net, 0) as net
    from sizes s left join per_period pp on pp.cohort = s.cohort order by 1, 3`, params);

  const today = localDateOf(now, shop.timezone);
  const next = (d: string, n: number) => (q.grain === 'week' ? addDays(d, 7 * n) : addMonths(d, n));
  const byCohort = new Map<string, { size: number; perK: Map<number, { active: number; net: number }> }>();
  for (const r of rows) {
    const c = byCohort.get(r.cohort) ?? { size: Number(r.size), perK: new Map() };
    c.perK.set(Number(r.k), { active: Number(r.active), net: Number(r.net) });
    byCohort.set(r.cohort, c);
  }
  return {
    cohorts: [...byCohort.entries()].map(([cohort, { size, perK }]) => {
      const values: (number | null)[] = [];
      let cumulative = 0;
      for (let k = 0; k < q.periods; k++) {
        if (next(cohort, k + 1) > today) break; // period k has not ended yet
        const at = perK.get(k) ?? { active: 0, net: 0 };
        cumulative += at.net;
        values.push(size === 0 ? null : q.measure === 'ltv' ? Math.round(cumulative / size) : at.active / size);
      }
      return { cohort, size, values };
    }),
  };
}
