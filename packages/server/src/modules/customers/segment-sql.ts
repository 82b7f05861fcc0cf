import {
  fieldKinds, withinHours,
  type ConditionValue, type EventCondition, type FieldCondition, type OrdersCondition, type ScalarValue, type SegmentField, type SegmentOp, type SegmentRule,
} from '@flywheel/contracts';
import { FlywheelError } from '../../platform/errors';
import type { FactsParts } from './facts';

/**
 * The segment rule compiler: the one place a rule becomes SQL. Pure: rule in, SQL and parameters out.
 *
 * The SQL runs over the `facts` relation of facts.ts (one row per person, alias `f`) and its
 * `purchases`, plus `order_items` and `products` (commerce's) and `tracked_events` (tracking's) for
 * conditions on orders and events. Every value a user typed is a bound parameter (`$p0`, `$p1` ...);
 * the SQL text holds only column names and operators chosen from fixed tables. Each condition is
 * true or false, never null (`coalesce(..., false)`), so `not` is the exact complement and `any` /
 * `all` are union and intersection.
 */

export interface CompiledRule {
  /** CTEs (`c0 as (...)`) of per-customer measures, each `(customer_id, v)`. */
  ctes: string[];
  /** Left joins of those CTEs onto `facts f`. */
  joins: string[];
  /** A boolean SQL expression over `f` and the joined measures. */
  where: string;
  params: Record<string, string | number>;
  /** Whether the rule reads the RFM class (the facts then rank the RFM population). */
  needsRfm: boolean;
  /** The parts of the facts it reads (facts.ts `FactsParts`). */
  needs: FactsParts;
}

/** The most conditions a rule may hold once the segments it refers to are put in, and how deep such references go. */
export const MAX_EXPANDED_CONDITIONS = 1000;
export const MAX_SEGMENT_NESTING = 10;

/** The column (or expression) of `facts f` each field compares; registeredAt by its local date. */
const fieldColumn: Record<SegmentField, string> = {
  province: 'f.province', city: 'f.city', gender: 'f.gender', channel: 'f.channel', tier: 'f.tier',
  lifecycle: 'f.lifecycle', rfmClass: 'f.rfm_class', points: 'f.points', tags: 'f.tags',
  registeredAt: 'timezone($tz, f.registered_at)::date', birthday: 'f.birthday',
};

const castOf = { text: 'varchar', enum: 'varchar', list: 'varchar', date: 'date', number: 'double' } as const;
const jsonListType = { varchar: '["VARCHAR"]', date: '["DATE"]', double: '["DOUBLE"]' } as const;

const comparison: Partial<Record<SegmentOp, string>> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

class Compiler {
  readonly ctes: string[] = [];
  readonly joins: string[] = [];
  readonly params: Record<string, string | number> = {};
  needsRfm = false;
  readonly needs: FactsParts = { buyers: false, attributes: false, tags: false };
  private conditions = 0;

  constructor(private readonly segments: ReadonlyMap<string, SegmentRule>, private readonly prefix: string) {}

  param(value: string | number): string {
    const name = `${this.prefix}p${Object.keys(this.params).length}`;
    this.params[name] = value;
    return `$${name}`;
  }

  /** A list of values as one JSON parameter, unpacked by DuckDB into a typed list. */
  listParam(values: readonly ScalarValue[], cast: keyof typeof jsonListType): string {
    return `from_json(${this.param(JSON.stringify(values))}::json, '${jsonListType[cast]}')`;
  }

  node(rule: SegmentRule, path: string, refs: string[]): string {
    if ('all' in rule) return `(${rule.all.map((n, i) => this.node(n, `${path}.all[${i}]`, refs)).join(' and ')})`;
    if ('any' in rule) return `(${rule.any.map((n, i) => this.node(n, `${path}.any[${i}]`, refs)).join(' or ')})`;
    if ('not' in rule) return `(not ${this.node(rule.not, `${path}.not`, refs)})`;
    if ('segment' in rule) return this.segment(rule.segment, `${path}.segment`, refs);
    this.conditions += 1;
    if (this.conditions > MAX_EXPANDED_CONDITIONS) {
      throw new FlywheelError('invalid_field', `${path}: with the segments it refers to, the rule holds more than ${MAX_EXPANDED_CONDITIONS} conditions`, path);
    }
    if ('field' in rule) return `coalesce(${this.field(rule)}, false)`;
    if ('orders' in rule) return `coalesce(${this.measure(this.orders(rule), rule.op, rule.value, rule.measure !== 'aov')}, false)`;
    return `coalesce(${this.measure(this.event(rule), rule.op, rule.value, true)}, false)`;
  }

