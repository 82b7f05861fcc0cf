import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../../app';
import { renderText, type LocalizedText } from '@flywheel/contracts';
import { addOperator, call, newShop, startFlywheel } from '../../testing/harness';
import { deliverWebhook } from './webhook';

/** A real local webhook receiver: records every POST; `/flaky` answers 500 the first time it sees a key. */
interface Received { path: string; key: string; body: { type: string; shopId: string; alert: { id: string; kind: string; conditionKey: string } } }
const received: Received[] = [];
const flakySeen = new Set<string>();
let receiver: http.Server;
let receiverUrl: string;
let fw: Flywheel;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => {
      const key = String(req.headers['idempotency-key']);
      received.push({ path: req.url ?? '', key, body: JSON.parse(data) });
      if (req.url === '/flaky' && !flakySeen.has(key)) { flakySeen.add(key); res.writeHead(500).end('try again'); return; }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  fw = await startFlywheel({ allowPrivateWebhooks: true }); // the receiver is on 127.0.0.1
});
afterAll(async () => {
  await fw?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const at = (date: string, time = '10:00:00') => `${date}T${time}+08:00`;
const order = (id: string, customerId: string, amount: number, date: string) => ({
  externalId: id, customerId, status: 'paid', placedAt: at(date), paidAt: at(date), items: [{ sku: 'SKU-1', quantity: 1, unitPrice: amount }], payableAmount: amount,
});
const visit = (id: string, who: Record<string, string>, date: string, medium?: string) => ({
  type: 'page', messageId: id, ...who, timestamp: at(date, '09:00:00'), context: { page: { url: `https://shop.cn/${medium ? `?utm_source=ads&utm_medium=${medium}` : ''}` } },
});

async function load(shop: { secretKey: string; publishableKey: string }, data: { orders?: unknown[]; spend?: unknown[]; events?: unknown[] }) {
  if (data.orders) expect((await call(fw, 'POST', '/v1/orders/batch', shop.secretKey, { records: data.orders })).body.accepted).toBe(data.orders.length);
  if (data.spend) expect((await call(fw, 'POST', '/v1/spend/batch', shop.secretKey, { records: data.spend })).body.accepted).toBe(data.spend.length);
  if (data.events) expect((await call(fw, 'POST', '/v1/batch', shop.publishableKey, { batch: data.events })).body.accepted).toBe(data.events.length);
  await fw.projector.drain();
}

const evaluate = async (key: string, asOf: string) => {
  const res = await call(fw, 'POST', '/v1/alerts/evaluate', key, { asOf });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { opened: { id: string; kind: string; conditionKey: string; message: string; text: LocalizedText; delivery: { status: string; attempts: number } }[]; closed: { id: string }[]; open: number };
};

/** A paid_social ROAS of 0.5 in October 2026: 20,000 spent, 10,000 sold through it. */
async function roasShop(path: string) {
  const shop = await newShop(fw);
  const settings = await call(fw, 'PUT', '/v1/alerts/settings', shop.secretKey, { webhookUrl: `${receiverUrl}${path}` });
  expect(settings.body).toMatchObject({ webhookUrl: `${receiverUrl}${path}`, channelShareMax: 0.5, sigma: 3, trailingDays: 28, roasFloor: 2 });
  await load(shop, {
    events: [visit('e1', { userId: 'c1' }, '2026-10-03', 'feed')],
    orders: [order('o1', 'c1', 10_000, '2026-10-03')],
    spend: [{ date: '2026-10-05', channel: 'paid_social', amount: 20_000 }],
  });
  return shop;
}

describe('alert episodes and webhook delivery', () => {
  it('fires once per episode: one POST while ROAS stays under its floor, closes when it recovers, fires again after', async () => {
    const shop = await roasShop('/hook');
    const mine = () => received.filter((r) => r.body.shopId === shop.shopId);

    const first = await evaluate(shop.secretKey, '2026-10-15');
    expect(first.opened.map((a) => a.conditionKey)).toEqual(['roas_below_floor:2026-10:paid_social:']);
    expect(first.opened[0].message).toBe('渠道 信息流 本月至今投入产出比 (ROAS)为 0.50，低于底线 2.00（推广花费 ¥200.00，支付金额 ¥100.00）');
    expect(renderText('en', first.opened[0].text)).toMatch(/^ROAS of channel Paid social \(feeds\) is 0.50 month to date, under its floor of 2.00/);
    expect(first.opened[0].delivery).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(mine()).toHaveLength(1);
    expect(mine()[0]).toMatchObject({ path: '/hook', key: first.opened[0].id, body: { type: 'alert.opened', alert: { id: first.opened[0].id, kind: 'roas_below_floor' } } });

    const again = await evaluate(shop.secretKey, '2026-10-15');
    expect(again).toMatchObject({ opened: [], closed: [], open: 1 });
    expect(mine()).toHaveLength(1);

    // A second paid_social buyer: 50,000 sold on 20,000 spent, ROAS 2.5.
    await load(shop, { events: [visit('e2', { userId: 'c2' }, '2026-10-06', 'feed')], orders: [order('o2', 'c2', 40_000, '2026-10-06')] });
    const cleared = await evaluate(shop.secretKey, '2026-10-15');
    expect(cleared.closed.map((a) => a.id)).toEqual([first.opened[0].id]);
    expect(cleared.open).toBe(0);
    expect(mine()).toHaveLength(1);

    // More spend: 50,000 on 30,000, ROAS 1.67 — a new episode, a new notification with its own key.
    await load(shop, { spend: [{ date: '2026-10-08', channel: 'paid_social', amount: 10_000 }] });
    const back = await evaluate(shop.secretKey, '2026-10-15');
    expect(back.opened).toHaveLength(1);
    expect(back.opened[0].id).not.toBe(first.opened[0].id);
    expect(mine().map((r) => r.key)).toEqual([first.opened[0].id, back.opened[0].id]);

    const listed = await call(fw, 'GET', '/v1/alerts?status=all', shop.secretKey);
    expect(listed.body.alerts.map((a: { status: string }) => a.status).sort()).toEqual(['closed', 'open']);
    expect((await call(fw, 'GET', '/v1/alerts?status=open', shop.secretKey)).body.alerts).toHaveLength(1);
  });

  it('retries a failed delivery with the same Idempotency-Key', async () => {
    const shop = await roasShop('/flaky');
    const r = await evaluate(shop.secretKey, '2026-10-15');
    expect(r.opened[0].delivery).toMatchObject({ status: 'delivered', attempts: 2 });
    const calls = received.filter((x) => x.body.shopId === shop.shopId);
    expect(calls.map((x) => x.key)).toEqual([r.opened[0].id, r.opened[0].id]);
  });

  it('keeps episodes of shops apart', async () => {
    const a = await roasShop('/hook');
    const b = await newShop(fw);
    await evaluate(a.secretKey, '2026-10-15');
    expect((await evaluate(b.secretKey, '2026-10-15')).open).toBe(0);
    const today = await call(fw, 'POST', '/v1/alerts/evaluate', b.secretKey); // no body: as of today
    expect(today.status, JSON.stringify(today.body)).toBe(200);
    expect(today.body.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await call(fw, 'GET', '/v1/alerts', b.secretKey)).body.alerts).toEqual([]);
  });
});

describe('alert conditions', () => {
  it('finds an off-track target, a 3-sigma day, single-channel dependency, ROAS under floor and CAC over ceiling', async () => {
    const shop = await newShop(fw);
    await call(fw, 'PUT', '/v1/alerts/settings', shop.secretKey, { cacCeiling: 1000 });
    const days = Array.from({ length: 29 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`);
    // 28 ordinary days of 9,000 / 11,000, then 60,000 on the 29th
    const orders = days.map((d, i) => order(`o${i}`, `c${i}`, i === 28 ? 60_000 : i % 2 ? 11_000 : 9_000, d));
    // 60 visitors: 40 from paid_social feeds, 20 direct
    const events = Array.from({ length: 60 }, (_, i) => visit(`v${i}`, { anonymousId: `a${i}` }, days[i % 29], i < 40 ? 'feed' : undefined));
    await load(shop, { orders, events, spend: [{ date: '2026-10-10', channel: 'paid_social', amount: 5_000 }] });
    const plan = await call(fw, 'POST', '/v1/plans', shop.secretKey, { name: 'Q4', period: '2026-Q4', targets: [{ metric: 'sales', value: 10_000_000, period: '2026-10' }] });
    expect(plan.status).toBe(201);

    const r = await evaluate(shop.secretKey, '2026-10-30');
    const byKind = Object.fromEntries(r.opened.map((a) => [a.kind, a]));
    expect(Object.keys(byKind).sort()).toEqual(['cac_above_ceiling', 'channel_concentration', 'kpi_anomaly', 'roas_below_floor', 'target_off_track']);
    expect(byKind.kpi_anomaly.conditionKey).toBe('kpi_anomaly:sales');
    // `message` is zh-CN, the shop default, with no English sentence; `text` renders in English too.
    for (const a of r.opened) expect(a.message, a.kind).not.toMatch(/[A-Za-z]+[ ,.;:]+[A-Za-z]+[ ,.;:]+[A-Za-z]+/);
    expect(byKind.kpi_anomaly.message).toMatch(/^支付金额 2026-10-29 为 ¥600.00，高于近 28 天水平 ¥100.00 \d+\.\dσ$/);
    const en = (kind: string) => renderText('en', byKind[kind].text);
    expect(en('kpi_anomaly')).toMatch(/^Sales \(paid\) on 2026-10-29 was ¥600.00, \d+\.\dσ above its 28-day level of ¥100.00/);
    expect(en('channel_concentration')).toMatch(/^Paid social \(feeds\) carries 66.7% of sessions/);
    expect(en('target_off_track')).toMatch(/^Sales \(paid\) 2026-10 is off track/);
    expect(en('cac_above_ceiling')).toMatch(/brought no new buyers/);
    expect(byKind.target_off_track.message).toMatch(/^支付金额 2026-10 进度落后/);
    expect(byKind.roas_below_floor.conditionKey).toBe('roas_below_floor:2026-10:paid_social:');
    // The next day is ordinary again (a 10,000 sale, 2 visitors): the anomaly episode closes, the others hold.
    await load(shop, { orders: [order('o-30', 'c-30', 10_000, '2026-10-30')], events: [visit('v-30a', { anonymousId: 'b1' }, '2026-10-30'), visit('v-30b', { anonymousId: 'b2' }, '2026-10-30')] });
    const next = await evaluate(shop.secretKey, '2026-10-31');
    expect(next.opened.map((a) => a.conditionKey)).toEqual([]);
    expect(next.closed.map((a) => a.id)).toEqual([byKind.kpi_anomaly.id]);
    expect(next.open).toBe(4);
  });
});

describe('webhook addresses', () => {
  it('refuses loopback, private and metadata addresses when saved, unless the server allows them', async () => {
    const strict = await startFlywheel();
    try {
      const shop = await newShop(strict);
      for (const url of ['http://127.0.0.1:9/hook', 'http://localhost/hook', 'http://10.1.2.3/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/hook', 'http://192.168.1.20/hook']) {
        const res = await call(strict, 'PUT', '/v1/alerts/settings', shop.secretKey, { webhookUrl: url });
        expect(res.status, url).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'invalid_field', field: 'webhookUrl', message: expect.stringMatching(/FLYWHEEL_ALLOW_PRIVATE_WEBHOOKS/) });
      }
      expect((await call(strict, 'PUT', '/v1/alerts/settings', shop.secretKey, { webhookUrl: 'https://8.8.8.8/hook' })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('does not deliver to a name that resolves to a loopback address, and does not retry it', async () => {
    const before = received.length;
    const port = new URL(receiverUrl).port;
    const result = await deliverWebhook(`http://localhost:${port}/hook`, { type: 'alert.opened' }, 'key-ssrf', { backoffMs: [1, 1] });
    expect(result).toMatchObject({ ok: false, attempts: 1, status: null, error: expect.stringMatching(/private address/) });
    expect(received.length).toBe(before);
    expect((await deliverWebhook(`http://localhost:${port}/hook`, { type: 'alert.opened' }, 'key-allowed', { allowPrivate: true })).ok).toBe(true);
  });

  it('shows the webhook secret to the owner only', async () => {
    const shop = await newShop(fw);
    const url = `${receiverUrl}/cgi-bin/webhook/send?key=0f3c6a9e-secret-value`;
    expect((await call(fw, 'PUT', '/v1/alerts/settings', shop.secretKey, { webhookUrl: url })).status).toBe(200);
    const viewer = await addOperator(fw, shop.secretKey, { email: `v-${Date.now()}@example.com`, password: 'viewer-password-1', role: 'viewer' });
    const seen = (await call(fw, 'GET', '/v1/alerts/settings', viewer.token)).body.webhookUrl as string;
    expect(seen).toBe(`${receiverUrl}/cgi-bin/webhook/send?key=***`);
    expect((await call(fw, 'GET', '/v1/alerts/settings', shop.secretKey)).body.webhookUrl).toBe(url);
  });
});
