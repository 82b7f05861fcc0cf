import { sql } from 'kysely';
import type { Db } from '../../platform/db';
import type { JobInput, Trx } from '../../platform/jobs';
import { localDateOf } from '../../platform/timezone';
import { QUEUES, type PointsBook } from './book';
import type { ProgramHistory } from './programs';
import { decideTier, nextMonthStart, windowMs } from './rules';

export interface GrowthAsk { customerId: string; at: Date }

/**
 * Growth values (成长值) at instants: floor(net sales in 元 × perYuan) over the orders paid in the
 * window (each order at the growth rate of the program it was paid under, less what was refunded of
 * it by then), plus the interactions of the window at their weights. The window is (at − window, at].
 */
export async function growthAt(trx: Trx | Db, shopId: string, programs: ProgramHistory, asks: readonly GrowthAsk[]): Promise<number[]> {
  if (asks.length === 0) return [];
  const rows = asks.map((a, i) => ({ i, customer_id: a.customerId, t: a.at.toISOString(), w_ms: windowMs(programs.at(a.at).growth.window) }));
  const result = await sql<{ i: number; spend: string | number; interactions: string | number }>`
    with asks as (select * from json_to_recordset(${JSON.stringify(rows)}::json) as a(i integer, customer_id text, t timestamptz, w_ms bigint)),
    bounds as (select i, customer_id, t, t - w_ms * interval '1 millisecond' as since from asks),
    paid as (
      select b.i, b.t, o.order_id, o.paid_amount, o.growth_rate, o.unit
      from bounds b join loyalty_orders o on o.shop_id = ${shopId} and o.customer_id = b.customer_id and o.paid_at > b.since and o.paid_at <= b.t),
    refunded as (
      select p.i, p.order_id, sum(r.amount) as amount
      from paid p join loyalty_refunds r on r.shop_id = ${shopId} and r.order_id = p.order_id and r.created_at <= p.t group by p.i, p.order_id),
    spend as (
      select p.i, div(sum(greatest(p.paid_amount - coalesce(r.amount, 0), 0)::numeric * p.growth_rate), min(p.unit) * 10000) as spend
      from paid p left join refunded r on r.i = p.i and r.order_id = p.order_id group by p.i),
    interactions as (
      select b.i, sum(g.growth) as interactions
      from bounds b join loyalty_interactions g on g.shop_id = ${shopId} and g.customer_id = b.customer_id and g.at > b.since and g.at <= b.t group by b.i)
    select a.i, coalesce(s.spend, 0) as spend, coalesce(g.interactions, 0) as interactions
    from asks a left join spend s on s.i = a.i left join interactions g on g.i = a.i`.execute(trx);
  const out = new Array<number>(asks.length).fill(0);
  for (const r of result.rows) out[Number(r.i)] = Number(r.spend) + Number(r.interactions);
  return out;
}

/** The monthly review of a shop's tiers on the 1st (local) of the month after `at`. */
export function reviewJob(shopId: string, at: Date, timezone: string): JobInput {
  const runAt = nextMonthStart(at, timezone);
  return { queue: QUEUES.tierReview, key: `${shopId}:${localDateOf(runAt, timezone).slice(0, 7)}`, shopId, payload: {}, runAt };
}

export interface TierChangeRow {
  shop_id: string; customer_id: string; from_tier: string | null; to_tier: string; reason: string; growth: number; source: string | null; at: string; key: string;
}

export async function recordTierChanges(trx: Trx, rows: readonly TierChangeRow[]) {
  for (let i = 0; i < rows.length; i += 500) {
    await trx.insertInto('loyalty_tier_changes').values(rows.slice(i, i + 500)).onConflict((oc) => oc.columns(['shop_id', 'key']).doNothing()).execute();
  }
}

/**
 * Upgrades at once: after what raised growth values (an order, an interaction, a sign-in), each
 * member's value at each such moment is compared with the tier held, in time order, and a tier
 * reached is taken from that moment. A value below the tier changes nothing now: the monthly review
 * (whose job this makes sure exists) decides. A moment before the member's last tier change is read
 * at that change, so the history never runs backwards.
 */
export async function upgradeTiers(trx: Trx, book: PointsBook, programs: ProgramHistory, asks: readonly (GrowthAsk & { source: string })[], timezone: string, now = new Date()): Promise<TierChangeRow[]> {
  const known = asks.filter((a) => book.members.has(a.customerId))
    .map((a) => {
      const since = book.members.get(a.customerId)!.tierSince;
      return { ...a, at: a.at < since ? since : a.at };
    })
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const growth = await growthAt(trx, book.shopId, programs, known);
  const changes: TierChangeRow[] = [];
  known.forEach((ask, i) => {
    const member = book.members.get(ask.customerId)!;
    const tiers = programs.at(ask.at).tiers;
    const decision = decideTier(member.tier, growth[i], tiers);
    if (decision.kind !== 'upgrade') return;
    const programChanged = tiers.every((t) => t.key !== member.tier);
    changes.push({
      shop_id: book.shopId, customer_id: member.customerId, from_tier: member.tier, to_tier: decision.to.key, reason: programChanged ? 'program_changed' : 'growth_reached',
      growth: growth[i], source: ask.source, at: ask.at.toISOString(), key: `up:${member.customerId}:${decision.to.key}:${ask.at.getTime()}`,
    });
    member.tier = decision.to.key;
    member.tierSince = ask.at;
    book.touch(member.customerId);
    book.jobs.push(reviewJob(book.shopId, ask.at, timezone), reviewJob(book.shopId, now, timezone));
  });
  await recordTierChanges(trx, changes);
  return changes;
}
