import { z } from 'zod';
import { birthDate, externalId, localDate } from './common';
import { genders } from './commerce';

/** Lifecycle stages (PRODUCT.md, row 9): 潜客, 新客, 活跃, 沉睡, 流失. */
export const lifecycleStages = ['prospect', 'new', 'active', 'dormant', 'churned'] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

/** The 8-class RFM model: 重要价值, 重要发展, 重要保持, 重要挽留, 一般价值, 一般发展, 一般保持, 一般挽留. */
export const rfmClasses = [
  'important_value', 'important_develop', 'important_keep', 'important_retain',
  'general_value', 'general_develop', 'general_keep', 'general_retain',
] as const;
export type RfmClass = (typeof rfmClasses)[number];

/** The lifecycle's day counts, a shop setting: a day count N takes in asOf and the N days before it. */
export const lifecycleSettings = z.object({
  newDays: z.number().int().min(1).max(3650),
  activeDays: z.number().int().min(1).max(3650),
  dormantDays: z.number().int().min(1).max(3650),
});
export type LifecycleSettings = z.infer<typeof lifecycleSettings>;
export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = { newDays: 30, activeDays: 90, dormantDays: 180 };
export const lifecycleSettingsUpdate = lifecycleSettings.partial();

// ---------------------------------------------------------------------------------------------------
// The segment rule grammar (PRODUCT.md, row 9). A node is {all: [...]}, {any: [...]}, {not: node} or a
// condition. It is checked by hand rather than by a zod union, so that a bad node is reported at its
// own path (`rule.all[2].op`), not as "no union member matched" at the root.

export const segmentFields = ['province', 'city', 'gender', 'channel', 'registeredAt', 'birthday', 'tags', 'tier', 'lifecycle', 'rfmClass', 'points'] as const;
export type SegmentField = (typeof segmentFields)[number];
export const segmentOps = ['eq', 'neq', 'in', 'nin', 'contains', 'gt', 'gte', 'lt', 'lte', 'between', 'exists'] as const;
export type SegmentOp = (typeof segmentOps)[number];
export const orderMeasures = ['count', 'net_sales', 'aov'] as const;
export type OrderMeasure = (typeof orderMeasures)[number];

export type ScalarValue = string | number | boolean;
export type ConditionValue = ScalarValue | ScalarValue[];

export interface FieldCondition { field: SegmentField; op: SegmentOp; value?: ConditionValue }
export interface OrdersCondition { orders: { within?: string; category?: string }; measure: OrderMeasure; op: SegmentOp; value: ConditionValue }
export interface EventCondition { event: string; within?: string; where?: Record<string, ScalarValue>; op: SegmentOp; value: ConditionValue }
export interface SegmentRef { segment: string }
export type SegmentRule =
  | { all: SegmentRule[] }
  | { any: SegmentRule[] }
  | { not: SegmentRule }
  | FieldCondition
  | OrdersCondition
  | EventCondition
  | SegmentRef;

/** What kind of value each field holds, which decides its operators. */
export type FieldKind = 'text' | 'enum' | 'list' | 'date' | 'number';
export const fieldKinds: Record<SegmentField, FieldKind> = {
  province: 'text', city: 'text', channel: 'text', tier: 'text',
  gender: 'enum', lifecycle: 'enum', rfmClass: 'enum',
  tags: 'list',
  registeredAt: 'date', birthday: 'date',
  points: 'number',
};
export const enumValues: Partial<Record<SegmentField, readonly string[]>> = { gender: genders, lifecycle: lifecycleStages, rfmClass: rfmClasses };

const opsByKind: Record<FieldKind | 'measure', readonly SegmentOp[]> = {
  text: ['eq', 'neq', 'in', 'nin', 'contains', 'exists'],
  enum: ['eq', 'neq', 'in', 'nin', 'exists'],
  // A list holds a value (eq / contains) or not (neq), one of several (in) or none of them (nin).
  list: ['eq', 'neq', 'contains', 'in', 'nin', 'exists'],
  date: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'exists'],
  number: ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'between', 'exists'],
  // Counts and sums always have a value (0 when nothing happened).
  measure: ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'between'],
};
export const operatorsOf = (kind: FieldKind | 'measure') => opsByKind[kind];