  private segment(id: string, path: string, refs: string[]): string {
    if (refs.includes(id)) throw new FlywheelError('invalid_field', `${path}: segment ${id} refers back to itself (${[...refs, id].join(' -> ')})`, path);
    if (refs.length >= MAX_SEGMENT_NESTING) throw new FlywheelError('invalid_field', `${path}: segments refer to segments more than ${MAX_SEGMENT_NESTING} deep`, path);
    const rule = this.segments.get(id);
    if (!rule) throw new FlywheelError('unknown_reference', `${path}: no segment ${id} in this shop`, path);
    try {
      return this.node(rule, path, [...refs, id]);
    } catch (error) {
      // A problem inside a referred segment is the reference's: the user can change only this rule.
      if (!(error instanceof FlywheelError) || !error.field || error.field === path) throw error;
      const reason = error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message;
      throw new FlywheelError(error.code, `${path}: in segment ${id}: ${reason}`, path);
    }
  }

  private field(c: FieldCondition): string {
    const kind = fieldKinds[c.field];
    if (c.field === 'rfmClass') this.needsRfm = true;
    else if (c.field === 'lifecycle') this.needs.buyers = true;
    else if (c.field === 'tags') { this.needs.attributes = true; this.needs.tags = true; }
    else if (c.field !== 'tier' && c.field !== 'points') this.needs.attributes = true;
    const col = fieldColumn[c.field];
    const cast = castOf[kind];
    const one = (v: ScalarValue) => `${this.param(v as string | number)}::${cast}`;
    if (kind === 'list') {
      switch (c.op) {
        case 'eq': case 'contains': return `list_contains(${col}, ${one(c.value as string)})`;
        case 'neq': return `(not list_contains(${col}, ${one(c.value as string)}))`;
        case 'in': return `list_has_any(${col}, ${this.listParam(c.value as ScalarValue[], 'varchar')})`;
        case 'nin': return `(not list_has_any(${col}, ${this.listParam(c.value as ScalarValue[], 'varchar')}))`;
        case 'exists': return c.value === false ? `len(${col}) = 0` : `len(${col}) > 0`;
      }
    }
    switch (c.op) {
      case 'exists': return c.value === false ? `${col} is null` : `${col} is not null`;
      // A missing value is different from any value: `province neq 广东` takes in those without one.
      case 'neq': return `${col} is distinct from ${one(c.value as ScalarValue)}`;
      case 'in': return `list_contains(${this.listParam(c.value as ScalarValue[], cast)}, (${col})::${cast})`;
      case 'nin': return `(not coalesce(list_contains(${this.listParam(c.value as ScalarValue[], cast)}, (${col})::${cast}), false))`;
      case 'contains': return `contains(${col}, ${one(c.value as string)})`;
      case 'between': { const [lo, hi] = c.value as ScalarValue[]; return `${col} between ${one(lo)} and ${one(hi)}`; }
      default: return `${col} ${comparison[c.op]} ${one(c.value as ScalarValue)}`;
    }
  }

  /** A number compared: a count or a sum (0 when nothing happened) or an average (no value, so no match, without orders). */
  private measure(value: string, op: SegmentOp, v: ConditionValue | undefined, zeroWhenNone: boolean): string {
    const x = zeroWhenNone ? `coalesce(${value}, 0)` : value;
    const num = (n: ScalarValue) => `${this.param(n as number)}::double`;
    switch (op) {
      case 'neq': return `${x} <> ${num(v as number)}`;
      case 'in': return `list_contains(${this.listParam(v as ScalarValue[], 'double')}, ${x}::double)`;
      case 'nin': return `(not list_contains(${this.listParam(v as ScalarValue[], 'double')}, ${x}::double))`;
      case 'between': { const [lo, hi] = v as number[]; return `${x} between ${num(lo)} and ${num(hi)}`; }
      default: return `${x} ${comparison[op]} ${num(v as number)}`;
    }
  }

