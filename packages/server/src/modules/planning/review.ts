import { DEFAULT_LOCALE, metricCatalog, renderText, textOf, type Dimension, type LocalizedText, type Locale, type MetricName, type PlanPeriod, type ReviewReport, type Target } from '@flywheel/contracts';
import { FlywheelError } from '../../platform/errors';
import type { ShopContext } from '../../platform/shop-lookup';
import { addDays, daysBetween, startOfLocalDay } from '../../platform/timezone';
import { MIN_CHANNEL_UV, risksAndActions } from './actions';
import { splitByLargestRemainder } from './allocation';
import type { AlertService } from './alerts';
import { pct } from './format';
import { distinctCountMetrics, isAdditive, isWhole, unitOf } from './targets';
import type { Measure, Values } from './measure';
import { clipDate, lastYearOf, parsePeriodLabel, periodDays, previousOf } from './periods';
import { expectedShare } from './seasonality';
import type { Budgets } from './budgets';
import type { Planning } from './index';
import { salesVariance } from './variance';

/** The KPIs every review shows, whatever the plan targets; the plan's own metrics are added to them. */
export const reviewKpis: MetricName[] = ['sales', 'gmv', 'orders', 'buyers', 'uv', 'conversion_rate', 'per_customer_spend', 'aov', 'new_buyers', 'repurchase_rate', 'refund_rate', 'spend', 'roas'];
const TOP_MOVERS = 8;

export const VARIANCE_METHOD = 'LMDI-I (log-mean Divisia index): effect_i = (S1 - S0) / (ln S1 - ln S0) x ln(x1_i / x0_i) over sales = UV x conversion x 客单价; the effects add up exactly to the gap (rounded to the cent by largest remainder); a driver that is zero takes the change at the limit';

type Range = { from: string; to: string };
const minDate = (a: string, b: string) => (a < b ? a : b);
const changePct = (current: number | null, previous: number | null) => (current === null || previous === null || previous === 0 ? null : (current - previous) / Math.abs(previous));

/**
 * The 复盘 report of a month or a quarter: target vs actual per KPI, the sales gap split by driver
 * (variance.ts), the gap by channel and category, top movers, ROI, risks and next actions. Numbers
 * come from the metric layer and the plan; this class only assembles them.
 */
export class ReviewService {
  constructor(
    private readonly planning: Pick<Planning, 'plans' | 'pacing' | 'budgets' | 'drivers' | 'alertSettings'>,
    private readonly alerts: AlertService,
    /** The shop's name and how it colours changes. */
    private readonly shopOf: (shopId: string) => Promise<Pick<ShopContext, 'name' | 'changeColours'>>,
    /** What promotions cost in a window (the promotions module). */
    private readonly promotionCosts: (shopId: string, start: Date, end: Date) => Promise<ReviewReport['promotions']>,
  ) {}

