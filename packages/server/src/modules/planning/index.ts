import type { Logger } from 'pino';
import type { Db } from '../../platform/db';
import type { ShopContext } from '../../platform/shop-lookup';
import type { AnalyticsService } from '../analytics';
import { AlertService, type AlertServiceOptions } from './alerts';
import { ReviewService } from './review';
import { PlanningService } from './service';

export { planningMigrations } from './migrations';
export { planningRoutes } from './routes';
export { renderReview } from './report/render';
export { DEFAULT_ALERT_INTERVAL_MS } from './alerts';

/** What planning needs to know of shops: one's settings (the shared lookup), and which shops there are. */
export interface ShopDirectory {
  shop(shopId: string): Promise<ShopContext>;
  shopIds(): Promise<string[]>;
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
  const plans = new PlanningService(db, analytics, (shopId) => shops.shop(shopId), options.delivery?.allowPrivate);
  const alerts = new AlertService(db, plans, () => shops.shopIds(), log, options);
  const reviews = new ReviewService(plans, alerts, async (shopId) => (await shops.shop(shopId)).name);
  return { plans, alerts, reviews, chromiumPath: options.chromiumPath };
}
