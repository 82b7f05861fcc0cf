import {
  attributionQuery, attributionResult, cohortsQuery, cohortsResult, funnelPeopleRequest, funnelPeopleResult, funnelRequest, funnelResult, metricsQuery, metricsResult,
  productAnalyticsQuery, productAnalyticsResult,
} from '@flywheel/contracts';
import { principalOf, type HttpApp } from '../../platform/http';
import type { AnalyticsService, ShopContext } from './service';

export function analyticsRoutes(app: HttpApp, analytics: AnalyticsService, shopOf: (shopId: string) => Promise<ShopContext>) {
  const shop = (request: { principal: unknown }) => shopOf(principalOf(request as never).shopId);

  app.get('/v1/metrics', {
    config: { access: 'read' },
    schema: {
      tags: ['measure'],
      summary: 'Any metrics for a period [from, to) in the shop time zone, with grain, comparison, breakdown and filter.<dimension>',
      querystring: metricsQuery,
      response: { 200: metricsResult },
    },
  }, async (request) => analytics.metrics(await shop(request), request.query));

  app.post('/v1/funnels', {
    config: { access: 'read' },
    schema: { tags: ['measure'], summary: 'Ordered steps within a conversion window: people, conversion and median time per step', body: funnelRequest, response: { 200: funnelResult } },
  }, async (request) => analytics.funnel(await shop(request), request.body));

  // Lists persons, not aggregates: analyst and above.
  app.post('/v1/funnels/people', {
    config: { access: 'analyse' },
    schema: { tags: ['measure'], summary: 'Who dropped out at a step of a funnel (reached step-1, not step)', body: funnelPeopleRequest, response: { 200: funnelPeopleResult } },
  }, async (request) => analytics.funnelDropOffs(await shop(request), request.body));

  app.get('/v1/cohorts', {
    config: { access: 'read' },
    schema: { tags: ['measure'], summary: 'Acquisition cohorts: retention, activity or LTV per later period', querystring: cohortsQuery, response: { 200: cohortsResult } },
  }, async (request) => analytics.cohorts(await shop(request), request.query));

  app.get('/v1/attribution', {
    config: { access: 'read' },
    schema: { tags: ['measure'], summary: 'Per channel: visitors, buyers, sales, new buyers, spend, CAC and ROAS (first or last touch, 30-day lookback)', querystring: attributionQuery, response: { 200: attributionResult } },
  }, async (request) => analytics.attribution(await shop(request), request.query));

  app.get('/v1/products/analytics', {
    config: { access: 'read' },
    schema: {
      tags: ['measure'],
      summary: 'Per SKU, SPU or category: views, visitors, add-to-cart, buyers, units, sales, conversion, refund rate, margin; top movers',
      querystring: productAnalyticsQuery,
      response: { 200: productAnalyticsResult },
    },
  }, async (request) => analytics.products(await shop(request), request.query));
}
