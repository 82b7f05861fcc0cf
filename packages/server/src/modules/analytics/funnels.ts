import { funnelWindowMs, type FunnelRequest } from '@flywheel/contracts';
import { FlywheelError } from '../../platform/errors';
import { period } from './periods';
import { channelRanks, SessionCut } from './session-rule';
import { channelOf, f64, grow, PAGE, Pacer, RARE_NAME, sortByTime, u32, type EventSequences, type ShopSequence } from './sequences';
import type { ShopContext } from './service';

/** Each person who did step 1 in the period: how many steps they reached, and on the way there. */
interface Walk {
  seq: ShopSequence;
  steps: number;
  /** Per walker: the person, the steps reached (>= 1), the channel of the chain that got there first. */
  person: Int32Array;
  level: Uint8Array;
  channel: Uint8Array;
  /** Per walker and step k >= 1: milliseconds from step k-1 to step k on the first chain to reach step k. */
  gap: Float64Array;
  walkers: number;
}

/**
 * The events that match a step with `where` conditions, as `person|time|event` keys of the sequence:
 * event properties stay in DuckDB, so these steps ask it which events qualify.
 */
async function whereMatches(sequences: EventSequences, seq: ShopSequence, shopId: string, step: FunnelRequest['steps'][number], range: { start: string; end: string }) {
  const params: Record<string, string> = { shop: shopId, start: range.start, end: range.end, event: step.event };
  const conds = [step.event === '$pageview' ? `type = 'page'` : `event = $event`];
  Object.entries(step.where ?? {}).forEach(([key, value], j) => {
    params[`w${j}`] = String(value);
    conds.push(`json_extract_string(properties, '$.${key}') = $w${j}`);
  });
  const keys = new Set<string>();
  await sequences.store.scanColumns(`select epoch_ms(ts)::double, case when user_id is null then 0::ubigint else hash(user_id) end, hash(anonymous_id), hash(event) from events
    where shop_id = $shop and ts >= $start::timestamptz and ts < $end::timestamptz and ${conds.join(' and ')}`, params, [8, 8, 8, 8], ([t, user, anon, event], rows) => {
    const [ts, u, a, e] = [f64(t), u32(user), u32(anon), u32(event)];
    for (let r = 0; r < rows; r++) {
      const who = seq.findWho(u[2 * r], u[2 * r + 1], a[2 * r], a[2 * r + 1]);
      if (who >= 0) keys.add(`${seq.personOf(who)}|${ts[r]}|${Math.min(seq.events.find(e[2 * r], e[2 * r + 1]), RARE_NAME)}`);
    }
  });
  return keys;
}

/**
 * The funnel of PRODUCT.md: a person reaches step k if they did steps 1..k in order (each at or after
 * the previous) and step k within the window from their step 1; counted per person, best attempt.
 *
 * Each person's matching events are walked once in time order (events at the same instant step by
 * step, so one event may serve two consecutive steps). For each step the walk keeps the latest chain
 * that reached it and that chain's start: a step-k event continues the latest step-(k-1) chain if it
 * is within the window of its start. That choice is always the best one: starts only grow along a
 * person's timeline, so the latest chain has the latest start and leaves the most window; if it cannot
 * reach this event, no earlier one can. A chain out of the window is never kept, as none can continue
 * it. The first chain to reach a step gives that step's time from the previous one and, for the
 * person's last step, the channel the person is broken down by: that of the session its step-1 event
 * belongs to (session-rule.ts, over all the person's events of the period, by event time).
 */
async function walk(sequences: EventSequences, shop: ShopContext, req: FunnelRequest): Promise<Walk> {
  const p = period(req.from, req.to, shop.timezone);
  const [start, end, window] = [p.start.getTime(), p.end.getTime(), funnelWindowMs(req.window)];
  return sequences.use(shop.shopId, start, (seq) => walkOver(sequences, seq, shop, req, { start, end, window }));
}

