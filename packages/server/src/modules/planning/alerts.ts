import { Turns } from '../../platform/background';
import type { Logger } from 'pino';
import { DEFAULT_LOCALE, renderText, textOf, type Alert, type AlertKind, type LocalizedText, type MetricName } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { addDays } from '../../platform/timezone';
import { sigmaCheck } from './anomaly';
import { reconcile, type Condition } from './episodes';
import { parsePeriodLabel } from './periods';
import type { Planning } from './index';
import { deliverWebhook, type DeliveryOptions } from './webhook';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A failed delivery is tried again by later evaluations, up to this many attempts in all. */
const MAX_DELIVERY_ATTEMPTS = 10;
/** Below this many sessions in the window, channel shares are too thin to call a dependency. */
const MIN_SESSIONS_FOR_SHARE = 50;
export const DEFAULT_ALERT_INTERVAL_MS = 5 * 60_000;

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

function toAlert(r: Row): Alert {
  return {
    id: r.id, kind: r.kind, conditionKey: r.condition_key, severity: r.severity, status: r.status, message: r.message, text: json(r.text) ?? null, data: json(r.data) ?? {},
    openedAt: iso(r.opened_at)!, lastSeenAt: iso(r.last_seen_at)!, closedAt: iso(r.closed_at),
    delivery: { status: r.delivery_status, attempts: Number(r.delivery_attempts), deliveredAt: iso(r.delivered_at), lastError: r.last_error ?? null },
  };
}

export interface AlertServiceOptions {
  delivery?: DeliveryOptions;
}

/** The `message` column: the text in the shop default's language, for readers that do not render `text`. */
const messageOf = (text: LocalizedText) => renderText(DEFAULT_LOCALE, text);

/**
 * Alerts: conditions evaluated over the metric layer (a target off track, ROAS under its floor, CAC over
 * its ceiling, one channel carrying too much traffic, a KPI far from its recent level), stored as
 * episodes (episodes.ts) and delivered once per episode to the shop's webhook. Evaluation runs on demand
 * and, in a listening server, on an interval (the background of app.ts).
 */
export class AlertService {
  private readonly turns = new Turns();

  constructor(
    private readonly db: Db,
    private readonly planning: Pick<Planning, 'plans' | 'pacing' | 'alertSettings'>,
    private readonly shopIds: () => Promise<string[]>,
    private readonly log: Logger,
    private readonly options: AlertServiceOptions = {},
  ) {}

  async evaluateAll(): Promise<void> {
    for (const shopId of await this.shopIds()) {
      try { await this.evaluate(shopId); } catch (error) { this.log.error({ err: error, shopId }, 'alert evaluation failed; will retry on the next round'); }
    }
  }

  /** Evaluates a shop's conditions as of `asOf` (default today: the days before it are complete). One at a time per shop. */
  evaluate(shopId: string, asOf?: string): Promise<{ asOf: string; opened: Alert[]; closed: Alert[]; open: number }> {
    return this.turns.run(shopId, () => this.evaluateNow(shopId, asOf));
  }

  private async evaluateNow(shopId: string, asOfInput?: string) {
    const asOf = asOfInput ?? (await this.planning.plans.today(shopId));
    const { holding, evaluated } = await this.conditions(shopId, asOf);
    const openRows = await this.db.selectFrom('planning_alerts').selectAll().where('shop_id', '=', shopId).where('status', '=', 'open').execute();
    const plan = reconcile(openRows.map((r) => ({ id: r.id, key: r.condition_key, kind: r.kind })), holding, evaluated);
    const settings = await this.planning.alertSettings.get(shopId);
    const now = new Date();
    const openedIds: string[] = [];
    for (const c of plan.open) {
      const inserted = await this.db.insertInto('planning_alerts').values({
        shop_id: shopId, id: newId('alert', 12), condition_key: c.key, kind: c.kind, severity: c.severity, status: 'open', message: messageOf(c.text), text: JSON.stringify(c.text),
        data: JSON.stringify({ ...c.data, asOf }), opened_at: now, last_seen_at: now, delivery_status: settings.webhookUrl ? 'pending' : 'none',
      }).onConflict((oc) => oc.columns(['shop_id', 'condition_key']).where('status', '=', 'open').doNothing()).returning('id').executeTakeFirst();
      if (inserted) openedIds.push(inserted.id);
    }
    for (const { episode, condition } of plan.refresh) {
      await this.db.updateTable('planning_alerts').set({ last_seen_at: now, message: messageOf(condition.text), text: JSON.stringify(condition.text), data: JSON.stringify({ ...condition.data, asOf }), severity: condition.severity })
        .where('shop_id', '=', shopId).where('id', '=', episode.id).execute();
    }
    const closedIds = plan.close.map((e) => e.id);
    if (closedIds.length) {
      await this.db.updateTable('planning_alerts').set({ status: 'closed', closed_at: now }).where('shop_id', '=', shopId).where('id', 'in', closedIds).where('status', '=', 'open').execute();
    }
    if (settings.webhookUrl) await this.deliverPending(shopId, settings.webhookUrl);
    const byIds = async (ids: string[]) => (ids.length ? (await this.db.selectFrom('planning_alerts').selectAll().where('shop_id', '=', shopId).where('id', 'in', ids).orderBy('opened_at').execute()).map(toAlert) : []);
    const open = await this.db.selectFrom('planning_alerts').select((eb) => eb.fn.countAll().as('n')).where('shop_id', '=', shopId).where('status', '=', 'open').executeTakeFirstOrThrow();
    return { asOf, opened: await byIds(openedIds), closed: await byIds(closedIds), open: Number(open.n) };
  }

