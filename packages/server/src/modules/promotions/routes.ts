import { z } from 'zod';
import {
  checkoutRequest, checkoutResult, couponClaim, couponClaimed, couponCodes, couponCodesRequest, couponTemplate, couponTemplateCreate, couponTemplateId,
  couponTemplateList, customerCoupons, customerCouponsQuery, pricingLangQuery, promotion, promotionCreate, promotionId, promotionList, promotionReport,
  promotionsQuery, promotionUpdate, quoteRequest, quoteResult, refundQuoteRequest, refundQuoteResult,
} from '@flywheel/contracts';
import type { Audit } from '../../platform/audit';
import { principalOf, type HttpApp } from '../../platform/http';
import { GUEST } from './facts';
import type { Promotions } from './index';

const promotionParams = z.object({ id: promotionId });

/**
 * The quote's answer is written as JSON without zod parsing it again on its way out: render()
 * builds it field by field in quoteResult's shape (render.test.ts holds it there for every kind of
 * cart), and a cart's answer is large (each unit with its allocations), so the second parse cost
 * about as much as the pricing of a small cart. The schema still describes the route in /docs.
 */
const renderedAnswer = () => (answer: unknown) => JSON.stringify(answer);
const templateParams = z.object({ id: couponTemplateId });

/** Promotions, coupon templates and coupons, and cart pricing (quote, checkout, refund quote). */
export function promotionsRoutes(app: HttpApp, module: Promotions, audit: Audit) {
  const { promotions, coupons, pricing, facts } = module;
  const shopId = (request: unknown) => principalOf(request as never).shopId;

  app.post('/v1/promotions', {
    config: { access: 'write' },
    schema: { tags: ['promotions'], summary: 'Create a promotion (限时折扣, 会员价, 满减/满折, N件M元, 买赠/满赠) as a draft or published', body: promotionCreate, response: { 201: promotion } },
  }, async (request, reply) => {
    const created = await promotions.create(shopId(request), request.body);
    await audit(request, 'promotion.create', { id: created.id, kind: created.kind, name: created.name });
    return reply.status(201).send(created);
  });

  app.get('/v1/promotions', {
    config: { access: 'read' },
    schema: { tags: ['promotions'], summary: 'Promotions, newest first, with their state (draft, scheduled, live, ended, paused) and usage', querystring: promotionsQuery, response: { 200: promotionList } },
  }, async (request) => ({ promotions: await promotions.list(shopId(request), request.query) }));

  app.get('/v1/promotions/:id', {
    config: { access: 'read' },
    schema: { tags: ['promotions'], summary: 'A promotion', params: promotionParams, response: { 200: promotion } },
  }, async (request) => promotions.get(shopId(request), request.params.id));

  app.patch('/v1/promotions/:id', {
    config: { access: 'write' },
    schema: { tags: ['promotions'], summary: 'Edit a promotion, or move it: status live (publish, resume), paused, ended, draft (before it starts)', params: promotionParams, body: promotionUpdate, response: { 200: promotion } },
  }, async (request) => {
    const updated = await promotions.update(shopId(request), request.params.id, request.body);
    await audit(request, 'promotion.update', { id: updated.id, fields: Object.keys(request.body), status: updated.status });
    return updated;
  });

  app.get('/v1/promotions/:id/report', {
    config: { access: 'read' },
    schema: { tags: ['promotions'], summary: 'A promotion\'s paid orders, buyers, sales, discount cost, budget used and sales per 元 of discount, by day', params: promotionParams, response: { 200: promotionReport } },
  }, async (request) => pricing.report(shopId(request), request.params.id));

  app.post('/v1/coupon-templates', {
    config: { access: 'write' },
    schema: { tags: ['promotions'], summary: 'Create a coupon template (an amount or a percent with a cap, minimum spend, scope, validity, total and per-customer limits)', body: couponTemplateCreate, response: { 201: couponTemplate } },
  }, async (request, reply) => {
    const created = await coupons.createTemplate(shopId(request), request.body);
    await audit(request, 'coupon_template.create', { id: created.id, name: created.name, total: created.total });
    return reply.status(201).send(created);
  });

  app.get('/v1/coupon-templates', {
    config: { access: 'read' },
    schema: { tags: ['promotions'], summary: 'Coupon templates with how many coupons were given, are left, held and used', response: { 200: couponTemplateList } },
  }, async (request) => ({ templates: await coupons.listTemplates(shopId(request)) }));

  app.get('/v1/coupon-templates/:id', {
    config: { access: 'read' },
    schema: { tags: ['promotions'], summary: 'A coupon template with its counts', params: templateParams, response: { 200: couponTemplate } },
  }, async (request) => coupons.getTemplate(shopId(request), request.params.id));

  app.post('/v1/coupon-templates/:id/codes', {
    config: { access: 'write' },
    schema: { tags: ['promotions'], summary: 'Make coupon codes in bulk (each usable once by anyone), counted against the template\'s total', params: templateParams, body: couponCodesRequest, response: { 201: couponCodes } },
  }, async (request, reply) => {
    const made = await coupons.makeCodes(shopId(request), request.params.id, request.body.count);
    await audit(request, 'coupon_template.codes', { id: request.params.id, count: made.codes.length });
    return reply.status(201).send(made);
  });

  app.post('/v1/coupons/claim', {
    config: { access: 'write' },
    schema: { tags: ['promotions'], summary: 'A customer claims a coupon (领券): the same idempotencyKey gives the same coupon; 409 sold_out or limit_reached', body: couponClaim, response: { 201: couponClaimed } },
  }, async (request, reply) => {
    const shop = shopId(request);
    const { templateId, customerId } = request.body;
    const claimed = await coupons.claim(shop, request.body, async () => {
      const template = await coupons.template(shop, templateId);
      const a = template.audience;
      if (!a.segment && !(a.tiers?.length) && !a.newCustomersOnly) return { ...GUEST, id: customerId };
      return facts.of(shop, customerId, { segments: a.segment ? [a.segment] : [], newCustomer: a.newCustomersOnly === true, membership: (a.tiers?.length ?? 0) > 0, points: false });
    });
    return reply.status(201).send(claimed);
  });

  app.get('/v1/coupons', {
    config: { access: 'read' },
    schema: { tags: ['promotions'], summary: 'A customer\'s coupons with their state (available, held, redeemed, expired)', querystring: customerCouponsQuery, response: { 200: customerCoupons } },
  }, async (request) => ({ coupons: await coupons.ofCustomer(shopId(request), request.query.customerId) }));

  app.post('/v1/pricing/quote', {
    config: { access: 'read' },
    schema: {
      tags: ['pricing'], summary: 'Price a cart (a dry run of checkout): lines with each unit\'s discounts by source, what applied and what did not (with the reason), hints such as 再买¥12.00 可减¥20',
      querystring: pricingLangQuery, body: quoteRequest, response: { 200: quoteResult },
    },
    serializerCompiler: renderedAnswer,
  }, async (request) => pricing.quote(shopId(request), request.body, request.query.lang));

  app.post('/v1/pricing/checkout', {
    config: { access: 'write' },
    schema: {
      tags: ['pricing'], summary: 'Price a cart and hold what it uses (coupons, budgets, per-customer uses, points) for the order until it is paid, cancelled or the hold expires; the same orderId answers the same',
      querystring: pricingLangQuery, body: checkoutRequest, response: { 201: checkoutResult },
    },
  }, async (request, reply) => reply.status(201).send(await pricing.checkout(shopId(request), request.body, request.query.lang)));

  app.post('/v1/pricing/refund-quote', {
    config: { access: 'read' },
    schema: { tags: ['pricing'], summary: 'What a refund of some units of a checked-out order gives back: the units\' paid amounts (the last units of a line first), their points, and the coupons on a full cancel', body: refundQuoteRequest, response: { 200: refundQuoteResult } },
  }, async (request) => pricing.refundQuote(shopId(request), request.body));
}
