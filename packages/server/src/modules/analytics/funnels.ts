import type { FunnelRequest } from '@flywheel/contracts';
import type { AnalyticsStore } from '../../platform/analytics-store';
import { FlywheelError } from '../../platform/errors';
import { period } from './periods';
import type { ShopContext } from './service';

const windowSeconds = (w: string) => Number(w.slice(0, -1)) * { m: 60, h: 3600, d: 86400 }[w.slice(-1) as 'm' | 'h' | 'd'];

/**
 * The funnel of PRODUCT.md: a person reaches step k if they did steps 1..k in order (each at or after
 * the previous) and step k within the window from their step 1; counted per person, best attempt.
 *
 * Chains are built backwards: a step-k event continues from the LATEST step-(k-1) event at or before
 * it (an ASOF join) and inherits that chain's start. That choice is always the best one: starts only
 * grow along a person's timeline, so the latest predecessor has the latest start, leaving the most
 * window; and if it cannot reach this event within the window, no earlier one can. So a person
 * reaches step k exactly when one of their step-k events ends a valid chain. A chain is valid when its
 * last event is within the window of its start (its earlier events are no later), and a chain that is
 * not cannot be continued into a valid one (a later event is further from an even later-or-equal
 * start), so each level keeps only valid chains. Persons are joined on a 64-bit hash of their id,
 * which keeps the ASOF joins fast. (One event matching two consecutive steps may serve as both.)
 */
function levelsSql(req: FunnelRequest, params: Record<string, string | number>): string {
  const w = windowSeconds(req.window);
  const matches = req.steps.map((step, i) => {
    params[`e${i}`] = step.event;
    const conds = [step.event === '$pageview' ? `type = 'page'` : `event = $e${i}`];
    Object.entries(step.where ?? {}).forEach(([key, value], j) => {
      params[`w${i}_${j}`] = String(value);
      conds.push(`json_extract_string(properties, '$.${key}') = $w${i}_${j}`);
    });
    if (i === 0) conds.push('ts < $end');
    return `coalesce(${conds.join(' and ')}, false) as m${i}`;
  });
  const ctes = [
    `hits as materialized (select * from (select hash(person_id) as p, ts, channel, ${matches.join(', ')} from tracked_events
      where shop_id = $shop and ts >= $start and ts < $end::timestamptz + interval ${w} second) where ${req.steps.map((_, i) => `m${i}`).join(' or ')})`,
    `c0 as (select p, ts, ts as start, channel as ch, 0.0 as gap from hits where m0)`,
  ];
  for (let k = 1; k < req.steps.length; k++) {
    ctes.push(`c${k} as (select b.p, b.ts, a.start, a.ch, epoch(b.ts) - epoch(a.ts) as gap
      from (select p, ts from hits where m${k}) b asof join c${k - 1} a on a.p = b.p and a.ts <= b.ts
      where b.ts <= a.start + interval ${w} second)`);
  }
  const levels = req.steps.map((_, k) => `select p, ${k} as k, ts, gap, ch from c${k}`).join(' union all ');
  const gaps = req.steps.slice(1).map((_, j) => `, arg_min(gap, ts) filter (where k = ${j + 1}) as gap${j + 1}`).join('');
  ctes.push(`best as (select p, max(k) + 1 as level, arg_max(ch, k * 100000000000 - epoch(ts)) as channel${gaps} from (${levels}) group by p)`);
  return `with ${ctes.join(',\n')}`;
}

export async function funnel(store: AnalyticsStore, shop: ShopContext, req: FunnelRequest) {
  const p = period(req.from, req.to, shop.timezone);
  const params: Record<string, string | number> = { shop: shop.shopId, start: p.start.toISOString(), end: p.end.toISOString() };
  const base = levelsSql(req, params);
  const n = req.steps.length;
  const cols = Array.from({ length: n }, (_, k) => {
    const reached = `count_if(level >= ${k + 1}) as people${k}`;
    const median = k === 0 ? '' : `, median(gap${k}) filter (where level >= ${k + 1}) as median${k}`;
    return reached + median;
  }).join(', ');
  const group = req.breakdown === 'channel' ? `coalesce(channel, 'direct')` : `''`;
  const rows = await store.all(`${base} select ${group} as g, ${cols} from best group by g`, params);
  const steps = (row: Record<string, unknown> | undefined) => req.steps.map((s, k) => {
    const people = Number(row?.[`people${k}`] ?? 0);
    const prev = k === 0 ? people : Number(row?.[`people${k - 1}`] ?? 0);
    const first = Number(row?.people0 ?? 0);
    const median = k === 0 ? null : (row?.[`median${k}`] as number | null | undefined) ?? null;
    return {
      name: s.name ?? s.event,
      people,
      conversionFromPrevious: k === 0 ? (people > 0 ? 1 : null) : prev === 0 ? null : people / prev,
      conversionFromFirst: first === 0 ? null : people / first,
      medianSecondsFromPrevious: median === null ? null : Number(median),
    };
  });
  if (req.breakdown !== 'channel') return { steps: steps(rows[0]) };
  const total = await store.all(`${base} select ${cols} from best`, params);
  return {
    steps: steps(total[0]),
    breakdown: rows.map((r) => ({ key: String(r.g), steps: steps(r) })).sort((a, b) => b.steps[0].people - a.steps[0].people),
  };
}

/** The people who reached step `step - 1` but not `step` (1-based), for a segment or a journey. */
export async function funnelDropOffs(store: AnalyticsStore, shop: ShopContext, req: FunnelRequest & { step: number; limit: number }) {
  if (req.step > req.steps.length) throw new FlywheelError('invalid_field', `step: the funnel has ${req.steps.length} steps`, 'step');
  const p = period(req.from, req.to, shop.timezone);
  const params: Record<string, string | number> = { shop: shop.shopId, start: p.start.toISOString(), end: p.end.toISOString() };
  const rows = await store.all<{ person_id: string }>(`${levelsSql(req, params)},
    dropped as (select p from best where level = ${req.step - 1})
    select distinct person_id from tracked_events
    where shop_id = $shop and ts >= $start and ts < $end and hash(person_id) in (select p from dropped) order by person_id limit ${req.limit}`, params);
  return { step: req.step, people: rows.map((r) => r.person_id) };
}
