import { describe, expect, it } from 'vitest';
import { ruleIssues, type SegmentRule } from '@flywheel/contracts';
import { fromRule, newCondition, newGroup, toRule, updateNode, valueForOp } from './segmentDraft';

describe('segment builder draft', () => {
  it('turns groups and conditions into the rule grammar', () => {
    const draft = newGroup('all', [
      { ...newCondition('field'), value: '广东' },
      { ...newGroup('any', [newCondition('event'), { ...newCondition('orders'), within: null, category: ' 美妆 ', measure: 'net_sales', op: 'gte', value: 50000 }]), negate: true },
    ]);
    const rule = toRule(draft);
    expect(rule).toEqual({ all: [
      { field: 'province', op: 'eq', value: '广东' },
      { not: { any: [{ event: 'Product Added', within: '7d', op: 'gte', value: 1 }, { orders: { category: '美妆' }, measure: 'net_sales', op: 'gte', value: 50000 }] } },
    ] });
    expect(ruleIssues(rule)).toEqual([]);
  });

  it('reads a saved rule back to the same rule', () => {
    const rules: SegmentRule[] = [
      { all: [{ field: 'lifecycle', op: 'in', value: ['dormant'] }, { orders: { within: '365d' }, measure: 'net_sales', op: 'gte', value: 100000 }] },
      { not: { field: 'tags', op: 'contains', value: 'vip' } },
      { any: [{ segment: 'seg_abc' }, { not: { any: [{ event: '$pageview', op: 'eq', value: 0 }] } }] },
    ];
    expect(toRule(fromRule(rules[0]))).toEqual(rules[0]);
    expect(toRule(fromRule(rules[1]))).toEqual({ not: { all: [(rules[1] as { not: SegmentRule }).not] } });
    expect(toRule(fromRule(rules[2]))).toEqual(rules[2]);
  });

  it('removes and replaces nodes by id, and gives each operator a value of its shape', () => {
    const a = newCondition('field');
    const b = newCondition('segment');
    const root = newGroup('all', [a, newGroup('any', [b])]);
    const without = updateNode(root, b.id, () => null);
    expect(toRule(without)).toEqual({ all: [{ field: 'province', op: 'eq', value: undefined }, { any: [] }] });
    expect(valueForOp('in', '广东')).toEqual(['广东']);
    expect(valueForOp('between', 5)).toEqual([]);
    expect(valueForOp('eq', ['x'])).toBeUndefined();
    expect(valueForOp('exists', 'x')).toBe(true);
  });
});
