import { z } from 'zod';
import { apiKeyCreate, channelMapping, loginRequest, loginResult, operatorCreate, shopSettingsUpdate } from '@flywheel/contracts';
import { actor, principalOf, type HttpApp } from '../../platform/http';
import { FlywheelError } from '../../platform/errors';
import type { ShopService } from './service';
import { defaultChannelRules } from '../tracking/channels';

/** `onSettingsChanged` lets caches of the shop's time zone, currency and channel mapping drop their copy. */
export function shopRoutes(app: HttpApp, shops: ShopService, onSettingsChanged: (shopId: string) => void) {
  app.post('/v1/auth/login', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: 'Log an operator in; returns a session token for one shop', body: loginRequest, response: { 200: loginResult } },
  }, async (request) => shops.login(request.body.email, request.body.password, request.body.shopId));

  app.post('/v1/auth/logout', { config: { access: 'read' }, schema: { tags: ['auth'], summary: 'End this session' } }, async (request) => {
    const token = request.headers.authorization?.split(' ')[1];
    if (token) await shops.logout(token);
    return { ok: true };
  });

  app.get('/v1/me', { config: { access: 'read' }, schema: { tags: ['auth'], summary: 'Who is calling, for which shop, with which role' } }, async (request) => {
    const p = principalOf(request);
    return { ...p, shop: await shops.getShop(p.shopId) };
  });

  app.get('/v1/shop', { config: { access: 'read' }, schema: { tags: ['shop'], summary: 'The shop: name, time zone, currency' } }, async (request) => shops.getShop(principalOf(request).shopId));

  app.patch('/v1/shop', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'Change the shop settings', body: shopSettingsUpdate } }, async (request) => {
    const { shopId } = principalOf(request);
    const shop = await shops.updateShop(shopId, request.body);
    onSettingsChanged(shopId);
    await shops.audit(shopId, actor(request), 'shop.update', request.body);
    return shop;
  });

  app.get('/v1/shop/channel-mapping', { config: { access: 'read' }, schema: { tags: ['shop'], summary: 'The shop rules that map utm/referrer to channels, and the defaults after them' } }, async (request) => {
    const shop = await shops.getShop(principalOf(request).shopId);
    return { rules: shop.channelMapping?.rules ?? [], defaults: defaultChannelRules };
  });

  app.put('/v1/shop/channel-mapping', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'Replace the shop channel rules (tried before the defaults)', body: channelMapping } }, async (request) => {
    const { shopId } = principalOf(request);
    await shops.setChannelMapping(shopId, request.body);
    onSettingsChanged(shopId);
    await shops.audit(shopId, actor(request), 'channel_mapping.update', request.body);
    return { rules: request.body.rules, defaults: defaultChannelRules };
  });

  app.get('/v1/operators', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'Operators of this shop and their roles' } }, async (request) => shops.listOperators(principalOf(request).shopId));

  app.post('/v1/operators', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'Add an operator with a role', body: operatorCreate } }, async (request, reply) => {
    const { shopId } = principalOf(request);
    const op = await shops.addOperator(shopId, request.body);
    await shops.audit(shopId, actor(request), 'operator.add', { email: op.email, role: op.role });
    return reply.status(201).send(op);
  });

  app.get('/v1/api-keys', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'API keys (prefixes only; a key is shown once when created)' } }, async (request) => shops.listApiKeys(principalOf(request).shopId));

  app.post('/v1/api-keys', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'Create a publishable or secret key', body: apiKeyCreate } }, async (request, reply) => {
    const { shopId } = principalOf(request);
    const key = await shops.createApiKey(shopId, request.body.kind, request.body.label);
    await shops.audit(shopId, actor(request), 'api_key.create', { id: key.id, kind: key.kind });
    return reply.status(201).send(key);
  });

  app.delete('/v1/api-keys/:id', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'Revoke a key', params: z.object({ id: z.string() }) } }, async (request) => {
    const { shopId } = principalOf(request);
    if (principalOf(request).kind === 'secret' && (principalOf(request) as { keyId: string }).keyId === request.params.id) {
      throw new FlywheelError('conflict', 'a key cannot revoke itself; use another secret key or the console');
    }
    await shops.revokeApiKey(shopId, request.params.id);
    await shops.audit(shopId, actor(request), 'api_key.revoke', { id: request.params.id });
    return { ok: true };
  });

  app.get('/v1/audit', { config: { access: 'admin' }, schema: { tags: ['shop'], summary: 'The latest audit log entries', querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }) } }, async (request) =>
    shops.listAudit(principalOf(request).shopId, request.query.limit));
}