/** The deepest a rule may nest (the root is at depth 1) and the most conditions it may hold. */
export const MAX_RULE_DEPTH = 10;
export const MAX_RULE_CONDITIONS = 100;
/** A window such as `90d` or `12h`, at most ten years. */
export const WITHIN = /^(\d{1,5})(h|d)$/;
export const withinHours = (w: string) => {
  const m = WITHIN.exec(w)!;
  return Number(m[1]) * (m[2] === 'd' ? 24 : 1);
};
const MAX_WITHIN_HOURS = 3660 * 24;
export const PROPERTY_NAME = /^[A-Za-z0-9_]+$/;
const MAX_LIST_VALUES = 1000;

/**
 * A problem of a rule at its path. `kind` says what the console tells its user in their language:
 * something not filled in yet (`incomplete`), a limit passed (`limit`), or anything else (`invalid`).
 */
export interface RuleIssue { path: (string | number)[]; message: string; kind: 'incomplete' | 'invalid' | 'limit' }
type Issue = Omit<RuleIssue, 'kind'> & { kind?: RuleIssue['kind'] };
const issue = (i: Issue): RuleIssue => ({ kind: 'invalid', ...i });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkKeys(node: Record<string, unknown>, allowed: readonly string[], path: (string | number)[], issues: RuleIssue[]) {
  for (const key of Object.keys(node)) {
    if (!allowed.includes(key)) issues.push(issue({ path: [...path, key], message: `unknown key "${key}" in this node (it takes ${allowed.join(', ')})` }));
  }
}

type ScalarKind = 'text' | 'date' | 'number' | 'enum' | 'list';

function scalarIssue(v: unknown, kind: ScalarKind, field: SegmentField | null): string | undefined {
  if (kind === 'number') return typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be a number';
  if (kind === 'date') {
    if (typeof v !== 'string') return 'must be a date YYYY-MM-DD';
    return (field === 'birthday' ? birthDate : localDate).safeParse(v).success ? undefined : 'must be a date YYYY-MM-DD';
  }
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) return 'must be a text of 1 to 200 characters';
  const allowed = field ? enumValues[field] : undefined;
  if (kind === 'enum' && allowed && !allowed.includes(v)) return `must be one of ${allowed.join(', ')}`;
  return undefined;
}

/** The value of a condition, given the kind of what it compares and the operator. */
function checkValue(node: Record<string, unknown>, op: SegmentOp, kind: ScalarKind, field: SegmentField | null, path: (string | number)[], issues: RuleIssue[]) {
  const at = [...path, 'value'];
  const v = node.value;
  if (op === 'exists') {
    if (v !== undefined && typeof v !== 'boolean') issues.push(issue({ path: at, message: 'exists takes true or false (or no value: true)' }));
    return;
  }
  if (v === undefined) { issues.push(issue({ path: at, message: `is required for ${op}`, kind: 'incomplete' })); return; }
  if (op === 'in' || op === 'nin') {
    if (!Array.isArray(v) || v.length === 0 || v.length > MAX_LIST_VALUES) { issues.push(issue({ path: at, message: `${op} takes a list of 1 to ${MAX_LIST_VALUES} values`, kind: Array.isArray(v) && v.length === 0 ? 'incomplete' : 'invalid' })); return; }
    v.forEach((item, i) => { const e = scalarIssue(item, kind, field); if (e) issues.push(issue({ path: [...at, i], message: e })); });
    return;
  }
  if (op === 'between') {
    if (!Array.isArray(v) || v.length !== 2) { issues.push(issue({ path: at, message: 'between takes [low, high], both included', kind: Array.isArray(v) && v.length < 2 ? 'incomplete' : 'invalid' })); return; }
    v.forEach((item, i) => { const e = scalarIssue(item, kind, field); if (e) issues.push(issue({ path: [...at, i], message: e })); });
    if (issues.length === 0 && (v[0] as number | string) > (v[1] as number | string)) issues.push(issue({ path: at, message: 'between takes [low, high] with low at most high' }));
    return;
  }
  const e = scalarIssue(v, kind, field);
  if (e) issues.push(issue({ path: at, message: e }));
}