/** The step matchers of a funnel over one shop's sequence, then the walk. */
async function walkOver(sequences: EventSequences, seq: ShopSequence, shop: ShopContext, req: FunnelRequest, { start, end, window }: { start: number; end: number; window: number }): Promise<Walk> {
  const K = req.steps.length;
  const range = { start: new Date(start).toISOString(), end: new Date(end + window).toISOString() };
  const params = Object.fromEntries(req.steps.map((s, k) => [`e${k}`, s.event]));
  const hashes = await sequences.store.one<Record<string, string>>(`select ${req.steps.map((_, k) => `hash($e${k})::varchar as h${k}`).join(', ')}`, params);
  const codes = req.steps.map((s, k) => {
    if (s.event === '$pageview') return -1;
    const h = BigInt(hashes![`h${k}`]);
    return seq.events.find(Number(h & 0xffffffffn), Number(h >> 32n));
  });
  const asked = (k: number) => Object.keys(req.steps[k].where ?? {}).length > 0 || codes[k] >= RARE_NAME;
  const where = await Promise.all(req.steps.map((s, k) => (asked(k) ? whereMatches(sequences, seq, shop.shopId, s, range) : null)));

  const codeMask = new Uint16Array(Math.min(seq.events.size, RARE_NAME + 1));
  let pageMask = 0;
  let whereMask = 0;
  req.steps.forEach((s, k) => {
    if (s.event === '$pageview') pageMask |= 1 << k;
    else if (codes[k] >= 0) codeMask[Math.min(codes[k], RARE_NAME)] |= 1 << k;
    if (where[k]) whereMask |= 1 << k;
  });
  const sessions = req.breakdown === 'channel' ? new SessionCut(shop.timezone, start, end + window) : null;
  return walkSequence(seq, { steps: K, codeMask, pageMask, whereMask, where, start, end, window, sessions });
}

interface WalkSpec {
  steps: number;
  /** Per event code, the steps it matches; `pageMask`: the steps any page view matches. */
  codeMask: Uint16Array;
  pageMask: number;
  /** The steps with conditions, and per step the events that meet them. */
  whereMask: number;
  where: (Set<string> | null)[];
  start: number;
  end: number;
  window: number;
  /** Breaking down by channel: every event of the period is gathered, to cut the person's sessions with. */
  sessions: SessionCut | null;
}

/** A person's matching events, gathered for the walk (reused: a person's gather and walk never pause). */
const gathered = { t: new Float64Array(1024), bits: new Uint16Array(1024), flags: new Uint8Array(1024) };

/** The walk itself, person by person; it pauses between persons now and then. */
async function walkSequence(seq: ShopSequence, spec: WalkSpec): Promise<Walk> {
  const pacer = new Pacer();
  const [users, devices] = [seq.users.size, seq.devices.size];
  // Each customer's linked devices that hold events, as one list per customer (offsets, then devices).
  const linkedStart = new Int32Array(users + 1);
  for (let d = 0; d < devices; d++) if (seq.linkOf[d] >= 0 && seq.holds(2 * d + 1)) linkedStart[seq.linkOf[d] + 1]++;
  for (let u = 0; u < users; u++) linkedStart[u + 1] += linkedStart[u];
  const linked = new Int32Array(linkedStart[users]);
  const fill = linkedStart.slice(0, users);
  for (let d = 0; d < devices; d++) if (seq.linkOf[d] >= 0 && seq.holds(2 * d + 1)) linked[fill[seq.linkOf[d]]++] = d;

  const out: Walk = { seq, steps: spec.steps, person: new Int32Array(1024), level: new Uint8Array(1024), channel: new Uint8Array(1024), gap: new Float64Array(1024 * spec.steps), walkers: 0 };
  const state = { chainStart: new Float64Array(spec.steps), chainLast: new Float64Array(spec.steps), chainChannel: new Uint8Array(spec.steps) };
  for (let u = 0; u < users; u++) {
    if ((u & 0xfff) === 0 && pacer.due()) await pacer.pause();
    let count = gather(seq, spec, 2 * u, 2 * u, 0);
    for (let j = linkedStart[u]; j < linkedStart[u + 1]; j++) count = gather(seq, spec, 2 * linked[j] + 1, 2 * u, count);
    if (count > 0) walkPerson(out, 2 * u, count, spec, state);
  }
  for (let d = 0; d < devices; d++) {
    if ((d & 0xfff) === 0 && pacer.due()) await pacer.pause();
    if (seq.linkOf[d] >= 0) continue;
    const count = gather(seq, spec, 2 * d + 1, 2 * d + 1, 0);
    if (count > 0) walkPerson(out, 2 * d + 1, count, spec, state);
  }
  return out;
}