  async report(shopId: string, q: { month?: string; quarter?: string; planId?: string; asOf?: string; lang?: Locale }): Promise<ReviewReport> {
    const locale = q.lang ?? DEFAULT_LOCALE;
    const say = (text: LocalizedText) => renderText(locale, text);
    const field = q.month ? 'month' : 'quarter';
    const period = parsePeriodLabel((q.month ?? q.quarter)!, field);
    const asOf = q.asOf ?? (await this.planning.plans.today(shopId));
    if (asOf <= period.from) throw new FlywheelError('invalid_field', `${field}: ${period.label} has not started yet (as of ${asOf})`, field);
    // A review while the period runs (the seeds' 复盘 on the 25th) measures it to date, against as
    // many days of the previous period and against the target expected by then.
    const measured = { from: period.from, to: clipDate(asOf, period) };
    const inProgress = measured.to < period.to;
    const elapsed = daysBetween(measured.from, measured.to);
    const previousWhole = previousOf(period);
    const previous = { from: previousWhole.from, to: inProgress ? minDate(addDays(previousWhole.from, elapsed), previousWhole.to) : previousWhole.to };
    const m = await this.planning.plans.measure(shopId);
    const { currency, timezone } = m.shop;
    const plan = await this.planning.plans.planFor(shopId, period, q.planId);
    const targets = plan ? await this.planning.plans.targets(shopId, plan.id) : [];
    const settings = await this.planning.alertSettings.get(shopId);
    const shares = new Map<MetricName, number>();
    const shareOf = async (metric: MetricName) => {
      if (!inProgress) return 1;
      if (!shares.has(metric)) shares.set(metric, expectedShare(await this.planning.pacing.curveOf(m, metric, period), elapsed, periodDays(period)));
      return shares.get(metric)!;
    };
    const upTo = (share: number) => (inProgress ? `, ${pct(share)} of it expected by ${measured.to}` : '');

    // KPIs: target (set or derived; additive ones pro-rated while in progress) vs actual, and the change on the previous period.
    const metrics = [...new Set([...reviewKpis, ...targets.filter((t) => !t.dimension).map((t) => t.metric)])];
    const current = await this.totals(m, metrics, measured);
    const before = await this.totals(m, metrics, previous);
    const kpis = [];
    for (const metric of metrics) {
      const resolved = await this.planning.plans.resolveTarget(shopId, targets, metric, period);
      const share = resolved && isAdditive(metric) ? await shareOf(metric) : 1;
      const target = resolved === null ? null : share === 1 ? resolved.value : isWhole(metric) ? Math.round(resolved.value * share) : resolved.value * share;
      const actual = current[metric] ?? null;
      kpis.push({
        metric, label: `${metricCatalog[metric].label.en} (${metricCatalog[metric].label['zh-CN']})`, unit: unitOf(metric),
        target, actual, gap: target === null || actual === null ? null : actual - target,
        attainment: target === null || actual === null || target === 0 ? null : actual / target,
        previous: before[metric] ?? null, changePct: changePct(actual, before[metric] ?? null),
        targetSource: resolved ? `${resolved.source}${isAdditive(metric) ? upTo(share) : ''}` : null,
        targetSourceText: !resolved ? null : isAdditive(metric) && inProgress
          ? textOf('source.expected_by', { ...resolved.sourceText.values, source: resolved.sourceText.key, expectedShare: share, date: measured.to })
          : resolved.sourceText,
      });
    }

    // The sales gap by driver; without a sales target, against the previous period.
    const salesTarget = await this.planning.plans.resolveTarget(shopId, targets, 'sales', period);
    const targetShare = await shareOf('sales');
    let baseline: 'target' | 'previous_period' = 'target';
    let targetSales: number;
    let rates: { conversionRate: number | null; perCustomerSpend: number | null };
    if (salesTarget) {
      targetSales = Math.round(salesTarget.value * targetShare);
      const a = await this.planning.drivers.assumptionsFor(shopId, targets, salesTarget.target, period);
      rates = { conversionRate: a.conversionRate.value, perCustomerSpend: a.perCustomerSpend.value };
    } else {
      baseline = 'previous_period';
      targetSales = before.sales ?? 0;
      rates = { conversionRate: before.conversion_rate ?? null, perCustomerSpend: before.per_customer_spend ?? null };
    }
    const actualSales = current.sales ?? 0;
    const variance = salesVariance(targetSales, rates, { sales: actualSales, uv: current.uv ?? 0, buyers: current.buyers ?? 0 });
    const notes = [
      ...(baseline === 'previous_period' ? [textOf('note.no_sales_target')] : []),
      ...(inProgress && baseline === 'target' ? [textOf('note.in_progress', { share: targetShare, date: measured.to })] : []),
      ...variance.notes,
    ];
    const salesVarianceOut = {
      method: VARIANCE_METHOD, baseline, target: targetSales, actual: actualSales, gap: variance.gap,
      uvEffect: variance.uvEffect, conversionEffect: variance.conversionEffect, perCustomerSpendEffect: variance.perCustomerSpendEffect,
      drivers: {
        uv: { target: variance.target.uv === null ? null : Math.round(variance.target.uv), actual: current.uv ?? 0 },
        conversionRate: { target: variance.target.conversionRate, actual: current.conversion_rate ?? null },
        perCustomerSpend: { target: variance.target.perCustomerSpend, actual: current.per_customer_spend ?? null },
      },
      note: notes.length ? notes.map(say).join(locale === 'zh-CN' ? '；' : '; ') : null,
      notes,
    };

    const proRated = salesTarget ? targetSales : null;
    const gapByChannel = await this.gapBy(shopId, m, targets, period, measured, previous, 'channel', proRated, targetShare);
    const gapByCategory = await this.gapBy(shopId, m, targets, period, measured, previous, 'category', proRated, targetShare);

    // Top movers: sales by every dimension against the previous period, biggest absolute change first.
    const movers: ReviewReport['topMovers'] = [];
    for (const dimension of ['channel', 'category', 'platform', 'campaign'] as Dimension[]) {
      const cur = await m.breakdown(['sales'], measured, dimension);
      const prev = await m.breakdown(['sales'], previous, dimension);
      for (const key of new Set([...cur.map((c) => c.key), ...prev.map((p) => p.key)])) {
        const c = cur.find((x) => x.key === key)?.values.sales ?? 0;
        const p = prev.find((x) => x.key === key)?.values.sales ?? 0;
        if (c !== p) movers.push({ dimension, key, metric: 'sales', current: c, previous: p, change: c - p, changePct: changePct(c, p) });
      }
    }
    movers.sort((a, b) => Math.abs(b.change!) - Math.abs(a.change!) || a.key.localeCompare(b.key));
    const convNow = await m.breakdown(['uv', 'buyers', 'conversion_rate'], measured, 'channel');
    const convBefore = await m.breakdown(['uv', 'buyers', 'conversion_rate'], previous, 'channel');
    const channelConversion = convNow.map((c) => ({ channel: c.key, current: c.values.conversion_rate ?? null, previous: convBefore.find((p) => p.key === c.key)?.values.conversion_rate ?? null, uv: c.values.uv ?? 0 }));
    const conversionMovers = channelConversion
      .filter((c) => c.uv >= MIN_CHANNEL_UV && changePct(c.current, c.previous) !== null)
      .map((c) => ({ dimension: 'channel', key: c.channel, metric: 'conversion_rate', current: c.current, previous: c.previous, change: c.current! - c.previous!, changePct: changePct(c.current, c.previous) }))
      .sort((a, b) => Math.abs(b.changePct!) - Math.abs(a.changePct!)).slice(0, 3);
    const topMovers = [...movers.slice(0, TOP_MOVERS), ...conversionMovers];

    const roi = await this.roi(shopId, m, period, measured, settings.roasFloor);
    const daily = await this.daily(m, period, previousWhole);
    const sessions = await m.breakdown(['sessions'], measured, 'channel');
    const totalSessions = sessions.reduce((a, s) => a + (s.values.sessions ?? 0), 0);

    // Plan targets running now that are off track (pacing as of asOf).
    const offTrack: LocalizedText[] = [];
    for (const t of targets) {
      if (!(t.period.from < asOf && asOf < t.period.to) || t.dimension) continue;
      const p = await this.planning.pacing.paceTarget(m, t, asOf);
      if (p.status === 'off_track') offTrack.push(textOf('risk.target_off_track', { currency, scope: 'scope.target', metric: t.metric, period: t.period.label, forecast: p.forecast, target: t.value }));
    }
    const found = risksAndActions({
      currency, variance: salesVarianceOut, drivers: salesVarianceOut.drivers,
      kpis: kpis.map((k) => ({ metric: k.metric, target: k.target, actual: k.actual, previous: k.previous })),
      channelConversion, channels: roi.channels,
      channelShares: totalSessions >= 50 ? sessions.map((s) => ({ channel: s.key, share: (s.values.sessions ?? 0) / totalSessions })) : [],
      channelShareMax: settings.channelShareMax, offTrack,
    });
    // Open alerts the review's own rules do not cover (ROAS, off-track targets and channel share are above).
    for (const a of await this.alerts.list(shopId, 'open', 20)) {
      if (a.kind === 'kpi_anomaly' || a.kind === 'cac_above_ceiling') found.risks.push({ kind: `alert:${a.kind}`, severity: a.severity === 'critical' ? 'critical' : 'warning', text: a.text ?? textOf('phrase.message', { message: a.message }) });
    }
    const risks = found.risks.map((r) => ({ kind: r.kind, severity: r.severity, message: say(r.text), text: r.text }));
    const nextActions = found.nextActions.map((a) => ({ action: say(a.action), because: say(a.because), text: a }));

    const shop = await this.shopOf(shopId);
    const promotions = await this.promotionCosts(shopId, startOfLocalDay(measured.from, timezone), startOfLocalDay(measured.to, timezone));
    return {
      shopId, shopName: shop.name, currency, timezone, locale, changeColours: shop.changeColours, period, measured, previous, asOf, targetShare,
      plan: plan ? { id: plan.id, name: plan.name } : null,
      kpis, salesVariance: salesVarianceOut, gapByChannel, gapByCategory, topMovers, roi, daily, promotions, risks, nextActions,
    };
  }