function checkOp(node: Record<string, unknown>, allowed: readonly SegmentOp[], what: string, path: (string | number)[], issues: RuleIssue[]): SegmentOp | undefined {
  const op = node.op;
  if (typeof op !== 'string' || !(segmentOps as readonly string[]).includes(op)) {
    issues.push(issue({ path: [...path, 'op'], message: `unknown operator ${JSON.stringify(op ?? null)}: operators are ${segmentOps.join(' ')}` }));
    return undefined;
  }
  if (!allowed.includes(op as SegmentOp)) {
    issues.push(issue({ path: [...path, 'op'], message: `${what} takes the operators ${allowed.join(' ')}, not ${op}` }));
    return undefined;
  }
  return op as SegmentOp;
}

function checkWithin(v: unknown, path: (string | number)[], issues: RuleIssue[]) {
  if (v === undefined) return;
  if (typeof v !== 'string' || !WITHIN.test(v)) issues.push(issue({ path, message: 'must look like 90d or 12h' }));
  else if (withinHours(v) > MAX_WITHIN_HOURS) issues.push(issue({ path, message: 'must be at most 3660d' }));
}

/**
 * The problems of a segment rule, each at the path of the node (or key) at fault. `depth` and
 * `count` follow the limits of MAX_RULE_DEPTH and MAX_RULE_CONDITIONS.
 */
