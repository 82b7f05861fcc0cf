import { sql } from 'kysely';
import type { LoyaltyReport, TierChangeReason } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import { addMonths, startOfLocalDay } from '../../platform/timezone';
import { loadPrograms } from './programs';
import type { ShopOf } from './reactions';
import { pointsValue, rankOf, unitOf } from './rules';

/** Points outstanding (available and pending) at an instant, from the lots earned before it less what was taken of them before it. */
async function outstandingAt(db: Db, shopId: string, at: Date): Promise<{ outstanding: number; pending: number }> {
  const t = at.toISOString();
  const r = await sql<{ earned: number; taken: number; pending_earned: number; pending_taken: number }>`
    select
      (select coalesce(sum(amount), 0) from points_lots where shop_id = ${shopId} and created_at < ${t}::timestamptz)::bigint as earned,
      (select coalesce(sum(a.amount), 0) from points_allocations a join points_lots l on l.id = a.lot_id
        where a.shop_id = ${shopId} and a.at < ${t}::timestamptz and l.created_at < ${t}::timestamptz)::bigint as taken,
      (select coalesce(sum(amount), 0) from points_lots where shop_id = ${shopId} and created_at < ${t}::timestamptz and available_at > ${t}::timestamptz)::bigint as pending_earned,
      (select coalesce(sum(a.amount), 0) from points_allocations a join points_lots l on l.id = a.lot_id
        where a.shop_id = ${shopId} and a.at < ${t}::timestamptz and l.created_at < ${t}::timestamptz and l.available_at > ${t}::timestamptz)::bigint as pending_taken`.execute(db);
  const row = r.rows[0];
  return { outstanding: Number(row.earned) - Number(row.taken), pending: Number(row.pending_earned) - Number(row.pending_taken) };
}

/**
 * `GET /v1/loyalty/report?from=&to=` over [from, to) in the shop's zone: members by tier at the end
 * (with the sales of the period by each tier's members), the tier moves of the period, the points
 * issued, redeemed, expired and clawed back in it, and what is outstanding at its end as a liability
 * in money at the program's pointsPerYuan, with the same at the start of each month of the period.
 */
export async function loyaltyReport(db: Db, shopOf: ShopOf, shopId: string, from: string, to: string): Promise<LoyaltyReport> {
  const shop = await shopOf(shopId);
  const start = startOfLocalDay(from, shop.timezone);
  const end = startOfLocalDay(to, shop.timezone);
  const programs = await loadPrograms(db, shopId);
  const program = programs.at(new Date(Math.min(end.getTime(), Date.now())));
  const tiers = program.tiers;
  const base = tiers[0].key;
  const [s, e] = [start.toISOString(), end.toISOString()];

  const byTier = await sql<{ tier: string; members: number; buyers: number; sales: number }>`
    with members as (select customer_id from loyalty_members where shop_id = ${shopId} and since < ${e}::timestamptz),
    last_change as (
      select distinct on (customer_id) customer_id, to_tier from loyalty_tier_changes
      where shop_id = ${shopId} and at < ${e}::timestamptz order by customer_id, at desc, id desc),
    tiered as (select m.customer_id, coalesce(c.to_tier, ${base}) as tier from members m left join last_change c on c.customer_id = m.customer_id),
    sales as (
      select customer_id, sum(paid_amount) as sales from loyalty_orders
      where shop_id = ${shopId} and paid_at >= ${s}::timestamptz and paid_at < ${e}::timestamptz group by customer_id)
    select t.tier, count(*)::int as members, count(x.customer_id)::int as buyers, coalesce(sum(x.sales), 0)::bigint as sales
    from tiered t left join sales x on x.customer_id = t.customer_id group by t.tier`.execute(db);
  const counted = new Map(byTier.rows.map((r) => [r.tier, r]));
  const tierRows = tiers.map((t) => {
    const r = counted.get(t.key);
    const members = Number(r?.members ?? 0);
    const sales = Number(r?.sales ?? 0);
    return { key: t.key, name: t.name, minGrowth: t.minGrowth, members, buyers: Number(r?.buyers ?? 0), sales, salesPerMember: members > 0 ? sales / members : null };
  });
  // Members of a tier the program has since dropped are shown under their old key.
  for (const r of byTier.rows) {
    if (!tiers.some((t) => t.key === r.tier)) {
      const members = Number(r.members);
      tierRows.push({ key: r.tier, name: r.tier, minGrowth: 0, members, buyers: Number(r.buyers), sales: Number(r.sales), salesPerMember: members > 0 ? Number(r.sales) / members : null });
    }
  }

  const moves = await sql<{ from_tier: string | null; to_tier: string; reason: TierChangeReason; n: number }>`
    select from_tier, to_tier, reason, count(*)::int as n from loyalty_tier_changes
    where shop_id = ${shopId} and at >= ${s}::timestamptz and at < ${e}::timestamptz group by 1, 2, 3 order by 4 desc`.execute(db);
  let upgrades = 0;
  let downgrades = 0;
  for (const m of moves.rows) {
    const up = m.from_tier === null || rankOf(m.to_tier, tiers) > rankOf(m.from_tier, tiers);
    if (up) upgrades += Number(m.n);
    else downgrades += Number(m.n);
  }

  const kinds = await sql<{ kind: string; plus: number; minus: number }>`
    select kind, coalesce(sum(amount) filter (where amount > 0), 0)::bigint as plus, coalesce(-sum(amount) filter (where amount < 0), 0)::bigint as minus
    from points_entries where shop_id = ${shopId} and created_at >= ${s}::timestamptz and created_at < ${e}::timestamptz group by kind`.execute(db);
  const minus = (kind: string) => Number(kinds.rows.find((k) => k.kind === kind)?.minus ?? 0);
  const unit = unitOf(shop.currency);
  const worth = (points: number) => pointsValue(points, program.points.redeem.pointsPerYuan, unit);

  const atEnd = await outstandingAt(db, shopId, end);
  const dates: string[] = [];
  for (let month = `${from.slice(0, 7)}-01`; month < to; month = addMonths(month, 1)) if (month >= from) dates.push(month);
  if (dates[0] !== from) dates.unshift(from);
  const series = [];
  for (const date of dates) {
    const o = await outstandingAt(db, shopId, startOfLocalDay(date, shop.timezone));
    series.push({ date, outstanding: o.outstanding, liability: worth(o.outstanding) });
  }
  series.push({ date: to, outstanding: atEnd.outstanding, liability: worth(atEnd.outstanding) });

  return {
    from, to, currency: shop.currency,
    tiers: tierRows,
    tierMoves: { upgrades, downgrades, moves: moves.rows.map((m) => ({ from: m.from_tier, to: m.to_tier, reason: m.reason, count: Number(m.n) })) },
    points: {
      issued: kinds.rows.reduce((sum, k) => sum + Number(k.plus), 0),
      redeemed: minus('redeem'), expired: minus('expire'), clawedBack: minus('clawback'), adjustedOut: minus('adjust'),
      outstanding: atEnd.outstanding, pending: atEnd.pending, liability: worth(atEnd.outstanding),
    },
    liabilitySeries: series,
  };
}