  /**
   * Totals for the period. Distinct counts (UV, buyers) over more than a month are the sum of their
   * months, as plans count them (targets.ts); the ratios built on them follow from the same parts.
   */
  private async totals(m: Measure, metrics: readonly MetricName[], period: { from: string; to: string }): Promise<Values> {
    const totals = await m.totals(metrics, period);
    if (periodDays(period) <= 31) return totals;
    const months = await m.series(['uv', 'buyers'], period, 'month');
    const sum = (metric: MetricName) => months.reduce((a, s) => a + (s.values[metric] ?? 0), 0);
    const out: Values = { ...totals };
    for (const metric of distinctCountMetrics) if (metric in out) out[metric] = sum(metric);
    const [uv, buyers, sales] = [sum('uv'), sum('buyers'), totals.sales ?? null];
    if ('conversion_rate' in out) out.conversion_rate = uv === 0 ? null : buyers / uv;
    if ('per_customer_spend' in out && sales !== null) out.per_customer_spend = buyers === 0 ? null : Math.round(sales / buyers);
    return out;
  }

  /** Sales target vs actual by channel or category: the plan's own split, else the sales target split by last year's mix. */
  private async gapBy(shopId: string, m: Measure, targets: readonly Target[], period: PlanPeriod, measured: Range, previous: Range, dimension: Dimension, salesTarget: number | null, share: number): Promise<ReviewReport['gapByChannel']> {
    const cur = await m.breakdown(['sales'], measured, dimension);
    const prev = await m.breakdown(['sales'], previous, dimension);
    const planned = new Map<string, number>();
    for (const key of new Set(targets.filter((t) => t.metric === 'sales' && t.dimension === dimension).map((t) => t.dimensionValue!))) {
      const r = await this.planning.plans.resolveTarget(shopId, targets, 'sales', period, dimension, key);
      if (r) planned.set(key, r.value);
    }
    let source: string | null = planned.size ? 'the plan\'s targets by ' + dimension : null;
    let sourceText: LocalizedText | null = planned.size ? textOf('source.split_targets', { dimension }) : null;
    if (planned.size && share < 1) {
      // Pro-rated like the total, by largest remainder so the channels still add up.
      const keys = [...planned.keys()];
      const total = Math.round([...planned.values()].reduce((a, b) => a + b, 0) * share);
      const split = splitByLargestRemainder(total, keys.map((k) => planned.get(k)!));
      keys.forEach((k, i) => planned.set(k, split[i]));
      source += `, ${pct(share)} of them expected by ${measured.to}`;
      sourceText = textOf('source.split_targets_expected', { dimension, expectedShare: share, date: measured.to });
    }
    if (!planned.size && salesTarget !== null) {
      const history = (await m.breakdown(['sales'], lastYearOf(period), dimension)).filter((h) => (h.values.sales ?? 0) > 0);
      if (history.length) {
        const split = splitByLargestRemainder(salesTarget, history.map((h) => h.values.sales ?? 0));
        history.forEach((h, i) => planned.set(h.key, split[i]));
        source = `the sales target split by last year's ${dimension} mix`;
        sourceText = textOf('source.split_last_year', { dimension });
      }
    }
    const keys = [...new Set([...cur.map((c) => c.key), ...planned.keys()])];
    const rows = keys.map((key) => {
      const actual = cur.find((c) => c.key === key)?.values.sales ?? 0;
      const before = prev.find((p) => p.key === key)?.values.sales ?? 0;
      const target = planned.has(key) ? planned.get(key)! : source ? 0 : null;
      return { key, target, actual, gap: target === null ? null : actual - target, previous: before, changePct: changePct(actual, before) };
    });
    rows.sort((a, b) => (a.gap ?? 0) - (b.gap ?? 0) || b.actual - a.actual || a.key.localeCompare(b.key));
    return { targetSource: source, targetSourceText: sourceText, rows };
  }