/**
 * Appends the events of who (its compacted group, then its blocks) that match a step in the period to
 * `gathered` from `count` on, for the walk of `person`; the new count.
 */
function gather(seq: ShopSequence, spec: WalkSpec, who: number, person: number, count: number): number {
  if (who + 1 < seq.groupStart.length) count = gatherRange(seq.t, seq.code, seq.flags, seq.groupStart[who], seq.groupStart[who + 1], spec, person, count);
  for (let b = seq.head[who]; b >= 0; b = seq.blockNext[b]) {
    if (seq.blockMax[b] < spec.start || seq.blockMin[b] >= spec.end + spec.window) continue;
    count = gatherRange(seq.bt, seq.bcode, seq.bflags, seq.blockStart[b], seq.blockStart[b] + seq.blockLength[b], spec, person, count);
  }
  return count;
}

function gatherRange(T: Float64Array, code: Uint16Array, flags: Uint8Array, from: number, to: number, spec: WalkSpec, person: number, count: number): number {
  const { codeMask, pageMask, whereMask, where, start, end, window } = spec;
  const until = end + window;
  for (let s = from; s < to; s++) {
    const t = T[s];
    if (t < start || t >= until) continue;
    let bits = codeMask[code[s]] | (flags[s] & PAGE ? pageMask : 0);
    if (t >= end) bits &= ~1; // step 1 starts in the period
    if (bits & whereMask) {
      const key = `${person}|${t}|${code[s]}`;
      for (let k = 0; k < spec.steps; k++) if ((bits >> k) & 1 && where[k] && !where[k]!.has(key)) bits &= ~(1 << k);
    }
    if (bits === 0 && !(spec.sessions && t < end)) continue;
    if (count === gathered.t.length) {
      const length = count * 2;
      gathered.t = grow(gathered.t, length);
      gathered.bits = grow(gathered.bits, length);
      gathered.flags = grow(gathered.flags, length);
    }
    gathered.t[count] = t;
    gathered.bits[count] = bits;
    gathered.flags[count] = flags[s];
    count++;
  }
  return count;
}

/**
 * Walks one person's gathered events in time order (events at the same instant step by step, so one
 * event may serve two consecutive steps), keeping for each step the latest chain that reached it.
 */
function walkPerson(out: Walk, person: number, count: number, spec: WalkSpec, state: { chainStart: Float64Array; chainLast: Float64Array; chainChannel: Uint8Array }) {
  const { steps: K, window } = spec;
  const { chainStart, chainLast, chainChannel } = state;
  // In time order already, but for a customer's several devices and late imports.
  if (spec.sessions) sessionChannels(count, spec.sessions);
  else sortByTime(gathered.t, gathered.bits, gathered.flags, 0, count);
  const { t: T, bits: B, flags: F } = gathered;
  let level = 0;
  const w = out.walkers;
  if (w === out.person.length) {
    const length = w * 2;
    out.person = grow(out.person, length);
    out.level = grow(out.level, length);
    out.channel = grow(out.channel, length);
    out.gap = grow(out.gap, length * K);
  }
  for (let a = 0; a < count;) {
    const t = T[a];
    let b = a + 1;
    let groupBits = B[a];
    while (b < count && T[b] === t) groupBits |= B[b++];
    // The steps of the events at this instant, in step order (lowest bit first).
    for (let rest = groupBits; rest !== 0; rest &= rest - 1) {
      const k = 31 - Math.clz32(rest & -rest);
      for (let e = a; e < b; e++) {
        if (!((B[e] >> k) & 1)) continue;
        if (k === 0) {
          chainStart[0] = t;
          chainLast[0] = t;
          chainChannel[0] = F[e];
          if (level === 0) { level = 1; out.channel[w] = F[e]; }
        } else if (level >= k && t <= chainStart[k - 1] + window) {
          if (level === k) {
            level = k + 1;
            out.gap[w * K + k] = t - chainLast[k - 1];
            out.channel[w] = chainChannel[k - 1];
          }
          chainStart[k] = chainStart[k - 1];
          chainLast[k] = t;
          chainChannel[k] = chainChannel[k - 1];
        }
      }
    }
    a = b;
  }
  if (level > 0) {
    out.person[w] = person;
    out.level[w] = level;
    out.walkers++;
  }
}

