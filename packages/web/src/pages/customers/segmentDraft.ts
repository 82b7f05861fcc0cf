import {
  fieldKinds, operatorsOf,
  type ConditionValue, type OrderMeasure, type SegmentField, type SegmentOp, type SegmentRule,
} from '@flywheel/contracts';

/**
 * The segment builder's model: groups (all / any, optionally negated) of conditions, each with a
 * stable id for React. `toRule` gives the grammar of PRODUCT.md; `fromRule` reads a saved rule back.
 * Amounts of net sales and AOV are minor units here, as in the rule.
 */
export type DraftNode = DraftGroup | DraftCondition;
export interface DraftGroup { kind: 'group'; id: string; mode: 'all' | 'any'; negate: boolean; children: DraftNode[] }
export type DraftCondition =
  | { kind: 'field'; id: string; field: SegmentField; op: SegmentOp; value: ConditionValue | undefined }
  | { kind: 'orders'; id: string; within: string | null; category: string; measure: OrderMeasure; op: SegmentOp; value: ConditionValue | undefined }
  | { kind: 'event'; id: string; event: string; within: string | null; op: SegmentOp; value: ConditionValue | undefined }
  | { kind: 'segment'; id: string; segment: string };
export type ConditionKind = DraftCondition['kind'];

let counter = 0;
const nextId = () => `n${++counter}`;

export function newGroup(mode: 'all' | 'any' = 'all', children: DraftNode[] = []): DraftGroup {
  return { kind: 'group', id: nextId(), mode, negate: false, children };
}

const starters: { [K in ConditionKind]: () => Extract<DraftCondition, { kind: K }> } = {
  field: () => ({ kind: 'field', id: nextId(), field: 'province', op: 'eq', value: undefined }),
  orders: () => ({ kind: 'orders', id: nextId(), within: '90d', category: '', measure: 'count', op: 'gte', value: 1 }),
  event: () => ({ kind: 'event', id: nextId(), event: 'Product Added', within: '7d', op: 'gte', value: 1 }),
  segment: () => ({ kind: 'segment', id: nextId(), segment: '' }),
};

export function newCondition<K extends ConditionKind>(kind: K): Extract<DraftCondition, { kind: K }> {
  return starters[kind]() as Extract<DraftCondition, { kind: K }>;
}

/** The value an operator starts with when chosen: a list for in / nin, a pair for between, none otherwise. */
export function valueForOp(op: SegmentOp, previous: ConditionValue | undefined): ConditionValue | undefined {
  if (op === 'exists') return true;
  if (op === 'in' || op === 'nin') return Array.isArray(previous) ? previous : previous === undefined || typeof previous === 'boolean' ? [] : [previous];
  if (op === 'between') return Array.isArray(previous) && previous.length === 2 ? previous : [];
  return Array.isArray(previous) || typeof previous === 'boolean' ? undefined : previous;
}

/** The operators a condition can use (contracts' table, so the builder never offers one the API refuses). */
export function operatorsFor(condition: DraftCondition): readonly SegmentOp[] {
  if (condition.kind === 'field') return operatorsOf(fieldKinds[condition.field]);
  if (condition.kind === 'segment') return [];
  return operatorsOf('measure');
}

function conditionRule(c: DraftCondition): SegmentRule {
  switch (c.kind) {
    case 'field': return c.op === 'exists' ? { field: c.field, op: c.op, value: c.value === false ? false : true } : { field: c.field, op: c.op, value: c.value };
    case 'orders': {
      const orders: { within?: string; category?: string } = {};
      if (c.within) orders.within = c.within;
      if (c.category.trim()) orders.category = c.category.trim();
      return { orders, measure: c.measure, op: c.op, value: c.value as ConditionValue };
    }
    case 'event': return { event: c.event.trim(), ...(c.within ? { within: c.within } : {}), op: c.op, value: c.value as ConditionValue };
    case 'segment': return { segment: c.segment };
  }
}

export function toRule(node: DraftNode): SegmentRule {
  if (node.kind !== 'group') return conditionRule(node);
  const children = node.children.map(toRule);
  const group: SegmentRule = node.mode === 'all' ? { all: children } : { any: children };
  return node.negate ? { not: group } : group;
}

/** A saved rule as a draft; the root is always a group, so conditions can be added beside it. */
export function fromRule(rule: SegmentRule): DraftGroup {
  const node = read(rule);
  return node.kind === 'group' ? node : newGroup('all', [node]);
}

function read(rule: SegmentRule): DraftNode {
  if ('all' in rule) return { ...newGroup('all'), children: rule.all.map(read) };
  if ('any' in rule) return { ...newGroup('any'), children: rule.any.map(read) };
  if ('not' in rule) {
    const inner = read(rule.not);
    return inner.kind === 'group' && !inner.negate ? { ...inner, negate: true } : { ...newGroup('all', [inner]), negate: true };
  }
  if ('segment' in rule) return { kind: 'segment', id: nextId(), segment: rule.segment };
  if ('field' in rule) return { kind: 'field', id: nextId(), field: rule.field, op: rule.op, value: rule.value };
  if ('orders' in rule) return { kind: 'orders', id: nextId(), within: rule.orders.within ?? null, category: rule.orders.category ?? '', measure: rule.measure, op: rule.op, value: rule.value };
  return { kind: 'event', id: nextId(), event: rule.event, within: rule.within ?? null, op: rule.op, value: rule.value };
}

/** The draft with `id` replaced by `replace(node)` (or removed when it returns null). */
export function updateNode(root: DraftGroup, id: string, replace: (node: DraftNode) => DraftNode | null): DraftGroup {
  const walk = (node: DraftNode): DraftNode | null => {
    if (node.id === id) return replace(node);
    if (node.kind !== 'group') return node;
    return { ...node, children: node.children.map(walk).filter((n): n is DraftNode => n !== null) };
  };
  return (walk(root) as DraftGroup | null) ?? newGroup();
}
