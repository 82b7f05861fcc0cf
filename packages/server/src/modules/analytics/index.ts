/** Measure: the metric layer, funnels, cohorts, attribution and product analytics. The only door into the module. */
export { AnalyticsService, type ShopContext } from './service';
export { analyticsRoutes } from './routes';
export { funnelsAnalyticsSchema } from './sequences';
export { sessionsAnalyticsSchema } from './sessions';
export { visitsAnalyticsSchema } from './visits';