  /** Spend, sales, ROAS and CAC by channel and by campaign, with the period's budgets. */
  private async roi(shopId: string, m: Measure, period: PlanPeriod, measured: Range, defaultFloor: number): Promise<ReviewReport['roi']> {
    const months = period.grain === 'quarter' ? [0, 1, 2].map((i) => `${period.from.slice(0, 4)}-${String(Number(period.from.slice(5, 7)) + i).padStart(2, '0')}`) : [period.label];
    const budgets: Awaited<ReturnType<Budgets['month']>>['budgets'] = [];
    for (const month of months) budgets.push(...(await this.planning.budgets.month(shopId, month)).budgets);
    const metrics: MetricName[] = ['spend', 'sales', 'roas', 'new_buyers', 'cac'];
    const rowsOf = async (dimension: Dimension, isChannel: boolean) => (await m.breakdown(metrics, measured, dimension))
      .filter((b) => (b.values.spend ?? 0) > 0 || (isChannel && budgets.some((x) => x.campaign === '' && x.channel === b.key)))
      .map((b) => {
        const mine = budgets.filter((x) => (isChannel ? x.campaign === '' && x.channel === b.key : x.campaign === b.key));
        return {
          key: b.key, spend: b.values.spend ?? 0, sales: b.values.sales ?? 0, roas: b.values.roas ?? null, newBuyers: b.values.new_buyers ?? 0, cac: b.values.cac ?? null,
          budget: mine.length ? mine.reduce((a, x) => a + x.amount, 0) : null,
          roasFloor: mine.find((x) => x.roasFloor !== defaultFloor)?.roasFloor ?? defaultFloor,
        };
      })
      .sort((a, b) => b.spend - a.spend || a.key.localeCompare(b.key));
    return { channels: await rowsOf('channel', true), campaigns: await rowsOf('campaign', false) };
  }

  /** Daily sales of the period beside the same day of the previous period. */
  private async daily(m: Measure, period: PlanPeriod, previous: { from: string; to: string }) {
    const cur = await m.series(['sales'], period, 'day');
    const prev = await m.series(['sales'], previous, 'day');
    const days = daysBetween(period.from, period.to);
    return Array.from({ length: days }, (_, i) => ({ date: addDays(period.from, i), sales: cur[i]?.values.sales ?? 0, previous: prev[i]?.values.sales ?? null }));
  }
}
