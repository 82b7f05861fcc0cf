import type { Logger } from 'pino';
import type { Db } from '../../platform/db';
import type { AnalyticsService } from '../analytics';
import { AlertService, type AlertServiceOptions } from './alerts';
import { ReviewService } from './review';
import { PlanningService } from './service';

export { planningMigrations } from './migrations';
export { planningRoutes } from './routes';
export { renderReview } from './report/render';
export { DEFAULT_ALERT_INTERVAL_MS } from './alerts';

/** What planning needs of the shops module: a shop's zone, currency and name, and the list of shops. */
export interface ShopDirectory {
  getShop(shopId: string): Promise<{ id: string; name: string; timezone: string; currency: string }>;
  listShops(): Promise<{ id: string }[]>;
}

export interface Planning {
  plans: PlanningService;
  alerts: AlertService;
  reviews: ReviewService;
  /** The Chromium that prints PDFs (config FLYWHEEL_CHROMIUM; the packaged one when undefined). */
  chromiumPath: string | undefined;
}

/** Plan and review: the services of the module, wired to the metric layer and the shop directory. */
export function createPlanning(db: Db, analytics: AnalyticsService, shops: ShopDirectory, log: Logger, options: AlertServiceOptions & { chromiumPath?: string } = {}): Planning {
  const shopOf = async (shopId: string) => {
    const s = await shops.getShop(shopId);
    return { shopId, timezone: s.timezone, currency: s.currency };
  };
  const plans = new PlanningService(db, analytics, shopOf, options.delivery?.allowPrivate);
  const alerts = new AlertService(db, plans, async () => (await shops.listShops()).map((s) => s.id), log, options);
  const reviews = new ReviewService(plans, alerts, async (shopId) => (await shops.getShop(shopId)).name);
  return { plans, alerts, reviews, chromiumPath: options.chromiumPath };
}
