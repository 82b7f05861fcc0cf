import { z } from 'zod';
import {
  customerPoints, customerPointsQuery, loyaltyMember, loyaltyProgram, loyaltyProgramResult, loyaltyReport, loyaltyReportQuery,
  pointsAdjustRequest, pointsAdjustResult, signInRequest, signInResult,
} from '@flywheel/contracts';
import type { Audit } from '../../platform/audit';
import { actor, principalOf, type HttpApp } from '../../platform/http';
import type { Loyalty } from './index';
import { programResult } from './programs';

const customerParams = z.object({ externalId: z.string().min(1).max(200) });

/** Membership and points (PRODUCT.md row 10): the program, a customer's points, adjustments, sign-in, members and the report. */
export function loyaltyRoutes(app: HttpApp, loyalty: Loyalty, audit: Audit) {
  const { service } = loyalty;
  const shopId = (request: unknown) => principalOf(request as never).shopId;
  const tags = ['loyalty'];

  app.get('/v1/loyalty/program', {
    config: { access: 'read' },
    schema: { tags, summary: 'The membership program in force: growth value (成长值) rules, tiers with benefits, points earning, expiry, sign-in and redemption', response: { 200: loyaltyProgramResult } },
  }, async (request) => programResult(await service.program(shopId(request))));

  app.put('/v1/loyalty/program', {
    config: { access: 'write' },
    schema: {
      tags, summary: 'Set the program: a new version applying from now on (orders paid before keep the rules they were paid under); tiers ordered from 0 up without overlaps, no negative rates',
      body: loyaltyProgram, response: { 200: loyaltyProgramResult },
    },
  }, async (request) => {
    const version = await service.setProgram(shopId(request), request.body, actor(request));
    await audit(request, 'loyalty.program', { version: version.version, tiers: request.body.tiers.map((t) => `${t.key}:${t.minGrowth}`) });
    return programResult(version);
  });

  app.get('/v1/customers/:externalId/points', {
    config: { access: 'read' },
    schema: { tags, summary: 'A customer\'s points: available, pending, owed, what expires when, and the ledger (newest first)', params: customerParams, querystring: customerPointsQuery, response: { 200: customerPoints } },
  }, async (request) => service.points(shopId(request), request.params.externalId, request.query.limit));

  app.get('/v1/loyalty/members/:externalId', {
    config: { access: 'read' },
    schema: { tags, summary: 'A member: tier, growth value, the next tier, benefits, a pending downgrade review and the tier history', params: customerParams, response: { 200: loyaltyMember } },
  }, async (request) => service.member(shopId(request), request.params.externalId));

  app.post('/v1/points/adjust', {
    config: { access: 'write' },
    schema: {
      tags, summary: 'Add points (positive) or take them (negative; beyond the balance 409 insufficient_points), once per idempotencyKey (another body under a used key: 409)',
      body: pointsAdjustRequest, response: { 200: pointsAdjustResult },
    },
  }, async (request) => {
    const result = await service.adjust(shopId(request), request.body);
    if (!result.replayed) await audit(request, 'points.adjust', { customerId: request.body.customerId, amount: request.body.amount, reason: request.body.reason, entry: result.entry.id });
    return result;
  });

  app.post('/v1/loyalty/sign-in', {
    config: { access: 'write' },
    schema: { tags, summary: 'The daily sign-in (签到): once a local day, daily points and streak bonuses; again the same day answers alreadySignedIn', body: signInRequest, response: { 200: signInResult } },
  }, async (request) => service.signIn(shopId(request), request.body.customerId));

  app.get('/v1/loyalty/report', {
    config: { access: 'read' },
    schema: {
      tags, summary: 'Members by tier, tier moves, points issued / redeemed / expired / outstanding (the liability in money at pointsPerYuan), sales per member by tier, over [from, to)',
      querystring: loyaltyReportQuery, response: { 200: loyaltyReport },
    },
  }, async (request) => loyalty.report(shopId(request), request.query.from, request.query.to));
}