export function ruleIssues(rule: unknown, path: (string | number)[] = []): RuleIssue[] {
  const issues: RuleIssue[] = [];
  let conditions = 0;
  const walk = (node: unknown, at: (string | number)[], depth: number) => {
    if (issues.length > 0) return;
    if (depth > MAX_RULE_DEPTH) { issues.push(issue({ path: at, message: `the rule nests deeper than ${MAX_RULE_DEPTH} levels`, kind: 'limit' })); return; }
    if (!isObject(node)) { issues.push(issue({ path: at, message: 'must be a rule node: {all: [...]}, {any: [...]}, {not: node} or a condition' })); return; }
    if ('all' in node || 'any' in node) {
      const key = 'all' in node ? 'all' : 'any';
      checkKeys(node, [key], at, issues);
      const children = node[key];
      if (!Array.isArray(children) || children.length === 0) { issues.push(issue({ path: [...at, key], message: `${key} takes a list of at least one node`, kind: 'incomplete' })); return; }
      children.forEach((child, i) => walk(child, [...at, key, i], depth + 1));
      return;
    }
    if ('not' in node) {
      checkKeys(node, ['not'], at, issues);
      walk(node.not, [...at, 'not'], depth + 1);
      return;
    }
    conditions += 1;
    if (conditions > MAX_RULE_CONDITIONS) { issues.push(issue({ path: at, message: `the rule holds more than ${MAX_RULE_CONDITIONS} conditions`, kind: 'limit' })); return; }
    if ('segment' in node) {
      checkKeys(node, ['segment'], at, issues);
      if (typeof node.segment !== 'string' || !/^seg_[a-z0-9]{1,40}$/.test(node.segment)) issues.push(issue({ path: [...at, 'segment'], message: 'must be a segment id (seg_...)', kind: node.segment === '' ? 'incomplete' : 'invalid' }));
      return;
    }
    if ('field' in node) {
      checkKeys(node, ['field', 'op', 'value'], at, issues);
      const field = node.field;
      if (typeof field !== 'string' || !(segmentFields as readonly string[]).includes(field)) {
        issues.push(issue({ path: [...at, 'field'], message: `unknown field ${JSON.stringify(field ?? null)}: fields are ${segmentFields.join(' ')}` }));
        return;
      }
      const kind = fieldKinds[field as SegmentField];
      const op = checkOp(node, opsByKind[kind], `the field ${field}`, at, issues);
      if (op) checkValue(node, op, kind === 'list' ? 'text' : kind, field as SegmentField, at, issues);
      return;
    }
    if ('orders' in node) {
      checkKeys(node, ['orders', 'measure', 'op', 'value'], at, issues);
      const scope = node.orders;
      if (!isObject(scope)) { issues.push(issue({ path: [...at, 'orders'], message: 'takes {within?: "90d", category?: "美妆"}' })); return; }
      checkKeys(scope, ['within', 'category'], [...at, 'orders'], issues);
      checkWithin(scope.within, [...at, 'orders', 'within'], issues);
      if (scope.category !== undefined && (typeof scope.category !== 'string' || scope.category.trim() === '' || scope.category.length > 300)) {
        issues.push(issue({ path: [...at, 'orders', 'category'], message: 'must be a category path such as 美妆 or 服饰/女装' }));
      }
      if (typeof node.measure !== 'string' || !(orderMeasures as readonly string[]).includes(node.measure)) {
        issues.push(issue({ path: [...at, 'measure'], message: `unknown measure ${JSON.stringify(node.measure ?? null)}: measures are ${orderMeasures.join(' ')}` }));
        return;
      }
      const op = checkOp(node, opsByKind.measure, `an orders measure`, at, issues);
      if (op) checkValue(node, op, 'number', null, at, issues);
      return;
    }
    if ('event' in node) {
      checkKeys(node, ['event', 'within', 'where', 'op', 'value'], at, issues);
      if (typeof node.event !== 'string' || node.event.length === 0 || node.event.length > 200) issues.push(issue({ path: [...at, 'event'], message: 'must be an event name such as Product Added ($pageview for page views)', kind: node.event === '' ? 'incomplete' : 'invalid' }));
      checkWithin(node.within, [...at, 'within'], issues);
      if (node.where !== undefined) {
        if (!isObject(node.where) || Object.keys(node.where).length > 10) issues.push(issue({ path: [...at, 'where'], message: 'takes {property: value}, at most 10 properties' }));
        else for (const [key, value] of Object.entries(node.where)) {
          if (!PROPERTY_NAME.test(key)) issues.push(issue({ path: [...at, 'where', key], message: 'property names are letters, digits and _' }));
          else if (!['string', 'number', 'boolean'].includes(typeof value)) issues.push(issue({ path: [...at, 'where', key], message: 'must be a text, a number or true/false' }));
        }
      }
      const op = checkOp(node, opsByKind.measure, 'an event count', at, issues);
      if (op) checkValue(node, op, 'number', null, at, issues);
      return;
    }
    issues.push(issue({ path: at, message: 'is not a rule node: use {all}, {any}, {not}, {field, op, value}, {orders, measure, op, value}, {event, op, value} or {segment}' }));
  };
  walk(rule, path, 1);
  return issues.slice(0, 1);
}

