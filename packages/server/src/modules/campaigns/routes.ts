import { z } from 'zod';
import { flashSale, flashSaleCreate, flashSaleId, flashSaleList, flashSaleReservation, flashSaleReservationId, flashSaleReserve } from '@flywheel/contracts';
import type { Audit } from '../../platform/audit';
import { FlywheelError } from '../../platform/errors';
import { principalOf, type HttpApp } from '../../platform/http';
import type { Campaigns } from './index';

const saleParams = z.object({ id: flashSaleId });
const reservationParams = z.object({ id: flashSaleId, reservationId: flashSaleReservationId });

/** 秒杀 flash sales: create, list, read with live counts, reserve, read a reservation. */
export function campaignsRoutes(app: HttpApp, module: Campaigns, audit: Audit) {
  const { flashSales } = module;
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
}
