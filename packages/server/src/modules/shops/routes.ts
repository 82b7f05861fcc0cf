import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  apiKey, apiKeyCreate, apiKeyCreated, auditLog, channelMapping, channelMappingResult, invitation, invitationAccept, invitationCreated, loginRequest, loginResult,
  okResult, operator, operatorCreate, shop, shopSettingsUpdate, shopSwitch, whoAmI, type LoginResult,
} from '@flywheel/contracts';
import type { Audit } from '../../platform/audit';
import { actor, credentialOf, principalOf, SESSION_COOKIE, type HttpApp } from '../../platform/http';
import { FlywheelError } from '../../platform/errors';
import { SESSION_DAYS, type ShopService } from './service';
import { defaultChannelRules } from '../tracking';

/** `onSettingsChanged` lets caches of the shop's time zone, currency and channel mapping drop their copy. */
export function shopRoutes(app: HttpApp, shops: ShopService, audit: Audit, onSettingsChanged: (shopId: string) => void) {
  /** The session goes to the console as an httpOnly cookie (scripts never see it) and to API clients in the body. */
  const withSession = (request: FastifyRequest, reply: FastifyReply, session: LoginResult) => {
    const secure = request.protocol === 'https' ? '; Secure' : '';
    reply.header('set-cookie', `${SESSION_COOKIE}=${session.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_DAYS * 86400}${secure}`);
    return session;
  };

  app.post('/v1/auth/login', {
    config: { access: 'public' },
    bodyLimit: 16 * 1024,
    schema: {
      tags: ['auth'],
      summary: 'Log an operator in; returns a session token for one shop (also set as the httpOnly cookie flywheel_session). Failed attempts are limited per account (5 in 15 min) and per address (30): then 429 with Retry-After',
      body: loginRequest,
      response: { 200: loginResult },
    },
  }, async (request, reply) => withSession(request, reply, await shops.login(request.body.email, request.body.password, request.body.shopId, request.ip)));

  app.post('/v1/auth/switch-shop', {
    config: { access: 'read' },
    schema: { tags: ['auth'], summary: 'A session of the same operator in another of their shops', body: shopSwitch, response: { 200: loginResult } },
  }, async (request, reply) => {
    const p = principalOf(request);
    if (p.kind !== 'operator') throw new FlywheelError('forbidden', 'only an operator session can switch shops; an API key belongs to one shop');
    return withSession(request, reply, await shops.switchShop(p.operatorId, request.body.shopId));
  });

  app.post('/v1/auth/accept-invitation', {
    config: { access: 'public' },
    bodyLimit: 16 * 1024,
    schema: {
      tags: ['auth'],
      summary: 'Accept an invitation to a shop: with the account’s own password when the email has one, else choosing the new account’s password; logs in to that shop',
      body: invitationAccept,
      response: { 200: loginResult },
    },
  }, async (request, reply) => withSession(request, reply, await shops.acceptInvitation(request.body, request.ip)));

  app.post('/v1/auth/logout', { config: { access: 'read' }, schema: { tags: ['auth'], summary: 'End this session (and clear its cookie)', response: { 200: okResult } } }, async (request, reply) => {
    const credential = credentialOf(request);
    if (credential?.token.startsWith('fws_')) await shops.logout(credential.token);
    reply.header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    return { ok: true as const };
  });

  app.get('/v1/me', { config: { access: 'read' }, schema: { tags: ['auth'], summary: 'Who is calling, for which shop, with which role', response: { 200: whoAmI } } }, async (request) => {
    const p = principalOf(request);
    return { ...p, shop: await shops.getShop(p.shopId) };
  });

  app.get('/v1/shop', { config: { access: 'read' }, schema: { tags: ['shop'], summary: 'The shop: name, time zone, currency', response: { 200: shop } } }, async (request) => shops.getShop(principalOf(request).shopId));

  app.patch('/v1/shop', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'Change the shop settings', body: shopSettingsUpdate, response: { 200: shop } } }, async (request) => {
    const { shopId } = principalOf(request);
    const shop = await shops.updateShop(shopId, request.body);
    onSettingsChanged(shopId);
    await audit(request, 'shop.update', request.body);
    return shop;
  });

  app.get('/v1/shop/channel-mapping', { config: { access: 'read' }, schema: { tags: ['shop'], summary: 'The shop rules that map utm/referrer to channels, and the defaults after them', response: { 200: channelMappingResult } } }, async (request) => {
    const shop = await shops.getShop(principalOf(request).shopId);
    return { rules: shop.channelMapping?.rules ?? [], defaults: defaultChannelRules };
  });

  app.put('/v1/shop/channel-mapping', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'Replace the shop channel rules (tried before the defaults)', body: channelMapping, response: { 200: channelMappingResult } } }, async (request) => {
    const { shopId } = principalOf(request);
    await shops.setChannelMapping(shopId, request.body);
    onSettingsChanged(shopId);
    await audit(request, 'channel_mapping.update', request.body);
    return { rules: request.body.rules, defaults: defaultChannelRules };
  });

  app.get('/v1/operators', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'Operators of this shop and their roles', response: { 200: z.array(operator) } } }, async (request) => shops.listOperators(principalOf(request).shopId));

  app.post('/v1/operators', {
    config: { access: 'admin' },
    schema: {
      tags: ['shop'],
      summary: 'Invite a person by email with a role; they accept with POST /v1/auth/accept-invitation (the answer is the same whether or not the email has an account)',
      body: operatorCreate,
      response: { 201: invitationCreated },
    },
  }, async (request, reply) => {
    const { shopId } = principalOf(request);
    const invite = await shops.inviteOperator(shopId, request.body, actor(request));
    await audit(request, 'operator.invite', { email: invite.email, role: invite.role, invitationId: invite.id });
    return reply.status(201).send(invite);
  });

  app.get('/v1/operators/invitations', {
    config: { access: 'admin' },
    schema: { tags: ['shop'], summary: 'Invitations not accepted yet', response: { 200: z.array(invitation) } },
  }, async (request) => shops.listInvitations(principalOf(request).shopId));

  app.delete('/v1/operators/invitations/:id', {
    config: { access: 'admin' },
    schema: { tags: ['shop'], summary: 'Revoke an invitation', params: z.object({ id: z.string().max(100) }), response: { 200: okResult } },
  }, async (request) => {
    const { shopId } = principalOf(request);
    await shops.revokeInvitation(shopId, request.params.id);
    await audit(request, 'operator.invitation_revoke', { invitationId: request.params.id });
    return { ok: true as const };
  });

  app.get('/v1/api-keys', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'API keys (prefixes only; a key is shown once when created)', response: { 200: z.array(apiKey) } } }, async (request) => shops.listApiKeys(principalOf(request).shopId));

  app.post('/v1/api-keys', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'Create a publishable or secret key', body: apiKeyCreate, response: { 201: apiKeyCreated } } }, async (request, reply) => {
    const { shopId } = principalOf(request);
    const key = await shops.createApiKey(shopId, request.body.kind, request.body.label);
    await audit(request, 'api_key.create', { id: key.id, kind: key.kind });
    return reply.status(201).send(key);
  });

  app.delete('/v1/api-keys/:id', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'Revoke a key', params: z.object({ id: z.string() }), response: { 200: okResult } } }, async (request) => {
    const { shopId } = principalOf(request);
    if (principalOf(request).kind === 'secret' && (principalOf(request) as { keyId: string }).keyId === request.params.id) {
      throw new FlywheelError('conflict', 'a key cannot revoke itself; use another secret key or the console');
    }
    await shops.revokeApiKey(shopId, request.params.id);
    await audit(request, 'api_key.revoke', { id: request.params.id });
    return { ok: true as const };
  });

  app.get('/v1/audit', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'The latest audit log entries', querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }), response: { 200: auditLog } } }, async (request) =>
    shops.listAudit(principalOf(request).shopId, request.query.limit));
}