/** A segment rule, checked node by node; the first problem is reported at its path. */
export const segmentRule = z.unknown().superRefine((value, ctx) => {
  for (const issue of ruleIssues(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}).meta({ description: 'A segment rule: {all: [...]}, {any: [...]}, {not: node}, {field, op, value}, {orders: {within, category}, measure, op, value}, {event, within, where, op, value} or {segment}' });

export const segmentId = z.string().regex(/^seg_[a-z0-9]{1,40}$/, { error: 'must be a segment id (seg_...)' });

// ---------------------------------------------------------------------------------------------------
// Customers: list, profile, RFM.

/** `138****5678` for roles that may not see people's contact details. */
export const rfmSummary = z.object({
  /** Days since the last paid order, paid orders and net sales (minor units) in the 365-day window. */
  r: z.number().int(),
  f: z.number().int(),
  m: z.number().int(),
  class: z.enum(rfmClasses),
  /** Quintile scores 1-5 (5 is the best fifth: the most recent, the most frequent, the most spent). */
  scores: z.object({ r: z.number().int(), f: z.number().int(), m: z.number().int() }),
});

export const customerListItem = z.object({
  externalId: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  lifecycle: z.enum(lifecycleStages),
  rfm: rfmSummary.nullable(),
  /** From the loyalty module once it exists; null until then. */
  tier: z.string().nullable(),
  points: z.number().int().nullable(),
  /** Paid orders not fully refunded, and their net sales (minor units), all time. */
  orders: z.number().int(),
  netSales: z.number().int(),
  lastOrderAt: z.string().nullable(),
  tags: z.array(z.string()),
});
export type CustomerListItem = z.infer<typeof customerListItem>;

export const customerSorts = ['netSales', '-netSales', 'orders', '-orders', 'lastOrderAt', '-lastOrderAt', 'externalId', '-externalId'] as const;
export type CustomerSort = (typeof customerSorts)[number];

export const customersQuery = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  lifecycle: z.enum(lifecycleStages).optional(),
  rfmClass: z.enum(rfmClasses).optional(),
  segment: segmentId.optional(),
  tier: z.string().min(1).max(100).optional(),
  tag: z.string().min(1).max(100).optional(),
  sort: z.enum(customerSorts).default('-netSales'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type CustomersQuery = z.infer<typeof customersQuery>;

export const customerList = z.object({
  customers: z.array(customerListItem),
  nextCursor: z.string().nullable(),
  currency: z.string(),
  /** For a search: more people matched than were looked at (the first 10,000 by id). */
  searchTruncated: z.boolean().optional(),
});
export type CustomerList = z.infer<typeof customerList>;

export const timelineKinds = ['order', 'refund', 'visit'] as const;
export const timelineEntry = z.object({
  kind: z.enum(timelineKinds),
  at: z.string(),
  /** order: id, status, amount (paid, else payable), items; refund: id, orderId, amount, reason; visit: sessionId, channel, pages, events. */
  id: z.string(),
  status: z.string().optional(),
  amount: z.number().int().optional(),
  orderId: z.string().optional(),
  reason: z.string().nullable().optional(),
  items: z.number().int().optional(),
  channel: z.string().nullable().optional(),
  pages: z.number().int().optional(),
  events: z.number().int().optional(),
});
export type TimelineEntry = z.infer<typeof timelineEntry>;

export const customerProfile = customerListItem.extend({
  email: z.string().nullable(),
  gender: z.string().nullable(),
  birthday: z.string().nullable(),
  province: z.string().nullable(),
  city: z.string().nullable(),
  registeredAt: z.string().nullable(),
  /** The record's channel, else the channel of the person's first tracked session. */
  acquisitionChannel: z.string().nullable(),
  firstOrderAt: z.string().nullable(),
  /** Net sales / orders, minor units; null without orders. */
  aov: z.number().int().nullable(),
  currency: z.string(),
  favouriteCategories: z.array(z.object({ category: z.string(), orders: z.number().int(), netSales: z.number().int() })),
  segments: z.array(z.object({ id: z.string(), name: z.string() })),
  /** Tags from the shop's records and those set here by hand. */
  importedTags: z.array(z.string()),
  manualTags: z.array(z.string()),
  timeline: z.array(timelineEntry),
  erased: z.boolean(),
});
export type CustomerProfile = z.infer<typeof customerProfile>;

export const asOfQuery = z.object({ asOf: localDate.optional() });

export const rfmResult = z.object({
  asOf: z.string(),
  currency: z.string(),
  /** The population: customers with a paid order in the 365 days up to asOf. */
  customers: z.number().int(),
  means: z.object({ r: z.number().nullable(), f: z.number().nullable(), m: z.number().nullable() }),
  classes: z.array(z.object({ class: z.enum(rfmClasses), customers: z.number().int(), netSales: z.number().int(), share: z.number().nullable() })),
});
export type RfmResult = z.infer<typeof rfmResult>;

export const lifecycleResult = z.object({
  asOf: z.string(),
  settings: lifecycleSettings,
  stages: z.array(z.object({ stage: z.enum(lifecycleStages), customers: z.number().int() })),
});
export type LifecycleResult = z.infer<typeof lifecycleResult>;

// ---------------------------------------------------------------------------------------------------
// Segments and tags.

export const segmentCreate = z.object({
  name: z.string().trim().min(1).max(200),
  rule: segmentRule,
  description: z.string().max(2000).optional(),
});
export const segmentUpdate = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  rule: segmentRule.optional(),
  description: z.string().max(2000).optional(),
});
export const segmentPreviewRequest = z.object({ rule: segmentRule, sampleSize: z.number().int().min(0).max(100).default(10) });

export const segmentSizePoint = z.object({ date: z.string(), size: z.number().int() });
export const segment = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  rule: z.unknown(),
  size: z.number().int(),
  sizeAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Segment = Omit<z.infer<typeof segment>, 'rule'> & { rule: SegmentRule };
export const segmentDetail = segment.extend({
  sample: z.array(customerListItem),
  /** The size at the end of each day it was measured (local dates), oldest first. */
  sizeHistory: z.array(segmentSizePoint),
});
export const segmentList = z.object({ segments: z.array(segment) });
export const segmentPreview = z.object({ size: z.number().int(), sample: z.array(customerListItem), currency: z.string() });
export const segmentMembersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(500).optional(),
});

