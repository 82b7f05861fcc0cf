import { z } from 'zod';
import {
  alert, alertSettings, alertSettingsUpdate, alertsEvaluateRequest, alertsEvaluateResult, alertsQuery, budgetsQuery, budgetsResult, budgetsUpsert,
  decomposeRequest, decomposeResult, upsertedResult, driverAssumptions, driverTree, pacingQuery, pacingResult, plan, planCreate, planDetail, planUpdate,
  deletedResult, reviewQuery, reviewReport, target, targetInput, targetUpdate,
} from '@flywheel/contracts';
import { allows } from '../../platform/auth';
import type { Audit } from '../../platform/audit';
import { principalOf, type HttpApp } from '../../platform/http';
import { maskUrl } from '../../platform/outbound';
import type { Planning } from './index';
import { renderReview } from './report/render';

const planParams = z.object({ planId: z.string() });
const targetParams = z.object({ planId: z.string(), targetId: z.string() });

/** Plan (targets, decomposition, driver tree, pacing, budgets), alerts and the 复盘 review. */
export function planningRoutes(app: HttpApp, planning: Planning, audit: Audit) {
  const { plans, decomposition, drivers, pacing, budgets, alertSettings: settingsStore, alerts, reviews } = planning;
  const shopId = (request: unknown) => principalOf(request as never).shopId;
  const tags = ['plan'];

  app.get('/v1/plans', {
    config: { access: 'read' },
    schema: { tags, summary: 'The shop plans, newest first', response: { 200: z.object({ plans: z.array(plan) }) } },
  }, async (request) => ({ plans: await plans.listPlans(shopId(request)) }));

  app.post('/v1/plans', {
    config: { access: 'write' },
    schema: { tags, summary: 'Create a plan for a year or quarter, with targets on any metric', body: planCreate, response: { 201: planDetail } },
  }, async (request, reply) => {
    const created = await plans.createPlan(shopId(request), request.body);
    await audit(request, 'plan.create', { planId: created.id, period: created.period.label });
    return reply.code(201).send(created);
  });

  app.get('/v1/plans/:planId', {
    config: { access: 'read' },
    schema: { tags, summary: 'A plan with its targets and consistency checks (children sums, ratio parts)', params: planParams, response: { 200: planDetail } },
  }, async (request) => plans.getPlan(shopId(request), request.params.planId));

  app.patch('/v1/plans/:planId', {
    config: { access: 'write' },
    schema: { tags, summary: 'Rename, re-own or archive a plan', params: planParams, body: planUpdate, response: { 200: planDetail } },
  }, async (request) => {
    const updated = await plans.updatePlan(shopId(request), request.params.planId, request.body);
    await audit(request, 'plan.update', { planId: updated.id, ...request.body });
    return updated;
  });

  app.delete('/v1/plans/:planId', {
    config: { access: 'write' },
    schema: { tags, summary: 'Delete a plan and its targets', params: planParams, response: { 200: deletedResult } },
  }, async (request) => {
    await plans.deletePlan(shopId(request), request.params.planId);
    await audit(request, 'plan.delete', { planId: request.params.planId });
    return { deleted: 1 };
  });

  app.post('/v1/plans/:planId/targets', {
    config: { access: 'write' },
    schema: { tags, summary: 'Add a target (metric, value, period, optional channel/category/platform, owner, note)', params: planParams, body: targetInput, response: { 201: target } },
  }, async (request, reply) => {
    const created = await plans.addTarget(shopId(request), request.params.planId, request.body);
    await audit(request, 'target.create', { targetId: created.id, metric: created.metric, value: created.value });
    return reply.code(201).send(created);
  });

  app.patch('/v1/plans/:planId/targets/:targetId', {
    config: { access: 'write' },
    schema: { tags, summary: 'Change a target value, owner or note', params: targetParams, body: targetUpdate, response: { 200: target } },
  }, async (request) => {
    const updated = await plans.updateTarget(shopId(request), request.params.planId, request.params.targetId, request.body);
    await audit(request, 'target.update', { targetId: updated.id, ...request.body });
    return updated;
  });

  app.delete('/v1/plans/:planId/targets/:targetId', {
    config: { access: 'write' },
    schema: { tags, summary: 'Delete a target and everything decomposed from it', params: targetParams, response: { 200: deletedResult } },
  }, async (request) => {
    const result = await plans.deleteTarget(shopId(request), request.params.planId, request.params.targetId);
    await audit(request, 'target.delete', { targetId: request.params.targetId, ...result });
    return result;
  });

  app.post('/v1/plans/:planId/targets/:targetId/decompose', {
    config: { access: 'write' },
    schema: {
      tags,
      summary: 'Split a target by quarter, month, week, channel, category or platform: even, seasonal (last year) or manual (validated)',
      params: targetParams, body: decomposeRequest, response: { 200: decomposeResult },
    },
  }, async (request) => {
    const result = await decomposition.decompose(shopId(request), request.params.planId, request.params.targetId, request.body);
    await audit(request, 'target.decompose', { targetId: request.params.targetId, by: request.body.by, method: result.method, children: result.children.length });
    return result;
  });

  app.get('/v1/plans/:planId/targets/:targetId/drivers', {
    config: { access: 'read' },
    schema: { tags, summary: 'The driver tree of a sales target: UV, buyers, new/returning implied by conversion and 客单价', params: targetParams, response: { 200: driverTree } },
  }, async (request) => drivers.tree(shopId(request), request.params.planId, request.params.targetId));

  app.put('/v1/plans/:planId/targets/:targetId/assumptions', {
    config: { access: 'write' },
    schema: { tags, summary: 'Set the driver tree assumptions of a sales target (null: back to the default)', params: targetParams, body: driverAssumptions, response: { 200: driverTree } },
  }, async (request) => {
    const tree = await drivers.setAssumptions(shopId(request), request.params.planId, request.params.targetId, request.body);
    await audit(request, 'target.assumptions', { targetId: request.params.targetId, ...request.body });
    return tree;
  });

  app.get('/v1/plans/:planId/pacing', {
    config: { access: 'read' },
    schema: { tags, summary: 'Each target: actual to date, expected along the seasonality curve, run-rate forecast with interval, status', params: planParams, querystring: pacingQuery, response: { 200: pacingResult } },
  }, async (request) => pacing.plan(shopId(request), request.params.planId, request.query.asOf));

  app.get('/v1/budgets', {
    config: { access: 'read' },
    schema: { tags, summary: 'Budgets of a month with spend (metric layer), ROAS and CAC against floor and ceiling', querystring: budgetsQuery, response: { 200: budgetsResult } },
  }, async (request) => budgets.month(shopId(request), request.query.month, request.query.asOf));

  app.put('/v1/budgets', {
    config: { access: 'write' },
    schema: { tags, summary: 'Set budgets per month and channel (and campaign), upserted by month + channel + campaign', body: budgetsUpsert, response: { 200: upsertedResult } },
  }, async (request) => {
    const result = await budgets.upsert(shopId(request), request.body.budgets);
    await audit(request, 'budgets.upsert', result);
    return result;
  });

  app.delete('/v1/budgets/:budgetId', {
    config: { access: 'write' },
    schema: { tags, summary: 'Delete a budget', params: z.object({ budgetId: z.string() }), response: { 200: deletedResult } },
  }, async (request) => {
    const result = await budgets.delete(shopId(request), request.params.budgetId);
    await audit(request, 'budgets.delete', { budgetId: request.params.budgetId });
    return result;
  });

  app.get('/v1/alerts', {
    config: { access: 'read' },
    schema: { tags: ['alerts'], summary: 'Alert episodes, newest first', querystring: alertsQuery, response: { 200: z.object({ alerts: z.array(alert) }) } },
  }, async (request) => ({ alerts: await alerts.list(shopId(request), request.query.status, request.query.limit) }));

  app.post('/v1/alerts/evaluate', {
    config: { access: 'write' },
    schema: { tags: ['alerts'], summary: 'Evaluate the alert conditions now (as of a date: the days before it count); opens, refreshes and closes episodes and notifies the webhook', body: alertsEvaluateRequest, response: { 200: alertsEvaluateResult } },
  }, async (request) => alerts.evaluate(shopId(request), request.body?.asOf));

  app.get('/v1/alerts/settings', {
    config: { access: 'read' },
    schema: { tags: ['alerts'], summary: 'Webhook, thresholds (channel share, sigma, ROAS floor, CAC ceiling) and KPIs watched', response: { 200: alertSettings } },
  }, async (request) => {
    const settings = await settingsStore.get(shopId(request));
    // The webhook's secret is the owner's: others see which receiver, not how to call it.
    if (settings.webhookUrl && !allows(principalOf(request), 'admin')) return { ...settings, webhookUrl: maskUrl(settings.webhookUrl) };
    return settings;
  });

  app.put('/v1/alerts/settings', {
    config: { access: 'admin' },
    schema: { tags: ['alerts'], summary: 'Change alert settings (the fields given)', body: alertSettingsUpdate, response: { 200: alertSettings } },
  }, async (request) => {
    const result = await settingsStore.update(shopId(request), request.body);
    await audit(request, 'alerts.settings', request.body);
    return result;
  });

  app.get('/v1/reviews', {
    config: { access: 'read' },
    schema: {
      tags: ['review'],
      summary: 'The 复盘 report of a month or quarter: target vs actual, the sales gap by driver (LMDI), by channel and category, top movers, ROI, risks, next actions (as JSON, or rendered with format=md|html|pdf)',
      querystring: reviewQuery,
      response: { 200: reviewReport },
    },
  }, async (request, reply) => {
    const { format, ...q } = request.query;
    const report = await reviews.report(shopId(request), q);
    if (format === 'json') return report;
    const rendered = await renderReview(report, format, planning.chromiumPath);
    reply.type(rendered.contentType);
    if (format === 'pdf') reply.header('content-disposition', `attachment; filename="${rendered.fileName}"`);
    // Markdown, HTML and PDF go out as they are; only the JSON report is checked against the schema.
    return reply.send(rendered.body as never);
  });
}
