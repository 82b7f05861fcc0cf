import type { MetricName } from '@flywheel/contracts';
import { count, metricValue, money, pct, signedPct } from './format';
import { direction } from './targets';

/**
 * Risks and next actions for a 复盘, derived from the review's numbers by explicit rules, each action
 * saying which number it comes from. The thresholds are the rules of thumb of the seeds:
 * conversion of a channel down 10% or more vs the previous period (with at least 30 visitors, so one
 * lost buyer is not a trend), ROAS under its floor (1:2 by default), a KPI under 90% of its target,
 * one channel over the traffic share limit (单一流量依赖), refunds up by a fifth, spend over budget.
 * Per rule, only the biggest three channels get an action (risks list them all).
 */
export interface ActionInput {
  currency: string;
  variance: { baseline: 'target' | 'previous_period'; target: number; gap: number; uvEffect: number; conversionEffect: number; perCustomerSpendEffect: number };
  drivers: { uv: { target: number | null; actual: number }; conversionRate: { target: number | null; actual: number | null }; perCustomerSpend: { target: number | null; actual: number | null } };
  kpis: readonly { metric: MetricName; target: number | null; actual: number | null; previous: number | null }[];
  channelConversion: readonly { channel: string; current: number | null; previous: number | null; uv: number }[];
  channels: readonly { key: string; spend: number; sales: number; roas: number | null; roasFloor: number; budget: number | null }[];
  channelShares: readonly { channel: string; share: number }[];
  channelShareMax: number;
  offTrack: readonly { label: string; message: string }[];
}

export interface Risk { kind: string; severity: 'info' | 'warning' | 'critical'; message: string }
export interface NextAction { action: string; because: string }

export const CONVERSION_DROP = -0.1;
export const MIN_CHANNEL_UV = 30;
export const KPI_SHORTFALL = 0.9;
export const REFUND_RISE = 0.2;
/** A report that lists every channel is not read: the biggest few per rule. */
export const MAX_ACTIONS_PER_RULE = 3;

