import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../app';
import { call, newShop, startFlywheel } from '../testing/harness';

/** A storefront or script that retries a creating call after a timeout must not create the thing twice. */
describe('Idempotency-Key on creating calls', () => {
  let fw: Flywheel;
  let key: string;
  beforeAll(async () => {
    fw = await startFlywheel();
    key = (await newShop(fw)).secretKey;
  });
  afterAll(async () => { await fw.close(); });

  const plans = async () => (await call(fw, 'GET', '/v1/plans', key)).body.plans as { id: string; name: string }[];

  it('answers a retried POST with the first answer and creates one plan', async () => {
    const body = { name: '2027 年度计划', period: '2027' };
    const first = await call(fw, 'POST', '/v1/plans', key, body, { 'idempotency-key': 'plan-2027-a' });
    expect(first.status).toBe(201);
    const retry = await call(fw, 'POST', '/v1/plans', key, body, { 'idempotency-key': 'plan-2027-a' });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    expect((await plans()).filter((p) => p.name === body.name)).toHaveLength(1);
  });

  it('does the same for concurrent retries: one plan, every caller the same id or a retry-later conflict', async () => {
    const body = { name: '2028 年度计划', period: '2028' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(fw, 'POST', '/v1/plans', key, body, { 'idempotency-key': 'plan-2028' })));
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    for (const a of answers.filter((x) => x.status !== 201)) expect([a.status, a.body.error.field]).toEqual([409, 'Idempotency-Key']);
    expect((await plans()).filter((p) => p.name === body.name)).toHaveLength(1);
  });

  it('refuses the same key for a different request, and a malformed key, naming the header', async () => {
    const reused = await call(fw, 'POST', '/v1/plans', key, { name: '另一个计划', period: '2029' }, { 'idempotency-key': 'plan-2027-a' });
    expect(reused.status).toBe(409);
    expect(reused.body.error.field).toBe('Idempotency-Key');
    const malformed = await call(fw, 'POST', '/v1/plans', key, { name: 'x', period: '2029' }, { 'idempotency-key': 'has spaces' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/idempotency-key/);
  });

  it('keeps keys per shop: another shop may use the same key for its own plan', async () => {
    const other = (await newShop(fw, '另一家店')).secretKey;
    const res = await call(fw, 'POST', '/v1/plans', other, { name: '2027 年度计划', period: '2027' }, { 'idempotency-key': 'plan-2027-a' });
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });

  it('without a key, two POSTs create two plans (as before)', async () => {
    const body = { name: '无键计划', period: '2030' };
    await call(fw, 'POST', '/v1/plans', key, body);
    await call(fw, 'POST', '/v1/plans', key, body);
    expect((await plans()).filter((p) => p.name === body.name)).toHaveLength(2);
  });
});