  /** Sends every episode not yet delivered (new ones, and earlier failures under the attempt cap). */
  private async deliverPending(shopId: string, url: string) {
    const pending = await this.db.selectFrom('planning_alerts').selectAll().where('shop_id', '=', shopId)
      .where('delivery_status', 'in', ['pending', 'failed']).where('delivery_attempts', '<', MAX_DELIVERY_ATTEMPTS).orderBy('opened_at').execute();
    for (const row of pending) {
      const alert = toAlert(row);
      const result = await deliverWebhook(url, { type: 'alert.opened', shopId, alert }, alert.id, this.options.delivery);
      await this.db.updateTable('planning_alerts').set({
        delivery_status: result.ok ? 'delivered' : 'failed', delivery_attempts: alert.delivery.attempts + result.attempts,
        delivered_at: result.ok ? new Date() : null, last_error: result.error,
      }).where('shop_id', '=', shopId).where('id', '=', alert.id).execute();
      if (!result.ok) this.log.warn({ shopId, alertId: alert.id, error: result.error }, 'alert webhook delivery failed; will retry');
    }
  }

  async list(shopId: string, status: 'open' | 'closed' | 'all' = 'all', limit = 100): Promise<Alert[]> {
    let q = this.db.selectFrom('planning_alerts').selectAll().where('shop_id', '=', shopId);
    if (status !== 'all') q = q.where('status', '=', status);
    return (await q.orderBy('opened_at', 'desc').orderBy('id').limit(limit).execute()).map(toAlert);
  }

  // ---- the conditions ----------------------------------------------------------------------------

