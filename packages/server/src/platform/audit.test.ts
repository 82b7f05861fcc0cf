import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flywheel } from '../app';
import { addOperator, call, newShop, paidOrder, startFlywheel } from '../testing/harness';

/** One audit policy across modules: changes by people and by secret keys; data feeds only when a person sends them. */
describe('the audit log', () => {
  let fw: Flywheel;
  beforeAll(async () => { fw = await startFlywheel(); });
  afterAll(async () => { await fw.close(); });

  it('records plans and settings changed by a person or a key, and a batch only when a person sends it', async () => {
    const shop = await newShop(fw);
    const person = await addOperator(fw, shop.secretKey, { email: 'ops@example.cn', password: 'long-password-1', role: 'operator' });
    expect((await call(fw, 'POST', '/v1/plans', person.token, { name: '人工计划', period: '2027' })).status).toBe(201);
    expect((await call(fw, 'POST', '/v1/plans', shop.secretKey, { name: '脚本计划', period: '2027' })).status).toBe(201);
    expect((await call(fw, 'PATCH', '/v1/shop', shop.secretKey, { name: '改名' })).status).toBe(200);
    await call(fw, 'POST', '/v1/orders/batch', shop.secretKey, { records: [paidOrder('o-1', 'c-1', 100)] });
    await call(fw, 'POST', '/v1/orders/batch', person.token, { records: [paidOrder('o-2', 'c-2', 100)] });

    const log = (await call(fw, 'GET', '/v1/audit', shop.secretKey)).body as { actor: string; action: string; createdAt: string }[];
    const entries = log.map((e) => `${e.actor.split(':')[0]} ${e.action}`).reverse();
    expect(entries).toEqual(['key operator.invite', 'operator operator.join', 'operator plan.create', 'key plan.create', 'key shop.update', 'operator orders.batch']);
    expect(log.every((e) => !Number.isNaN(Date.parse(e.createdAt)))).toBe(true);
  });
});
