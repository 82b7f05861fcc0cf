import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, FlywheelApiError, type BatchCall, type FlywheelClient } from './client';
import { startReceiver, type Receiver } from './test-receiver';

let rx: Receiver;
let client: FlywheelClient;

beforeEach(async () => {
  rx = await startReceiver();
  client = createClient({ baseUrl: `${rx.url}/`, apiKey: 'sk_test_456' });
});

afterEach(() => rx.close());

describe('client', () => {
  it('upserts records with the secret key and returns the batch result', async () => {
    rx.respond({ status: 200, body: { accepted: 1, rejected: [] } });
    const result = await client.upsert('products', [
      { externalId: 'spu-1', title: '真丝连衣裙', category: '服饰/女装/连衣裙', skus: [{ sku: 'D-1-S', price: 29900 }] },
    ]);

    expect(result).toEqual({ accepted: 1, rejected: [] });
    const [request] = rx.requests;
    expect(request.method).toBe('POST');
    expect(request.url.pathname).toBe('/v1/products/batch');
    expect(request.headers.authorization).toBe('Bearer sk_test_456');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({ records: [{ externalId: 'spu-1', title: '真丝连衣裙', category: '服饰/女装/连衣裙', skus: [{ sku: 'D-1-S', price: 29900 }] }] });
  });

  it('throws FlywheelApiError with status, code, message and field from a JSON error body', async () => {
    rx.respond({ status: 400, body: { error: { code: 'invalid_field', message: 'must be at least 1', field: 'records[0].items[0].quantity' } } });
    const error = await client
      .upsert('orders', [
        {
          externalId: 'o-1',
          customerId: 'c-1',
          items: [{ sku: 'D-1-S', quantity: 0, unitPrice: 29900 }],
          payableAmount: 0,
          status: 'placed',
          placedAt: '2026-11-11T00:00:00+08:00',
        },
      ])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FlywheelApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_field', message: 'must be at least 1', field: 'records[0].items[0].quantity' });
  });

  it('throws FlywheelApiError for a non-JSON error answer too', async () => {
    rx.respond({ status: 502, body: 'Bad Gateway' });
    const error = await client.attribution({ from: '2026-11-01', to: '2026-12-01' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlywheelApiError);
    expect(error).toMatchObject({ status: 502, code: 'http_502', message: 'Bad Gateway', field: undefined });
  });

  it('sends metrics parameters and filters as filter.<name> in the query', async () => {
    const answer = { totals: { sales: 1_250_000, orders: 42 }, series: [] };
    rx.respond({ status: 200, body: answer });
    const result = await client.metrics({
      metrics: ['sales', 'orders'],
      from: '2026-11-01',
      to: '2026-11-12',
      grain: 'day',
      compare: 'previous_period',
      filters: { channel: 'paid_social', platform: 'mini_program' },
    });

    expect(result).toEqual(answer);
    const [request] = rx.requests;
    expect(request.method).toBe('GET');
    expect(request.url.pathname).toBe('/v1/metrics');
    expect(Object.fromEntries(request.url.searchParams)).toEqual({
      metrics: 'sales,orders',
      from: '2026-11-01',
      to: '2026-11-12',
      grain: 'day',
      compare: 'previous_period',
      'filter.channel': 'paid_social',
      'filter.platform': 'mini_program',
    });
  });

  it('calls funnels, cohorts and attribution on their paths', async () => {
    const funnel = { steps: [{ event: 'Product Viewed' }, { event: 'Order Completed' }], window: '7d', from: '2026-11-01', to: '2026-11-12' };
    await client.funnels(funnel);
    await client.cohorts({ by: 'first_order', grain: 'month', measure: 'ltv', from: '2026-01-01', to: '2026-07-01', periods: 6 });
    await client.attribution({ model: 'first_touch', from: '2026-11-01', to: '2026-12-01' });

    expect(rx.requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`)).toEqual([
      'POST /v1/funnels',
      'GET /v1/cohorts?by=first_order&grain=month&measure=ltv&from=2026-01-01&to=2026-07-01&periods=6',
      'GET /v1/attribution?model=first_touch&from=2026-11-01&to=2026-12-01',
    ]);
    expect(rx.requests[0].body).toEqual(funnel);
  });

  it('tracks single calls and splits big batches into requests of at most 500', async () => {
    await client.track({ userId: 'c-1', event: 'Order Completed', properties: { orderId: 'o-1' } });
    const calls: BatchCall[] = Array.from({ length: 1100 }, (_, i) => ({ type: 'track', messageId: `m-${i}`, anonymousId: 'a-1', event: 'Product Viewed' }));
    const result = await client.batch(calls);

    expect(rx.requests[0].url.pathname).toBe('/v1/track');
    expect(rx.requests[0].body).toMatchObject({ userId: 'c-1', event: 'Order Completed' });
    const sizes = rx.requests.slice(1).map((r) => (r.body as { batch: unknown[] }).batch.length);
    expect(sizes).toEqual([500, 500, 100]);
    expect(result).toEqual({ success: true, accepted: 1100, duplicates: 0 });
  });

  it('uploads a file as multipart form data', async () => {
    const report = { accepted: 1, rejected: [], rows: { total: 1, accepted: 1, rejected: 0 }, moneyUnit: 'minor', errorReport: '' };
    rx.respond({ status: 200, body: report });
    const csv = 'date,channel,amount\n2026-11-01,paid_social,150000\n';
    // whole numbers: the file does not say 元 or 分, so the caller does
    const result = await client.importFile('spend', 'spend.csv', new TextEncoder().encode(csv), { money: 'minor' });

    expect(result).toEqual(report);
    const [request] = rx.requests;
    expect(request.url.pathname).toBe('/v1/import/spend');
    expect(request.url.searchParams.get('money')).toBe('minor');
    expect(request.headers.authorization).toBe('Bearer sk_test_456');
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const raw = request.rawBody.toString('utf8');
    expect(raw).toContain('name="file"; filename="spend.csv"');
    expect(raw).toContain('Content-Type: text/csv');
    expect(raw).toContain(csv);
  });
});