  /** What holds as of `asOf`, and which kinds were looked at (only those may close episodes). */
  async conditions(shopId: string, asOf: string): Promise<{ holding: Condition[]; evaluated: Set<AlertKind> }> {
    const settings = await this.planning.alertSettings.get(shopId);
    const m = await this.planning.plans.measure(shopId);
    const currency = m.shop.currency;
    const holding: Condition[] = [];
    const evaluated = new Set<AlertKind>();

    // Targets in progress that are off track.
    for (const plan of await this.planning.plans.listPlans(shopId)) {
      if (plan.status !== 'active') continue;
      for (const t of await this.planning.plans.targets(shopId, plan.id)) {
        if (!(t.period.from < asOf && asOf < t.period.to)) continue;
        const p = await this.planning.pacing.paceTarget(m, t, asOf);
        if (p.status !== 'off_track' || p.forecast === null) continue;
        holding.push({
          key: `target_off_track:${t.id}`, kind: 'target_off_track', severity: 'critical',
          text: textOf('alert.target_off_track', {
            currency, metric: t.metric, period: t.period.label, dimension: t.dimension, dimensionValue: t.dimensionValue,
            scope: t.dimension ? 'scope.target_dimension' : 'scope.target', forecast: p.forecast, target: t.value, attainment: t.value === 0 ? null : p.forecast / t.value,
          }),
          data: { planId: plan.id, targetId: t.id, metric: t.metric, period: t.period.label, target: t.value, forecast: p.forecast, actualToDate: p.actualToDate, expectedToDate: p.expectedToDate },
        });
      }
    }
    evaluated.add('target_off_track');

    // ROAS and CAC month to date, per channel (and per campaign that has a budget).
    const lastDay = addDays(asOf, -1);
    const month = parsePeriodLabel(lastDay.slice(0, 7));
    const mtd = { from: month.from, to: asOf };
    const budgets = await this.db.selectFrom('planning_budgets').selectAll().where('shop_id', '=', shopId).where('month', '=', month.label).execute();
    const metrics: MetricName[] = ['spend', 'sales', 'roas', 'new_buyers', 'cac'];
    const units: { channel: string; campaign: string; values: Record<string, number | null> }[] = (await m.breakdown(metrics, mtd, 'channel')).map((b) => ({ channel: b.key, campaign: '', values: b.values }));
    for (const channel of new Set(budgets.filter((b) => b.campaign !== '').map((b) => b.channel as string))) {
      const byCampaign = await m.breakdown(metrics, { ...mtd, dimension: 'channel', dimensionValue: channel }, 'campaign');
      for (const b of budgets.filter((x) => x.channel === channel && x.campaign !== '')) {
        units.push({ channel, campaign: b.campaign, values: byCampaign.find((c) => c.key === b.campaign)?.values ?? {} });
      }
    }
    for (const u of units) {
      const spend = u.values.spend ?? 0;
      if (spend <= 0) continue;
      const budget = budgets.find((b) => b.channel === u.channel && b.campaign === u.campaign);
      const floor = budget?.roas_floor != null ? Number(budget.roas_floor) : settings.roasFloor;
      const ceiling = budget?.cac_ceiling != null ? Number(budget.cac_ceiling) : settings.cacCeiling;
      const scope = { channel: u.channel, campaign: u.campaign, scope: u.campaign ? 'scope.campaign' : 'scope.channel' };
      const where = `${month.label}:${u.channel}:${u.campaign}`;
      const roas = u.values.roas ?? 0;
      if (roas < floor) {
        holding.push({
          key: `roas_below_floor:${where}`, kind: 'roas_below_floor', severity: roas < floor / 2 ? 'critical' : 'warning',
          text: textOf('alert.roas_below_floor', { ...scope, currency, roas, floor, spend, sales: u.values.sales ?? 0 }),
          data: { month: month.label, channel: u.channel, campaign: u.campaign, roas, floor, spend, sales: u.values.sales ?? 0 },
        });
      }
      const cac = u.values.cac ?? null;
      if (ceiling !== null && (cac === null || cac > ceiling)) {
        holding.push({
          key: `cac_above_ceiling:${where}`, kind: 'cac_above_ceiling', severity: 'warning',
          text: cac === null
            ? textOf('alert.cac_no_new_buyers', { ...scope, currency, spend, ceiling })
            : textOf('alert.cac_above_ceiling', { ...scope, currency, cac, ceiling }),
          data: { month: month.label, channel: u.channel, campaign: u.campaign, cac, ceiling, spend, newBuyers: u.values.new_buyers ?? 0 },
        });
      }
    }
    evaluated.add('roas_below_floor');
    evaluated.add('cac_above_ceiling');

    // 单一流量依赖: one channel's share of sessions over the trailing window. Direct traffic is not a
    // source a shop can lose to an algorithm change, so it never counts as the dependency.
    const window = { from: addDays(asOf, -settings.trailingDays), to: asOf };
    const sessions = await m.breakdown(['sessions'], window, 'channel');
    const total = sessions.reduce((a, s) => a + (s.values.sessions ?? 0), 0);
    if (total >= MIN_SESSIONS_FOR_SHARE) {
      for (const s of sessions) {
        const share = (s.values.sessions ?? 0) / total;
        if (s.key === 'direct' || share <= settings.channelShareMax) continue;
        holding.push({
          key: `channel_concentration:${s.key}`, kind: 'channel_concentration', severity: 'warning',
          text: textOf('alert.channel_concentration', { channel: s.key, share, days: settings.trailingDays, max: settings.channelShareMax }),
          data: { channel: s.key, share, sessions: s.values.sessions ?? 0, totalSessions: total, max: settings.channelShareMax },
        });
      }
    }
    evaluated.add('channel_concentration');

    // A KPI on the last complete day against its trailing level.
    if (settings.anomalyMetrics.length) {
      const series = await m.series(settings.anomalyMetrics, { from: addDays(lastDay, -settings.trailingDays), to: asOf }, 'day');
      for (const metric of settings.anomalyMetrics) {
        const values = series.map((s) => s.values[metric] ?? null);
        const check = sigmaCheck(values[values.length - 1] ?? null, values.slice(0, -1), settings.sigma);
        if (!check?.anomalous) continue;
        const latest = values[values.length - 1]!;
        holding.push({
          key: `kpi_anomaly:${metric}`, kind: 'kpi_anomaly', severity: Math.abs(check.z) > 2 * settings.sigma ? 'critical' : 'warning',
          text: textOf('alert.kpi_anomaly', { currency, metric, date: lastDay, value: latest, z: Math.abs(check.z), direction: `direction.${check.direction}`, days: settings.trailingDays, mean: check.mean }),
          data: { metric, date: lastDay, value: latest, mean: check.mean, sd: check.sd, z: check.z, sigma: settings.sigma },
        });
      }
    }
    evaluated.add('kpi_anomaly');
    return { holding, evaluated };
  }
}
