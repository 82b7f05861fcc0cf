import type { OrderRecord } from '@flywheel/contracts';
import { generateCatalog, generateCustomers, generateDays, type DemoDay, type DemoEvent } from '../demo/generator';
import { addDays, localDateOf } from '../platform/timezone';

export interface LiveOptions {
  url: string;
  publishableKey: string;
  secretKey: string;
  /** Events a second. */
  rate: number;
  seed: number;
  customers: number;
  /** Stop after this many seconds (default: until interrupted). */
  durationSeconds?: number;
  onTick?: (sent: { events: number; orders: number }) => void;
  signal?: AbortSignal;
}

async function post(url: string, key: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * Live traffic for the demo shop: one generated day of the shop at a time, replayed in its own order
 * at `rate` events a second through the public HTTP APIs (tracking with the publishable key, orders
 * with the secret key), with timestamps of now and ids of this run, so dashboards move and
 * automations have something to react to.
 */
export async function simulateLive(o: LiveOptions) {
  const run = Date.now().toString(36);
  const sent = { events: 0, orders: 0 };
  const deadline = o.durationSeconds ? Date.now() + o.durationSeconds * 1000 : Infinity;
  const tickMs = 200;
  const perTick = Math.max(1, Math.round((o.rate * tickMs) / 1000));
  for (let day = 0; Date.now() < deadline && !o.signal?.aborted; day++) {
    const endDate = addDays(localDateOf(new Date(), 'Asia/Shanghai'), 1);
    // A settled shop: the last day of a month-long run (a one-day run would put every sign-up on that day),
    // with the shop's own catalog (it depends on the demo's seed).
    const opts = { seed: o.seed + 1 + day, customers: o.customers, days: 30, endDate };
    const catalog = generateCatalog({ ...opts, seed: o.seed });
    let simulated!: DemoDay;
    for (const d of generateDays(opts, catalog, generateCustomers(opts))) simulated = d;
    // Orders go out right after the event that completed them.
    const completedBy = new Map<string, string>();
    for (const e of simulated.events) {
      const orderId = e.event === 'Order Completed' ? (e.properties as { order_id?: string } | undefined)?.order_id : undefined;
      if (orderId) completedBy.set(orderId, e.messageId);
    }
    const ordersByMessage = new Map<string, OrderRecord>();
    for (const order of simulated.orders) {
      const messageId = completedBy.get(order.externalId);
      if (messageId) ordersByMessage.set(messageId, order);
    }
    for (let i = 0; i < simulated.events.length && Date.now() < deadline && !o.signal?.aborted; i += perTick) {
      const started = Date.now();
      const now = new Date().toISOString();
      const slice = simulated.events.slice(i, i + perTick);
      const batch = slice.map((e: DemoEvent) => ({
        ...e, messageId: `live-${run}-${e.messageId}`, timestamp: now,
        properties: e.properties && 'order_id' in e.properties ? { ...e.properties, order_id: `live-${run}-${e.properties.order_id}` } : e.properties,
      }));
      await post(`${o.url}/v1/batch`, o.publishableKey, { batch, sentAt: now });
      sent.events += batch.length;
      const orders = slice.flatMap((e) => {
        const order = ordersByMessage.get(e.messageId);
        if (!order) return [];
        const at = new Date().toISOString();
        return [{ ...order, externalId: `live-${run}-${order.externalId}`, placedAt: at, paidAt: order.paidAt ? at : undefined, cancelledAt: order.cancelledAt ? at : undefined, shippedAt: undefined, completedAt: undefined, status: order.status === 'cancelled' ? 'cancelled' : order.paidAt ? 'paid' : 'placed' }];
      });
      if (orders.length > 0) {
        const result = await post(`${o.url}/v1/orders/batch`, o.secretKey, { records: orders });
        sent.orders += result.accepted;
      }
      o.onTick?.(sent);
      await new Promise((r) => setTimeout(r, Math.max(0, tickMs - (Date.now() - started))));
    }
  }
  return sent;
}
