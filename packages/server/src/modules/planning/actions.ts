import { textOf, type LocalizedText, type MetricName } from '@flywheel/contracts';
import { direction } from './targets';

/**
 * Risks and next actions for a 复盘, derived from the review's numbers by explicit rules, each action
 * saying which number it comes from. The thresholds are the rules of thumb of the seeds:
 * conversion of a channel down 10% or more vs the previous period (with at least 30 visitors, so one
 * lost buyer is not a trend), ROAS under its floor (1:2 by default), a KPI under 90% of its target,
 * one channel over the traffic share limit (单一流量依赖), refunds up by a fifth, spend over budget.
 * Per rule, only the biggest three channels get an action (risks list them all). Each is a text of the
 * contracts' catalog (texts.ts) with its numbers, rendered in the reader's language by the report and the console.
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
  /** Targets running now that are off track: the text of each (`risk.target_off_track`). */
  offTrack: readonly LocalizedText[];
}

export interface Risk { kind: string; severity: 'info' | 'warning' | 'critical'; text: LocalizedText }
export interface NextAction { action: LocalizedText; because: LocalizedText }

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
  const act = (action: LocalizedText, because: LocalizedText) => actions.push({ action, because });
  const v = input.variance;
  const against = `baseline.${v.baseline}`;

  if (v.gap < 0) {
    const attainment = v.target > 0 ? (v.target + v.gap) / v.target : null;
    risks.push({
      kind: 'sales_gap', severity: attainment !== null && attainment < KPI_SHORTFALL ? 'critical' : 'warning',
      text: textOf('risk.sales_gap', { currency, shortfall: -v.gap, against, attainment, reached: attainment === null ? 'phrase.none' : 'risk.sales_gap.reached' }),
    });
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
      act(textOf('action.add_traffic'), textOf('because.traffic', { currency, cost: -e.effect, against, fewer: short ? Math.round(short) : null, short: short ? 'because.traffic.short' : 'phrase.none' }));
    } else if (e.driver === 'conversion') {
      act(textOf('action.conversion'), textOf('because.conversion', { currency, cost: -e.effect, actual: d.conversionRate.actual, target: d.conversionRate.target }));
    } else {
      const round = (x: number | null) => (x === null ? null : Math.round(x));
      act(textOf('action.per_customer_spend'), textOf('because.per_customer_spend', { currency, cost: -e.effect, actual: round(d.perCustomerSpend.actual), target: round(d.perCustomerSpend.target) }));
    }
  }

  // Channels whose conversion fell, the ones that lost the most buyers first (visitors x drop).
  const falling = input.channelConversion
    .filter((c) => c.current !== null && c.previous !== null && c.previous > 0 && c.uv >= MIN_CHANNEL_UV && (c.current - c.previous) / c.previous <= CONVERSION_DROP)
    .sort((a, b) => b.uv * (b.previous! - b.current!) - a.uv * (a.previous! - a.current!))
    .slice(0, MAX_ACTIONS_PER_RULE);
  for (const c of falling) {
    act(textOf('action.channel_conversion', { channel: c.channel }), textOf('because.channel_conversion', { channel: c.channel, drop: (c.previous! - c.current!) / c.previous!, previous: c.previous, current: c.current }));
  }

  // Budget moves only to a channel that takes real money (5% of spend or more) and clears its floor.
  const totalSpend = input.channels.reduce((a, c) => a + c.spend, 0);
  const best = input.channels.filter((c) => c.spend >= totalSpend * 0.05 && c.roas !== null && c.roas >= c.roasFloor).sort((a, b) => (b.roas ?? 0) - (a.roas ?? 0))[0];
  const underFloor = input.channels.filter((c) => c.spend > 0 && (c.roas ?? 0) < c.roasFloor).sort((a, b) => b.spend - a.spend);
  for (const c of underFloor) {
    const roas = c.roas ?? 0;
    risks.push({ kind: 'roas_below_floor', severity: roas < c.roasFloor / 2 ? 'critical' : 'warning', text: textOf('risk.roas_below_floor', { channel: c.key, roas, floor: c.roasFloor }) });
  }
  for (const c of underFloor.slice(0, MAX_ACTIONS_PER_RULE)) {
    const roas = c.roas ?? 0;
    act(
      best && best.key !== c.key ? textOf('action.cut_bids_move', { channel: c.key, best: best.key, bestRoas: best.roas }) : textOf('action.cut_bids', { channel: c.key }),
      textOf('because.roas_under_floor', { currency, channel: c.key, roas, spend: c.spend, floor: c.roasFloor }),
    );
  }
  for (const c of input.channels) {
    if (c.budget !== null && c.budget > 0 && c.spend > c.budget) {
      risks.push({ kind: 'over_budget', severity: 'warning', text: textOf('risk.over_budget', { currency, channel: c.key, spend: c.spend, share: c.spend / c.budget, budget: c.budget }) });
      act(textOf('action.cap_spend', { channel: c.key }), textOf('because.over_budget', { channel: c.key, over: c.spend / c.budget - 1 }));
    }
  }

  for (const s of input.channelShares) {
    if (s.channel === 'direct' || s.share <= input.channelShareMax) continue;
    risks.push({ kind: 'channel_concentration', severity: 'warning', text: textOf('risk.channel_concentration', { channel: s.channel, share: s.share, max: input.channelShareMax }) });
    act(textOf('action.diversify', { channel: s.channel }), textOf('because.channel_share', { channel: s.channel, share: s.share }));
  }

  for (const k of input.kpis) {
    if (k.target === null || k.actual === null || k.metric === 'sales') continue;
    const short = direction(k.metric) === 'higher' ? k.target > 0 && k.actual < k.target * KPI_SHORTFALL : k.target >= 0 && k.actual > k.target * (2 - KPI_SHORTFALL);
    if (short) risks.push({ kind: 'kpi_short', severity: 'warning', text: textOf('risk.kpi_short', { currency, metric: k.metric, actual: k.actual, target: k.target }) });
    if (short && k.metric === 'repurchase_rate') act(textOf('action.repurchase'), textOf('because.repurchase', { actual: k.actual, target: k.target }));
    if (short && k.metric === 'new_buyers') act(textOf('action.new_buyers'), textOf('because.new_buyers', { actual: k.actual, target: k.target }));
  }
  const refundRate = input.kpis.find((k) => k.metric === 'refund_rate');
  if (refundRate?.actual != null && refundRate.previous != null && refundRate.previous > 0 && (refundRate.actual - refundRate.previous) / refundRate.previous >= REFUND_RISE) {
    risks.push({ kind: 'refunds_up', severity: 'warning', text: textOf('risk.refunds_up', { change: (refundRate.actual - refundRate.previous) / refundRate.previous, rate: refundRate.actual }) });
    act(textOf('action.refunds'), textOf('because.refunds', { previous: refundRate.previous, actual: refundRate.actual }));
  }

  for (const text of input.offTrack) risks.push({ kind: 'target_off_track', severity: 'critical', text });

  if (actions.length === 0 && v.gap === 0 && v.target === 0) act(textOf('action.load_data'), textOf('because.no_sales'));
  if (actions.length === 0) {
    if (v.gap >= 0) act(textOf('action.keep_going'), textOf('because.beat', { currency, gap: v.gap, against }));
    else act(textOf('action.watch'), textOf('because.spread', { currency, shortfall: -v.gap, against }));
  }
  return { risks, nextActions: actions };
}
