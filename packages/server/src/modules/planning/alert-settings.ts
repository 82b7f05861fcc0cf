import type { AlertSettings } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import { assertPublicUrl } from '../../platform/outbound';
import { json } from './target-rows';

export const defaultAlertSettings: AlertSettings = {
  webhookUrl: null,
  channelShareMax: 0.5, // the seeds' 单一流量依赖 risk: one channel carrying over half the traffic
  sigma: 3,
  trailingDays: 28,
  roasFloor: 2, // the seeds' 1:2: "每月监控广告ROI，低于1:2的及时调整出价或素材"
  cacCeiling: null,
  anomalyMetrics: ['sales', 'orders', 'uv', 'conversion_rate'],
};

/** A shop's alert settings (budgets take their default ROAS floor and CAC ceiling from them). */
export class AlertSettingsStore {
  constructor(
    private readonly db: Db,
    /** Webhooks may point at loopback and private addresses (FLYWHEEL_ALLOW_PRIVATE_WEBHOOKS). */
    private readonly allowPrivateWebhooks = false,
  ) {}

  async get(shopId: string): Promise<AlertSettings> {
    const row = await this.db.selectFrom('planning_alert_settings').select(['settings']).where('shop_id', '=', shopId).executeTakeFirst();
    return { ...defaultAlertSettings, ...(json<Partial<AlertSettings>>(row?.settings) ?? {}) };
  }

  async update(shopId: string, patch: Partial<AlertSettings>): Promise<AlertSettings> {
    if (patch.webhookUrl) await assertPublicUrl(patch.webhookUrl, 'webhookUrl', this.allowPrivateWebhooks);
    const next = { ...(await this.get(shopId)), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    await this.db.insertInto('planning_alert_settings').values({ shop_id: shopId, settings: JSON.stringify(next) })
      .onConflict((oc) => oc.column('shop_id').doUpdateSet({ settings: JSON.stringify(next), updated_at: new Date() })).execute();
    return next;
  }
}
