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
 * Every step-1 event is an attempt. ASOF joins chain each attempt to the earliest next step at or after
 * the previous one (earliest is optimal for a given start); the attempt reaching the most steps (the
 * earliest of those) is the person's.
 */
function attemptsSql(req: FunnelRequest, params: Record<string, string | number>): string {
  const ctes = req.steps.map((step, i) => {
    params[`e${i}`] = step.event;
    const conds = [step.event === '$pageview' ? `type = 'page'` : `event = $e${i}`];
    Object.entries(step.where ?? {}).forEach(([key, value], j) => {
      params[`w${i}_${j}`] = String(value);
      conds.push(`json_extract_string(properties, '$.${key}') = $w${i}_${j}`);
    });
    const upper = i === 0 ? '$end' : `$end::timestamptz + interval ${windowSeconds(req.window)} second`;
    return `s${i} as (select person_id, ts${i === 0 ? ', channel' : ''} from tracked_events where shop_id = $shop and ts >= $start and ts < ${upper} and ${conds.join(' and ')})`;
  });
  // Chain one ASOF join at a time so each step starts from the previous step's time.
  let chained = `select person_id, ts as t0, channel from s0 a`;
  for (let i = 1; i < req.steps.length; i++) {
    chained = `select a.*, s${i}.ts as t${i} from (${chained}) a asof left join s${i} on s${i}.person_id = a.person_id and s${i}.ts >= a.t${i - 1}`;
  }
  const w = windowSeconds(req.window);
  const within = req.steps.slice(1).map((_, k) => `(t${k + 1} is not null and t${k + 1} <= t0 + interval ${w} second)`);
  // Matched step times only grow along the chain and a missing step leaves every later one missing,
  // so the steps reached are 1 + the steps matched within the window.
  const level = ['1', ...within.map((c) => `(${c})::int`)].join(' + ');
  return `with ${ctes.join(',\n')},
    attempts as (select *, ${level} as level from (${chained}) a),
    best as (select person_id, arg_max(struct_pack(level := level, ${req.steps.map((_, i) => `t${i} := t${i}`).join(', ')}, channel := channel), struct_pack(l := level, n := -epoch(t0))) as b from attempts group by person_id)`;
}

export async function funnel(store: AnalyticsStore, shop: ShopContext, req: FunnelRequest) {
  const p = period(req.from, req.to, shop.timezone);
  const params: Record<string, string | number> = { shop: shop.shopId, start: p.start.toISOString(), end: p.end.toISOString() };
  const base = attemptsSql(req, params);
  const n = req.steps.length;
  const cols = Array.from({ length: n }, (_, k) => {
    const reached = `count_if(b.level >= ${k + 1}) as people${k}`;
    const median = k === 0 ? '' : `, median(epoch(b.t${k}) - epoch(b.t${k - 1})) filter (where b.level >= ${k + 1}) as median${k}`;
    return reached + median;
  }).join(', ');
  const group = req.breakdown === 'channel' ? `coalesce(b.channel, 'direct')` : `''`;
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
  const rows = await store.all<{ person_id: string }>(`${attemptsSql(req, params)} select person_id from best where b.level = ${req.step - 1} order by person_id limit ${req.limit}`, params);
  return { step: req.step, people: rows.map((r) => r.person_id) };
}