export const tagName = z.string().trim().min(1).max(100);
export const tagsRequest = z.object({
  customerIds: z.array(externalId).min(1).max(10_000).optional(),
  segment: segmentId.optional(),
  add: z.array(tagName).max(20).default([]),
  remove: z.array(tagName).max(20).default([]),
}).superRefine((r, ctx) => {
  if ((r.customerIds === undefined) === (r.segment === undefined)) ctx.addIssue({ code: 'custom', path: ['customerIds'], message: 'give customerIds or segment (one of them)' });
  if (r.add.length + r.remove.length === 0) ctx.addIssue({ code: 'custom', path: ['add'], message: 'give tags to add or to remove' });
  const both = r.add.filter((t) => r.remove.includes(t));
  if (both.length > 0) ctx.addIssue({ code: 'custom', path: ['remove'], message: `a tag cannot be added and removed at once: ${both.join(', ')}` });
});
export const tagsResult = z.object({ customers: z.number().int(), added: z.array(z.string()), removed: z.array(z.string()) });
export const tagCounts = z.object({ tags: z.array(z.object({ tag: z.string(), customers: z.number().int() })) });

// ---------------------------------------------------------------------------------------------------
// PII: export and erasure.

export const customerExport = z.object({
  exportedAt: z.string(),
  shopId: z.string(),
  customer: z.record(z.string(), z.unknown()).nullable(),
  manualTags: z.array(z.object({ tag: z.string(), state: z.enum(['added', 'removed']), at: z.string(), by: z.string().nullable() })),
  orders: z.array(z.record(z.string(), z.unknown())),
  refunds: z.array(z.record(z.string(), z.unknown())),
  /** Tier, growth value, tier history, points and the points ledger (null when not a member). */
  loyalty: z.record(z.string(), z.unknown()).nullable(),
  events: z.array(z.record(z.string(), z.unknown())),
  eventsTruncated: z.boolean(),
  segments: z.array(z.object({ id: z.string(), name: z.string() })),
});
export const erasureResult = z.object({
  externalId: z.string(),
  /** The id the person's orders and events carry from now on: anonymous, so every figure stays. */
  anonymousId: z.string(),
  erasedFields: z.array(z.string()),
  orders: z.number().int(),
  erasedAt: z.string(),
});
export type ErasureResult = z.infer<typeof erasureResult>;
