import type { Logger } from 'pino';
import type { Db } from '../../platform/db';
import type { ReviewReport } from '@flywheel/contracts';
import type { ShopContext } from '../../platform/shop-lookup';
import type { AnalyticsService } from '../analytics';
import { AlertService, type AlertServiceOptions } from './alerts';
import { ReviewService } from './review';
import { AlertSettingsStore } from './alert-settings';
import { Budgets } from './budgets';
import { DriverTrees } from './driver-trees';
import { PlanService } from './plans';
import { TargetDecomposition } from './target-decomposition';
import { TargetPacing } from './target-pacing';

export { planningMigrations } from './migrations';
export { planningRoutes } from './routes';
export { renderReview } from './report/render';
export { DEFAULT_ALERT_INTERVAL_MS } from './alerts';

/** What planning needs to know of shops: one's settings (the shared lookup), and which shops there are. */
export interface ShopDirectory {
  shop(shopId: string): Promise<ShopContext>;
  shopIds(): Promise<string[]>;
  /** What promotions cost in a window (the promotions module), for the 复盘. */
  promotionCosts(shopId: string, start: Date, end: Date): Promise<ReviewReport['promotions']>;
}

export interface Planning {
  /** Plans and targets, and the target of any period. */
  plans: PlanService;
  decomposition: TargetDecomposition;
  drivers: DriverTrees;
  pacing: TargetPacing;
  budgets: Budgets;
  alertSettings: AlertSettingsStore;
  alerts: AlertService;
  reviews: ReviewService;
  /** The Chromium that prints PDFs (config FLYWHEEL_CHROMIUM; the packaged one when undefined). */
  chromiumPath: string | undefined;
}

/** Plan and review: the services of the module, wired to the metric layer and the shop directory. */
export function createPlanning(db: Db, analytics: AnalyticsService, shops: ShopDirectory, log: Logger, options: AlertServiceOptions & { chromiumPath?: string } = {}): Planning {
  const plans = new PlanService(db, analytics, (shopId) => shops.shop(shopId));
  const alertSettings = new AlertSettingsStore(db, options.delivery?.allowPrivate);
  const parts = {
    plans, alertSettings,
    decomposition: new TargetDecomposition(db, plans),
    drivers: new DriverTrees(db, plans),
    pacing: new TargetPacing(plans),
    budgets: new Budgets(db, plans, alertSettings),
  };
  const alerts = new AlertService(db, parts, () => shops.shopIds(), log, options);
  const reviews = new ReviewService(parts, alerts, (shopId) => shops.shop(shopId), (shopId, start, end) => shops.promotionCosts(shopId, start, end));
  return { ...parts, alerts, reviews, chromiumPath: options.chromiumPath };
}
