import { z } from 'zod';
import { aliasCall, batchBody, identifyCall, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, pageCall, recentEvents, recentEventsQuery, trackCall, trackResult, rejectedRecord, type CallType } from '@flywheel/contracts';
import { principalOf, type HttpApp } from '../../platform/http';
import { FlywheelError } from '../../platform/errors';
import type { TrackingService } from './service';

const result = trackResult.extend({ rejected: z.array(rejectedRecord) });

/** Segment-compatible tracking: storefronts call these with the publishable key. */
export function trackingRoutes(app: HttpApp, tracking: TrackingService) {
  const single = (path: string, type: CallType, schema: z.ZodType, summary: string) =>
    app.post(path, {
      config: { access: 'track' },
      bodyLimit: 32 * 1024,
      schema: { tags: ['tracking'], summary, body: schema, response: { 200: result } },
    }, async (request) => {
      const r = await tracking.ingest(principalOf(request).shopId, { kind: 'calls', calls: [request.body] }, { defaultType: type });
      if (r.rejected.length > 0) throw new FlywheelError('invalid_field', r.rejected[0].message, r.rejected[0].field);
      return { success: true as const, accepted: r.accepted, duplicates: r.duplicates, rejected: [] };
    });

  single('/v1/track', 'track', trackCall, 'Record an action (Segment track)');
  single('/v1/page', 'page', pageCall, 'Record a page view (Segment page)');
  single('/v1/screen', 'screen', pageCall, 'Record an app screen view (Segment screen)');
  single('/v1/identify', 'identify', identifyCall, 'Tie the anonymous visitor to a customer (Segment identify)');
  single('/v1/alias', 'alias', aliasCall, 'Merge a previous id into a user id (Segment alias)');

  // The batch body is taken as bytes and parsed and validated (with `batchBody`) by the tracking
  // service's worker, off the main thread: for a 500-event batch that is most of the work. The schema
  // here documents it.
  void app.register(async (scope) => {
    scope.removeContentTypeParser(['application/json', 'text/plain']);
    scope.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post('/v1/batch', {
      config: { access: 'track' },
      bodyLimit: MAX_BATCH_BYTES,
      schema: {
        tags: ['tracking'],
        summary: `Send up to ${MAX_BATCH_EVENTS} calls (${MAX_BATCH_BYTES / 1024} KB) at once; valid calls land even if others are rejected`,
        body: batchBody,
        response: { 200: result },
      },
      validatorCompiler: () => (body) => ({ value: body }),
    }, async (request) => {
      const r = await tracking.ingest(principalOf(request).shopId, { kind: 'batch', body: request.body as unknown as Buffer });
      if (r.accepted === 0 && r.duplicates === 0 && r.rejected.length > 0) throw new FlywheelError('invalid_field', r.rejected[0].message, r.rejected[0].field);
      return { success: true as const, accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejected };
    });
  });

  // Raw events name visitors and customers: analyst and above.
  app.get('/v1/events/recent', {
    config: { access: 'analyse' },
    schema: { tags: ['tracking'], summary: 'The newest events as they arrive (live debugger); poll with ?after=<cursor>', querystring: recentEventsQuery, response: { 200: recentEvents } },
  }, async (request) => tracking.recent(principalOf(request).shopId, request.query.after, request.query.limit));
}
