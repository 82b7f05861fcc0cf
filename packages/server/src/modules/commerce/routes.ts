import { z } from 'zod';
import { batchRequest, batchResult, commerceCounts, entityNames, MAX_BATCH_RECORDS, storedOrder } from '@flywheel/contracts';
import type { Audit } from '../../platform/audit';
import { principalOf, type HttpApp } from '../../platform/http';
import type { CommerceService } from './service';

/** 1,000 orders of a dozen lines each fit; the server's default of 1 MiB would not. */
const BATCH_BODY_LIMIT = 5 * 1024 * 1024;

/** `POST /v1/{entity}/batch`: upsert up to MAX_BATCH_RECORDS records by the shop's external ids. */
export function commerceRoutes(app: HttpApp, commerce: CommerceService, audit: Audit) {
  for (const entity of entityNames) {
    app.post(`/v1/${entity}/batch`, {
      config: { access: 'write', perRecord: true },
      bodyLimit: BATCH_BODY_LIMIT,
      schema: {
        tags: ['commerce'],
        summary: `Upsert ${entity} (up to ${MAX_BATCH_RECORDS} records; valid ones land, the others are listed with the reason)`,
        body: batchRequest,
        response: { 200: batchResult },
      },
    }, async (request) => {
      const { shopId } = principalOf(request);
      const result = await commerce.upsert(shopId, entity, request.body.records);
      await audit(request, `${entity}.batch`, { accepted: result.accepted, rejected: result.rejected.length }, 'feed');
      return result;
    });
  }

  app.get('/v1/orders/:externalId', {
    config: { access: 'read' },
    schema: { tags: ['commerce'], summary: 'One order as stored', params: z.object({ externalId: z.string() }), response: { 200: storedOrder } },
  }, async (request) => commerce.getOrder(principalOf(request).shopId, request.params.externalId));

  app.get('/v1/commerce/counts', {
    config: { access: 'read' },
    schema: { tags: ['commerce'], summary: 'How many records of each kind the shop holds', response: { 200: commerceCounts } },
  }, async (request) => commerce.counts(principalOf(request).shopId));
}
