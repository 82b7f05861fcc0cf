import { describe, expect, it } from 'vitest';
import { ruleIssues, segmentPreviewRequest, tagsRequest } from './customers';

const at = (rule: unknown) => ruleIssues(rule).map((i) => [i.path.join('.'), i.message]);

describe('segment rule grammar', () => {
  it('accepts every node kind of PRODUCT.md', () => {
    expect(ruleIssues({
      all: [
        { field: 'province', op: 'in', value: ['广东', '广西'] },
        { any: [{ field: 'lifecycle', op: 'eq', value: 'dormant' }, { not: { field: 'tags', op: 'contains', value: 'vip' } }] },
        { orders: { within: '90d', category: '美妆' }, measure: 'net_sales', op: 'gte', value: 50000 },
        { event: 'Product Added', within: '7d', where: { category: '美妆' }, op: 'eq', value: 0 },
        { segment: 'seg_abc123' },
        { field: 'registeredAt', op: 'between', value: ['2026-01-01', '2026-06-30'] },
        { field: 'city', op: 'exists' },
      ],
    })).toEqual([]);
  });

  it('names the path of the bad node or key', () => {
    expect(at({ all: [{ field: 'city', op: 'exists' }, { field: 'city', op: 'exists' }, { field: 'city', op: 'equals', value: 'x' }] })[0][0]).toBe('all.2.op');
    expect(at({ any: [{ feild: 'city', op: 'eq', value: 'x' }] })[0][0]).toBe('any.0');
    expect(at({ field: 'city', op: 'eq', value: 'x', extra: 1 })).toEqual([['extra', 'unknown key "extra" in this node (it takes field, op, value)']]);
    expect(at({ field: 'points', op: 'gt', value: 'lots' })).toEqual([['value', 'must be a number']]);
    expect(at({ field: 'points', op: 'between', value: [10, 1] })[0][0]).toBe('value');
    expect(at({ field: 'province', op: 'in', value: [] })[0][0]).toBe('value');
    expect(at({ field: 'province', op: 'gt', value: 'a' })[0][1]).toMatch(/takes the operators eq neq in nin contains exists/);
    expect(at({ orders: {}, measure: 'profit', op: 'gt', value: 1 })[0][0]).toBe('measure');
    expect(at({ orders: { within: '3 months' }, measure: 'count', op: 'gt', value: 1 })[0][0]).toBe('orders.within');
    expect(at({ event: 'Product Added', where: { 'a.b': 1 }, op: 'gt', value: 1 })[0][0]).toBe('where.a.b');
    expect(at({ event: 'Product Added', op: 'exists' })[0][0]).toBe('op');
    expect(at({ segment: 'not-an-id' })[0][0]).toBe('segment');
    expect(at({ all: [] })[0][0]).toBe('all');
    expect(at({ field: 'birthday', op: 'eq', value: '2026-02-30' })[0][0]).toBe('value');
  });

  it('refuses a rule nesting deeper than 10 or holding more than 100 conditions', () => {
    let ten: unknown = { field: 'city', op: 'exists' };
    for (let i = 0; i < 9; i++) ten = { not: ten };
    expect(ruleIssues(ten)).toEqual([]);
    expect(at({ not: ten })[0][1]).toMatch(/deeper than 10/);
    const hundred = { any: Array.from({ length: 100 }, () => ({ field: 'city', op: 'exists' })) };
    expect(ruleIssues(hundred)).toEqual([]);
    expect(at({ any: [...hundred.any, { field: 'city', op: 'exists' }] })).toEqual([['any.100', 'the rule holds more than 100 conditions']]);
  });

  it('reports the path under the request body, as the API does', () => {
    const parsed = segmentPreviewRequest.safeParse({ rule: { all: [{ field: 'city', op: 'exists' }, { field: 'gender', op: 'eq', value: 'robot' }] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].path).toEqual(['rule', 'all', 1, 'value']);
    expect(tagsRequest.safeParse({ customerIds: ['a'], segment: 'seg_x', add: ['t'] }).error!.issues[0].path).toEqual(['customerIds']);
    expect(tagsRequest.safeParse({ customerIds: ['a'], add: ['t'], remove: ['t'] }).error!.issues[0].path).toEqual(['remove']);
  });
});