export function risksAndActions(input: ActionInput): { risks: Risk[]; nextActions: NextAction[] } {
  const { currency } = input;
  const risks: Risk[] = [];
  const actions: NextAction[] = [];
  const v = input.variance;
  const against = v.baseline === 'target' ? 'the target' : 'the previous period';

  if (v.gap < 0) {
    const attainment = v.target > 0 ? (v.target + v.gap) / v.target : null;
    risks.push({ kind: 'sales_gap', severity: attainment !== null && attainment < KPI_SHORTFALL ? 'critical' : 'warning', message: `sales are ${money(-v.gap, currency)} short of ${against}${attainment === null ? '' : ` (${pct(attainment)} reached)`}` });
  }
  // The driver that cost the most, when it cost something worth acting on (1% of the baseline).
  const effects = [
    { driver: 'uv' as const, effect: v.uvEffect },
    { driver: 'conversion' as const, effect: v.conversionEffect },
    { driver: 'perCustomerSpend' as const, effect: v.perCustomerSpendEffect },
  ].filter((e) => e.effect < 0 && -e.effect >= Math.max(1, Math.abs(v.target) * 0.01)).sort((a, b) => a.effect - b.effect);
  for (const e of effects) {
    const d = input.drivers;
    if (e.driver === 'uv') {
      const short = d.uv.target === null ? null : Math.max(0, d.uv.target - d.uv.actual);
      actions.push({ action: 'Add traffic: raise budgets on the channels above their ROAS floor, schedule KOL and private-domain (私域) pushes', because: `traffic cost ${money(-e.effect, currency)} against ${against}${short ? ` (${count(Math.round(short))} visitors fewer than planned)` : ''}` });
    } else if (e.driver === 'conversion') {
      actions.push({ action: 'Work on conversion: detail pages and reviews of the top sellers, cart-abandonment reminders (催付), checkout friction', because: `conversion cost ${money(-e.effect, currency)} (${pct(d.conversionRate.actual, 2)} against ${pct(d.conversionRate.target, 2)})` });
    } else {
      actions.push({ action: 'Raise 客单价: bundles (3件套立减), 满减 tiers just above the current spend per buyer, add-on recommendations', because: `客单价 cost ${money(-e.effect, currency)} (${money(d.perCustomerSpend.actual === null ? null : Math.round(d.perCustomerSpend.actual), currency)} against ${money(d.perCustomerSpend.target === null ? null : Math.round(d.perCustomerSpend.target), currency)})` });
    }
  }

  // Channels whose conversion fell, the ones that lost the most buyers first (visitors x drop).
  const falling = input.channelConversion
    .filter((c) => c.current !== null && c.previous !== null && c.previous > 0 && c.uv >= MIN_CHANNEL_UV && (c.current - c.previous) / c.previous <= CONVERSION_DROP)
    .sort((a, b) => b.uv * (b.previous! - b.current!) - a.uv * (a.previous! - a.current!))
    .slice(0, MAX_ACTIONS_PER_RULE);
  for (const c of falling) {
    actions.push({ action: `Review landing pages and bids of ${c.channel}`, because: `conversion of ${c.channel} fell ${pct((c.previous! - c.current!) / c.previous!, 0)} (${pct(c.previous, 2)} -> ${pct(c.current, 2)})` });
  }

  // Budget moves only to a channel that takes real money (5% of spend or more) and clears its floor.
  const totalSpend = input.channels.reduce((a, c) => a + c.spend, 0);
  const best = input.channels.filter((c) => c.spend >= totalSpend * 0.05 && c.roas !== null && c.roas >= c.roasFloor).sort((a, b) => (b.roas ?? 0) - (a.roas ?? 0))[0];
  const underFloor = input.channels.filter((c) => c.spend > 0 && (c.roas ?? 0) < c.roasFloor).sort((a, b) => b.spend - a.spend);
  for (const c of underFloor) {
    const roas = c.roas ?? 0;
    risks.push({ kind: 'roas_below_floor', severity: roas < c.roasFloor / 2 ? 'critical' : 'warning', message: `ROAS of ${c.key} is ${roas.toFixed(2)}, under its floor of ${c.roasFloor.toFixed(2)}` });
  }
  for (const c of underFloor.slice(0, MAX_ACTIONS_PER_RULE)) {
    const roas = c.roas ?? 0;
    actions.push({ action: `Cut bids or pause the weakest ${c.key} campaigns and refresh their creatives${best && best.key !== c.key ? `; move budget to ${best.key} (ROAS ${best.roas!.toFixed(2)})` : ''}`, because: `ROAS of ${c.key} is ${roas.toFixed(2)} on ${money(c.spend, currency)} of spend (floor ${c.roasFloor.toFixed(2)})` });
  }
  for (const c of input.channels) {
    if (c.budget !== null && c.budget > 0 && c.spend > c.budget) {
      risks.push({ kind: 'over_budget', severity: 'warning', message: `${c.key} spent ${money(c.spend, currency)}, ${pct(c.spend / c.budget, 0)} of its budget of ${money(c.budget, currency)}` });
      actions.push({ action: `Cap daily spend of ${c.key} or approve the extra budget`, because: `${c.key} is ${pct(c.spend / c.budget - 1, 0)} over budget` });
    }
  }

  for (const s of input.channelShares) {
    if (s.channel === 'direct' || s.share <= input.channelShareMax) continue;
    risks.push({ kind: 'channel_concentration', severity: 'warning', message: `${s.channel} carries ${pct(s.share)} of sessions (limit ${pct(input.channelShareMax, 0)}): single-channel dependency (单一流量依赖)` });
    actions.push({ action: `Diversify traffic away from ${s.channel}: build search, private-domain and social sources`, because: `${s.channel} carries ${pct(s.share)} of sessions` });
  }

  for (const k of input.kpis) {
    if (k.target === null || k.actual === null || k.metric === 'sales') continue;
    const short = direction(k.metric) === 'higher' ? k.target > 0 && k.actual < k.target * KPI_SHORTFALL : k.target >= 0 && k.actual > k.target * (2 - KPI_SHORTFALL);
    if (short) risks.push({ kind: 'kpi_short', severity: 'warning', message: `${k.metric} is ${metricValue(k.metric, k.actual, currency)} against a target of ${metricValue(k.metric, k.target, currency)}` });
    if (short && k.metric === 'repurchase_rate') {
      actions.push({ action: 'Lift repurchase (复购): member benefits, recall dormant buyers, replenishment reminders', because: `复购率 ${pct(k.actual)} against a target of ${pct(k.target)}` });
    }
    if (short && k.metric === 'new_buyers') {
      actions.push({ action: 'Win new buyers: first-order offers (首单), referral rewards (邀请得券)', because: `${count(k.actual)} new buyers against a target of ${count(k.target)}` });
    }
  }
  const refundRate = input.kpis.find((k) => k.metric === 'refund_rate');
  if (refundRate?.actual != null && refundRate.previous != null && refundRate.previous > 0 && (refundRate.actual - refundRate.previous) / refundRate.previous >= REFUND_RISE) {
    risks.push({ kind: 'refunds_up', severity: 'warning', message: `refund rate rose ${signedPct((refundRate.actual - refundRate.previous) / refundRate.previous, 0)} to ${pct(refundRate.actual)}` });
    actions.push({ action: 'Read the refund reasons of the top-refunded products; fix descriptions, sizing or quality', because: `refund rate ${pct(refundRate.previous)} -> ${pct(refundRate.actual)}` });
  }

  for (const t of input.offTrack) risks.push({ kind: 'target_off_track', severity: 'critical', message: t.message });

  if (actions.length === 0 && v.gap === 0 && v.target === 0) {
    actions.push({ action: 'Load the shop\'s orders, visits and spend (the batch APIs or flywheel import) before reviewing', because: 'there are no sales in this period nor in its baseline' });
  }
  if (actions.length === 0) {
    actions.push(v.gap >= 0
      ? { action: 'Keep what worked and raise the next period\'s bar where the plan was beaten', because: `sales beat ${against} by ${money(v.gap, currency)}` }
      : { action: 'Watch the drivers daily; the gap has no single driver to act on yet', because: `sales are ${money(-v.gap, currency)} short of ${against}, spread over traffic, conversion and 客单价` });
  }
  return { risks, nextActions: actions };
}
