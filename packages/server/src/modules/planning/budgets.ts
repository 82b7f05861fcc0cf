import type { z } from 'zod';
import type { BudgetInput, MetricName, budgetRow } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { daysBetween } from '../../platform/timezone';
import type { AlertSettingsStore } from './alert-settings';
import { clipDate, parsePeriodLabel, periodDays } from './periods';
import type { PlanService } from './plans';

/** Budgets per month and channel (and campaign): spend against them, ROAS against a floor, CAC against a ceiling. */
export class Budgets {
  constructor(private readonly db: Db, private readonly plans: PlanService, private readonly settings: AlertSettingsStore) {}

  async upsert(shopId: string, budgets: readonly BudgetInput[]): Promise<{ upserted: number }> {
    const seen = new Set<string>();
    budgets.forEach((b, i) => {
      const key = `${b.month}|${b.channel}|${b.campaign}`;
      if (seen.has(key)) throw new FlywheelError('invalid_field', `budgets[${i}]: ${b.month} ${b.channel}${b.campaign ? ` / ${b.campaign}` : ''} appears twice`, `budgets[${i}]`);
      seen.add(key);
    });
    await this.db.transaction().execute(async (trx) => {
      for (const b of budgets) {
        await trx.insertInto('planning_budgets').values({
          shop_id: shopId, id: newId('bud', 12), month: b.month, channel: b.channel, campaign: b.campaign, amount: b.amount,
          roas_floor: b.roasFloor ?? null, cac_ceiling: b.cacCeiling ?? null, note: b.note ?? null,
        }).onConflict((oc) => oc.columns(['shop_id', 'month', 'channel', 'campaign']).doUpdateSet({
          amount: b.amount, roas_floor: b.roasFloor ?? null, cac_ceiling: b.cacCeiling ?? null, note: b.note ?? null, updated_at: new Date(),
        })).execute();
      }
    });
    return { upserted: budgets.length };
  }

  async delete(shopId: string, id: string) {
    const r = await this.db.deleteFrom('planning_budgets').where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new FlywheelError('not_found', `no budget ${id} in this shop`);
    return { deleted: 1 };
  }

  /** Each budget of the month with its spend (metric layer, by channel or campaign), ROAS and CAC against floor and ceiling. */
  async month(shopId: string, month: string, asOf?: string): Promise<{ month: string; asOf: string; budgets: z.output<typeof budgetRow>[]; totals: { amount: number; spend: number; remaining: number } }> {
    const period = parsePeriodLabel(month, 'month');
    const date = asOf ?? (await this.plans.today(shopId));
    const settings = await this.settings.get(shopId);
    const rows = await this.db.selectFrom('planning_budgets').selectAll().where('shop_id', '=', shopId).where('month', '=', month).orderBy('channel').orderBy('campaign').execute();
    const m = await this.plans.measure(shopId);
    const metrics: MetricName[] = ['spend', 'sales', 'roas', 'new_buyers', 'cac'];
    const byChannel = rows.some((r) => r.campaign === '') ? new Map((await m.breakdown(metrics, period, 'channel')).map((b) => [b.key, b.values])) : new Map();
    const byCampaign = new Map<string, Map<string, Record<string, number | null>>>();
    for (const channel of new Set(rows.filter((r) => r.campaign !== '').map((r) => r.channel as string))) {
      byCampaign.set(channel, new Map((await m.breakdown(metrics, { ...period, dimension: 'channel', dimensionValue: channel }, 'campaign')).map((b) => [b.key, b.values])));
    }
    const elapsedShare = daysBetween(period.from, clipDate(date, period)) / periodDays(period);
    const budgets = rows.map((r) => {
      const v = (r.campaign === '' ? byChannel.get(r.channel) : byCampaign.get(r.channel)?.get(r.campaign)) ?? {};
      const amount = Number(r.amount);
      const spend = v.spend ?? 0;
      const roasFloor = r.roas_floor === null || r.roas_floor === undefined ? settings.roasFloor : Number(r.roas_floor);
      const cacCeiling = r.cac_ceiling === null || r.cac_ceiling === undefined ? settings.cacCeiling : Number(r.cac_ceiling);
      const roas = v.roas ?? null;
      const cac = v.cac ?? null;
      return {
        id: r.id, month: r.month, channel: r.channel, campaign: r.campaign, amount, spend, remaining: amount - spend,
        used: amount === 0 ? null : spend / amount, expectedSpendToDate: Math.round(amount * elapsedShare),
        sales: v.sales ?? 0, roas, newBuyers: v.new_buyers ?? 0, cac, roasFloor, cacCeiling,
        roasBelowFloor: spend > 0 && (roas ?? 0) < roasFloor,
        cacAboveCeiling: cacCeiling !== null && spend > 0 && (cac === null ? true : cac > cacCeiling),
        overBudget: spend > amount, note: r.note ?? null,
      };
    });
    const channelRows = budgets.filter((b) => b.campaign === '');
    const amount = channelRows.reduce((a, b) => a + b.amount, 0);
    const spend = channelRows.reduce((a, b) => a + b.spend, 0);
    return { month, asOf: date, budgets, totals: { amount, spend, remaining: amount - spend } };
  }
}