  private cte(body: string): string {
    const name = `${this.prefix}c${this.ctes.length}`;
    this.ctes.push(`${name} as (${body})`);
    this.joins.push(`left join ${name} on ${name}.customer_id = f.customer_id`);
    return name;
  }

  /**
   * Purchases (facts.ts) in the window before now; with a category, only orders with a line of it
   * (a category matches its path and everything under it, by whole segments), whose sales are the
   * lines' share of the order's net amount by line value.
   */
  private orders(c: OrdersCondition): string {
    const window = c.orders.within ? `and pu.paid_at >= $now::timestamptz - to_hours(${this.param(withinHours(c.orders.within))}::bigint) and pu.paid_at < $now::timestamptz` : '';
    const measure = { count: 'count(*)', net_sales: 'sum(net)', aov: 'sum(net) / count(*)' }[c.measure];
    if (!c.orders.category) {
      return `${this.cte(`select pu.customer_id, ${measure} as v from purchases pu where true ${window} group by pu.customer_id`)}.v`;
    }
    const category = c.orders.category.split('/').map((s) => s.trim()).filter(Boolean).join('/');
    const cat = this.param(category);
    return `${this.cte(`select customer_id, ${measure} as v from (
        select pu.customer_id, pu.order_id, any_value(pu.net) * sum(i.amount) filter (where p.category = ${cat} or starts_with(p.category, ${cat} || '/'))
          / coalesce(nullif(sum(i.amount), 0), 1) as net
        from purchases pu join order_items i on i.shop_id = $shop and i.order_id = pu.order_id
          left join products p on p.shop_id = $shop and p.product_id = i.product_id
        where true ${window}
        group by pu.customer_id, pu.order_id
        having bool_or(p.category = ${cat} or starts_with(p.category, ${cat} || '/')))
      group by customer_id`)}.v`;
  }

  /** Tracked events of the person (after identity stitching) in the window before now; `$pageview` counts page views. */
  private event(c: EventCondition): string {
    const what = c.event === '$pageview' ? `type = 'page'` : `event = ${this.param(c.event)}`;
    const window = c.within ? `and ts >= $now::timestamptz - to_hours(${this.param(withinHours(c.within))}::bigint)` : '';
    const where = Object.entries(c.where ?? {}).map(([key, value]) => `and json_extract_string(properties, ${this.param(`$.${key}`)}) = ${this.param(String(value))}`).join(' ');
    return `${this.cte(`select person_id as customer_id, count(*) as v from tracked_events
      where shop_id = $shop and ${what} ${window} and ts < $now::timestamptz ${where}
      group by person_id`)}.v`;
  }
}

/**
 * Compiles a checked rule (contracts' `ruleIssues` found nothing). `segments` holds the rules of the
 * segments it refers to, directly or through others; `path` names the rule in error messages;
 * `prefix` starts the names of its CTEs and parameters, so several rules can share one statement;
 * `within`: the segments whose rule this is (a reference back to one of them is a cycle).
 */
export function compileRule(rule: SegmentRule, segments: ReadonlyMap<string, SegmentRule> = new Map(), path = 'rule', prefix = '', within: string[] = []): CompiledRule {
  const compiler = new Compiler(segments, prefix);
  const where = compiler.node(rule, path, within);
  return { ctes: compiler.ctes, joins: compiler.joins, where, params: compiler.params, needsRfm: compiler.needsRfm, needs: compiler.needs };
}

/** The ids of the segments a rule refers to directly. */
export function segmentRefs(rule: SegmentRule): string[] {
  if ('all' in rule) return rule.all.flatMap(segmentRefs);
  if ('any' in rule) return rule.any.flatMap(segmentRefs);
  if ('not' in rule) return segmentRefs(rule.not);
  if ('segment' in rule) return [rule.segment];
  return [];
}
