import { metricsQuery, metricsResult } from '@flywheel/contracts';
import { principalOf, type HttpApp } from '../../platform/http';
import type { AnalyticsService, ShopContext } from './service';

export function analyticsRoutes(app: HttpApp, analytics: AnalyticsService, shopOf: (shopId: string) => Promise<ShopContext>) {
  app.get('/v1/metrics', {
    config: { access: 'read' },
    schema: {
      tags: ['measure'],
      summary: 'Any metrics for a period [from, to) in the shop time zone, with grain, comparison, breakdown and filter.<dimension>',
      querystring: metricsQuery,
      response: { 200: metricsResult },
    },
  }, async (request) => analytics.metrics(await shopOf(principalOf(request).shopId), request.query));
}
