import { z } from 'zod';
import { flashSale, flashSaleCreate, flashSaleId, flashSaleList, flashSaleReservation, flashSaleReservationId, flashSaleReserve, group, groupBuy, groupBuyCreate, groupBuyId, groupBuyList, groupId, groupJoin, groupList } from '@flywheel/contracts';
import type { Audit } from '../../platform/audit';
import { FlywheelError } from '../../platform/errors';
import { principalOf, type HttpApp } from '../../platform/http';
import type { Campaigns } from './index';

const saleParams = z.object({ id: flashSaleId });
const reservationParams = z.object({ id: flashSaleId, reservationId: flashSaleReservationId });
const groupBuyParams = z.object({ id: groupBuyId });
const groupParams = z.object({ groupId });

/** 秒杀 flash sales: create, list, read with live counts, reserve, read a reservation; 拼团 group buys: create, list, read, open a group, join one, read one. */
export function campaignsRoutes(app: HttpApp, module: Campaigns, audit: Audit) {
  const { flashSales, groupBuys } = module;
  const shopId = (request: unknown) => principalOf(request as never).shopId;

  app.post('/v1/flash-sales', {
    config: { access: 'write' },
    schema: { tags: ['campaigns'], summary: 'Create a flash sale (秒杀): a SKU at a price, its stock, a per-customer limit, a window and how long a reservation waits for payment', body: flashSaleCreate, response: { 201: flashSale } },
  }, async (request, reply) => {
    const created = await flashSales.create(shopId(request), request.body);
    await audit(request, 'flash_sale.create', { id: created.id, sku: created.sku, stock: created.stock });
    return reply.status(201).send(created);
  });

  app.get('/v1/flash-sales', {
    config: { access: 'read' },
    schema: { tags: ['campaigns'], summary: 'Flash sales, newest first, with their state and live counts', response: { 200: flashSaleList } },
  }, async (request) => ({ flashSales: await flashSales.list(shopId(request)) }));

  app.get('/v1/flash-sales/:id', {
    config: { access: 'read' },
    schema: { tags: ['campaigns'], summary: 'A flash sale with its live counts: stock, reserved (held for payment), sold (paid), remaining', params: saleParams, response: { 200: flashSale } },
  }, async (request) => flashSales.get(shopId(request), request.params.id));

  app.post('/v1/flash-sales/:id/reserve', {
    config: { access: 'write' },
    schema: {
      tags: ['campaigns'], summary: 'Reserve units of a flash sale for a customer until the hold minutes pass: the same idempotencyKey gives the same reservation; 409 sold_out, limit_reached, not_started or ended',
      params: saleParams, body: flashSaleReserve, response: { 201: flashSaleReservation },
    },
  }, async (request, reply) => reply.status(201).send(await flashSales.reserve(shopId(request), request.params.id, request.body)));

  app.get('/v1/flash-sales/:id/reservations/:reservationId', {
    config: { access: 'read' },
    schema: { tags: ['campaigns'], summary: 'A reservation: SKU, price, quantity, customer, state (held, confirmed, expired, cancelled), order and expiry', params: reservationParams, response: { 200: flashSaleReservation } },
  }, async (request) => {
    const found = await flashSales.reservation(shopId(request), request.params.reservationId);
    if (found.flashSaleId !== request.params.id) throw new FlywheelError('not_found', `no reservation ${request.params.reservationId} in flash sale ${request.params.id}`, 'reservationId');
    return found;
  });

  app.post('/v1/group-buys', {
    config: { access: 'write' },
    schema: { tags: ['campaigns'], summary: 'Create a group buy (拼团): a SKU at a group price, the paid members a group needs (groupSize), the hours a group has to fill, a per-customer limit and a window', body: groupBuyCreate, response: { 201: groupBuy } },
  }, async (request, reply) => {
    const created = await groupBuys.create(shopId(request), request.body);
    await audit(request, 'group_buy.create', { id: created.id, sku: created.sku, groupSize: created.groupSize });
    return reply.status(201).send(created);
  });

  app.get('/v1/group-buys', {
    config: { access: 'read' },
    schema: { tags: ['campaigns'], summary: 'Group buys, newest first, with their groups counted by state', response: { 200: groupBuyList } },
  }, async (request) => ({ groupBuys: await groupBuys.list(shopId(request)) }));

  app.get('/v1/group-buys/:id', {
    config: { access: 'read' },
    schema: { tags: ['campaigns'], summary: 'A group buy with its groups counted by state (forming, succeeded, failed)', params: groupBuyParams, response: { 200: groupBuy } },
  }, async (request) => groupBuys.get(shopId(request), request.params.id));

  app.get('/v1/group-buys/:id/groups', {
    config: { access: 'read' },
    schema: { tags: ['campaigns'], summary: 'The groups of a group buy, newest first, with their state and members', params: groupBuyParams, response: { 200: groupList } },
  }, async (request) => ({ groups: await groupBuys.groups(shopId(request), request.params.id) }));

  app.post('/v1/group-buys/:id/groups', {
    config: { access: 'write' },
    schema: {
      tags: ['campaigns'], summary: 'Open a group as its leader with the order paying for their unit; it has the group buy\'s hours to fill. The same idempotencyKey (the orderId by default) gives the same group; 409 not_started, ended, limit_reached',
      params: groupBuyParams, body: groupJoin, response: { 201: group },
    },
  }, async (request, reply) => reply.status(201).send(await groupBuys.open(shopId(request), request.params.id, request.body)));

  app.post('/v1/groups/:groupId/join', {
    config: { access: 'write' },
    schema: {
      tags: ['campaigns'], summary: 'Join a group with the order paying for the unit; the member counts once it is paid. 409 group_full, group_closed, already_joined, limit_reached',
      params: groupParams, body: groupJoin, response: { 201: group },
    },
  }, async (request, reply) => reply.status(201).send(await groupBuys.join(shopId(request), request.params.groupId, request.body)));

  app.get('/v1/groups/:groupId', {
    config: { access: 'read' },
    schema: { tags: ['campaigns'], summary: 'A group for the storefront: state, groupSize, paidMembers, missing (还差N人), expiresAt and members', params: groupParams, response: { 200: group } },
  }, async (request) => groupBuys.group(shopId(request), request.params.groupId));
}
