import { z } from 'zod';
import {
  asOfQuery, customerExport, customerList, customerProfile, customersQuery, deletedResult, erasureResult, lifecycleResult, lifecycleSettings,
  lifecycleSettingsUpdate, rfmResult, segment, segmentCreate, segmentDetail, segmentId, segmentList, segmentMembersQuery, segmentPreview,
  segmentPreviewRequest, segmentUpdate, tagCounts, tagsRequest, tagsResult, type SegmentRule,
} from '@flywheel/contracts';
import { allows } from '../../platform/auth';
import type { Audit } from '../../platform/audit';
import { actor, principalOf, type HttpApp } from '../../platform/http';
import type { Customers } from './index';
import type { Viewer } from './service';

const customerParams = z.object({ externalId: z.string().min(1).max(200) });
const segmentParams = z.object({ id: segmentId });

/** Contact details in full for those who may change shop data (owner, operator, a secret key); masked for analysts and viewers. */
function viewerOf(request: unknown): Viewer {
  return { reveal: allows(principalOf(request as never), 'write') };
}

/** Customers (list, profile, PII), lifecycle and RFM, tags, segments. */
export function customersRoutes(app: HttpApp, customers: Customers, audit: Audit) {
  const { people, segments, tags, privacy } = customers;
  const shopId = (request: unknown) => principalOf(request as never).shopId;

  app.get('/v1/customers', {
    config: { access: 'read' },
    schema: {
      tags: ['customers'],
      summary: 'Customers: search by name, phone, email or id; filter by lifecycle, RFM class, segment, tier, tag; sorted; cursor-paged. Phone masked for analysts and viewers',
      querystring: customersQuery, response: { 200: customerList },
    },
  }, async (request) => people.list(shopId(request), request.query, viewerOf(request)));

  app.get('/v1/customers/:externalId', {
    config: { access: 'read' },
    schema: {
      tags: ['customers'],
      summary: 'The profile (用户画像): attributes, acquisition channel, lifecycle, RFM, orders, net sales, AOV, favourite categories, segments, tags and a timeline of orders, refunds and visits',
      params: customerParams, response: { 200: customerProfile },
    },
  }, async (request) => people.profile(shopId(request), request.params.externalId, viewerOf(request), await segments.allCompiled(shopId(request))));

  app.get('/v1/customers/:externalId/export', {
    config: { access: 'write' },
    schema: { tags: ['customers'], summary: 'Everything held on a person (PII export): the record, tags, orders, refunds, events, segments', params: customerParams, response: { 200: customerExport } },
  }, async (request) => {
    const data = await privacy.export(shopId(request), request.params.externalId);
    await audit(request, 'customer.export', { externalId: request.params.externalId });
    return data;
  });

  app.delete('/v1/customers/:externalId', {
    config: { access: 'write' },
    schema: {
      tags: ['customers'],
      summary: 'Erase a person (PII): name, phone, email, birthday, city and tags wiped; their orders and events stay under an anonymous id, so no figure moves',
      params: customerParams, response: { 200: erasureResult },
    },
  }, async (request) => {
    const { resumed, ...result } = await privacy.erase(shopId(request), request.params.externalId, actor(request));
    // The audit names the anonymous id only: the log must not keep who was erased.
    await audit(request, 'customer.erase', { anonymousId: result.anonymousId, orders: result.orders, resumed });
    return result;
  });

  app.post('/v1/customers/tags', {
    config: { access: 'write' },
    schema: { tags: ['customers'], summary: 'Add and remove tags, for customers by id or for every member of a segment', body: tagsRequest, response: { 200: tagsResult } },
  }, async (request) => {
    const result = await tags.apply(shopId(request), request.body, actor(request));
    await audit(request, 'customers.tags', { customers: result.customers, segment: request.body.segment ?? null, add: result.added, remove: result.removed });
    return result;
  });

  app.get('/v1/tags', {
    config: { access: 'read' },
    schema: { tags: ['customers'], summary: 'Tags in use (imported and set by hand) with how many customers carry each', response: { 200: tagCounts } },
  }, async (request) => tags.counts(shopId(request)));

  app.get('/v1/rfm', {
    config: { access: 'read' },
    schema: { tags: ['customers'], summary: 'The 8-class RFM as of a date (default today): the means of R, F, M and each class with its customers and net sales', querystring: asOfQuery, response: { 200: rfmResult } },
  }, async (request) => people.rfm(shopId(request), request.query.asOf));

  app.get('/v1/lifecycle', {
    config: { access: 'read' },
    schema: { tags: ['customers'], summary: 'Customers per lifecycle stage (prospect, new, active, dormant 沉睡, churned 流失) as of a date', querystring: asOfQuery, response: { 200: lifecycleResult } },
  }, async (request) => people.lifecycle(shopId(request), request.query.asOf));

  app.get('/v1/lifecycle/settings', {
    config: { access: 'read' },
    schema: { tags: ['customers'], summary: 'The day counts of the lifecycle stages', response: { 200: lifecycleSettings } },
  }, async (request) => people.settings(shopId(request)));

  app.put('/v1/lifecycle/settings', {
    config: { access: 'admin' },
    schema: { tags: ['customers'], summary: 'Change the day counts of the lifecycle stages (newDays <= activeDays < dormantDays)', body: lifecycleSettingsUpdate, response: { 200: lifecycleSettings } },
  }, async (request) => {
    const settings = await people.updateSettings(shopId(request), request.body);
    await audit(request, 'lifecycle.settings', settings);
    return settings;
  });

  app.post('/v1/segments/preview', {
    config: { access: 'read' },
    schema: { tags: ['segments'], summary: 'The size and a sample of a rule, before saving it', body: segmentPreviewRequest, response: { 200: segmentPreview } },
  }, async (request) => segments.preview(shopId(request), request.body.rule as SegmentRule, request.body.sampleSize, viewerOf(request)));

  app.post('/v1/segments', {
    config: { access: 'analyse' },
    schema: { tags: ['segments'], summary: 'Save a segment: a name and a rule', body: segmentCreate, response: { 201: segment } },
  }, async (request, reply) => {
    const created = await segments.create(shopId(request), request.body, actor(request));
    await audit(request, 'segment.create', { segmentId: created.id, name: created.name });
    return reply.code(201).send(created);
  });

  app.get('/v1/segments', {
    config: { access: 'read' },
    schema: { tags: ['segments'], summary: 'The saved segments with their sizes now', response: { 200: segmentList } },
  }, async (request) => ({ segments: await segments.list(shopId(request)) }));

  app.get('/v1/segments/:id', {
    config: { access: 'read' },
    schema: { tags: ['segments'], summary: 'A segment with its size now, its size history (a point a day) and a sample of members', params: segmentParams, response: { 200: segmentDetail } },
  }, async (request) => segments.get(shopId(request), request.params.id, viewerOf(request)));

  app.patch('/v1/segments/:id', {
    config: { access: 'analyse' },
    schema: { tags: ['segments'], summary: 'Rename a segment or change its rule', params: segmentParams, body: segmentUpdate, response: { 200: segment } },
  }, async (request) => {
    const updated = await segments.update(shopId(request), request.params.id, request.body);
    await audit(request, 'segment.update', { segmentId: updated.id, name: request.body.name, rule: request.body.rule !== undefined });
    return updated;
  });

  app.delete('/v1/segments/:id', {
    config: { access: 'analyse' },
    schema: { tags: ['segments'], summary: 'Delete a segment (refused while another segment refers to it)', params: segmentParams, response: { 200: deletedResult } },
  }, async (request) => {
    const result = await segments.delete(shopId(request), request.params.id);
    await audit(request, 'segment.delete', { segmentId: request.params.id });
    return result;
  });

  app.get('/v1/segments/:id/members', {
    config: { access: 'read' },
    schema: { tags: ['segments'], summary: 'The members now, by id, cursor-paged', params: segmentParams, querystring: segmentMembersQuery, response: { 200: customerList } },
  }, async (request) => segments.members(shopId(request), request.params.id, request.query, viewerOf(request)));

  app.get('/v1/segments/:id/export', {
    config: { access: 'analyse' },
    schema: { tags: ['segments'], summary: 'Every member as CSV (UTF-8 with BOM)', params: segmentParams, response: { 200: z.string().meta({ description: 'text/csv' }) } },
  }, async (request, reply) => {
    const csv = await segments.exportCsv(shopId(request), request.params.id, viewerOf(request));
    await audit(request, 'segment.export', { segmentId: request.params.id });
    reply.type('text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${request.params.id}.csv"`);
    return reply.send(csv as never);
  });
}