/**
 * Puts the gathered events in the session rule's order (time, then touches first by channel) and gives
 * each, in place of its own channel, the channel of its session.
 */
function sessionChannels(count: number, cut: SessionCut) {
  const { t, bits, flags } = gathered;
  const rank = (i: number) => channelRanks[flags[i] & ~PAGE];
  let ordered = true;
  for (let i = 1; i < count && ordered; i++) ordered = t[i] > t[i - 1] || (t[i] === t[i - 1] && rank(i) >= rank(i - 1));
  if (!ordered) {
    const order = Array.from({ length: count }, (_, i) => i).sort((u, v) => t[u] - t[v] || rank(u) - rank(v) || u - v);
    const [ts, bs, fs] = [order.map((i) => t[i]), order.map((i) => bits[i]), order.map((i) => flags[i])];
    t.set(ts);
    bits.set(bs);
    flags.set(fs);
  }
  cut.reset();
  for (let i = 0; i < count; i++) flags[i] = (flags[i] & PAGE) | cut.next(t[i], flags[i] & ~PAGE);
}

function median(values: Float64Array): number | null {
  if (values.length === 0) return null;
  values.sort();
  const mid = (values.length - 1) / 2;
  return (values[Math.floor(mid)] + values[Math.ceil(mid)]) / 2;
}

/** People, conversion and median time per step, over the walkers `pick` keeps. */
function stepsOf(req: FunnelRequest, run: Walk, pick: (w: number) => boolean) {
  const K = req.steps.length;
  const people = new Array<number>(K).fill(0);
  const gaps: number[][] = Array.from({ length: K }, () => []);
  for (let w = 0; w < run.walkers; w++) {
    if (!pick(w)) continue;
    for (let k = 0; k < run.level[w]; k++) {
      people[k]++;
      if (k > 0) gaps[k].push(run.gap[w * K + k] / 1000);
    }
  }
  return req.steps.map((s, k) => ({
    name: s.name ?? s.event,
    people: people[k],
    conversionFromPrevious: k === 0 ? (people[0] > 0 ? 1 : null) : people[k - 1] === 0 ? null : people[k] / people[k - 1],
    conversionFromFirst: people[0] === 0 ? null : people[k] / people[0],
    medianSecondsFromPrevious: k === 0 ? null : median(Float64Array.from(gaps[k])),
  }));
}

export async function funnel(sequences: EventSequences, shop: ShopContext, req: FunnelRequest) {
  const run = await walk(sequences, shop, req);
  const steps = stepsOf(req, run, () => true);
  if (req.breakdown !== 'channel') return { steps };
  const keys = new Set(Array.from(run.channel.subarray(0, run.walkers), channelOf));
  return {
    steps,
    breakdown: [...keys].map((key) => ({ key, steps: stepsOf(req, run, (w) => channelOf(run.channel[w]) === key) })).sort((a, b) => b.steps[0].people - a.steps[0].people),
  };
}

/** The people who reached step `step - 1` but not `step` (1-based), for a segment or a journey. */
export async function funnelDropOffs(sequences: EventSequences, shop: ShopContext, req: FunnelRequest & { step: number; limit: number }) {
  if (req.step > req.steps.length) throw new FlywheelError('invalid_field', `step: the funnel has ${req.steps.length} steps`, 'step');
  const run = await walk(sequences, shop, req);
  const dropped: string[] = [];
  for (let w = 0; w < run.walkers; w++) if (run.level[w] === req.step - 1) dropped.push(run.seq.personHash(run.person[w]));
  const p = period(req.from, req.to, shop.timezone);
  const rows = await sequences.store.all<{ person_id: string }>(`select distinct person_id from tracked_events
    where shop_id = $shop and ts >= $start and ts < $end and hash(person_id) in (select unnest(from_json($dropped, '["UBIGINT"]')))
    order by person_id limit ${req.limit}`, { shop: shop.shopId, start: p.start.toISOString(), end: p.end.toISOString(), dropped: `[${dropped.join(',')}]` });
  return { step: req.step, people: rows.map((r) => r.person_id) };
}
