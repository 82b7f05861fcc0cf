/**
 * Why a row of a file is refused, in the file's own terms: the line, the column as the file heads it
 * (实付金额, not `paidAmount`), the value as written, and a problem key of the import catalog
 * (contracts/imports.ts) with its values, which the reader renders in their language.
 */
import type { EntityName, ImportProblem, ImportProblemKey, ImportTextValues, RejectedRecord } from '@flywheel/contracts';
import { fieldPath } from '../../platform/errors';
import { fieldSpecAt } from './columns';

/** One cell of the file: where it is and what it says. */
export interface Cell {
  line: number;
  /** The header as the file writes it. */
  column: string;
  /** The cell as written (a number cell as its text). */
  value: string;
}

/** Where a record came from: its lines, its cells by API path, and the file's header for each field. */
export interface RecordOrigin {
  lines: number[];
  /** By API path: `paidAmount`, `items[1].quantity`. */
  cells: Map<string, Cell>;
  /** By field (`paidAmount`, `quantity`): the file's header for it, when the file has one. */
  headers: Map<string, string>;
}

/** A line of the file refused, and why. `index` is the record's place among the file's records, -1 for a row that made none. */
export interface Refusal {
  line: number;
  index: number;
  code: string;
  field?: string;
  column?: string;
  value?: string;
  problem: ImportProblem;
}

const leafOf = (path: string) => path.replace(/\[\d+\]/g, '').split('.').pop() ?? path;

/** The cell a path names, else the cell of the nearest enclosing path (an NDJSON `items` array). */
function cellAt(origin: RecordOrigin, path: string): Cell | undefined {
  for (let p = path; p;) {
    const cell = origin.cells.get(p);
    if (cell) return cell;
    const parent = p.replace(/(\[\d+\]|\.[^.[\]]+)$/, '');
    if (parent === p) return undefined;
    p = parent;
  }
  return undefined;
}

function valueAt(record: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = record;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

const asText = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : typeof value === 'object' ? JSON.stringify(value) : String(value);

/** A refusal of one record at `path`, placed on the line and column of the cell that path came from. */
export function refusalAt(
  entity: EntityName | 'events',
  origin: RecordOrigin,
  record: unknown,
  index: number,
  code: string,
  path: readonly PropertyKey[],
  problem: (found: { column?: string; value?: string }) => { key: ImportProblemKey; values?: ImportTextValues },
): Refusal {
  const field = fieldPath(path);
  const cell = field ? cellAt(origin, field) : undefined;
  const exact = cell && origin.cells.get(field) === cell;
  const column = cell?.column ?? origin.headers.get(leafOf(field));
  const value = exact ? cell.value : asText(valueAt(record, path));
  const { key, values = {} } = problem({ column, value });
  return {
    line: cell?.line ?? origin.lines[0],
    index,
    code,
    field: field || undefined,
    column,
    value,
    problem: { key, values: { entity, field: field || null, column: column ?? null, value: value ?? null, ...values } },
  };
}

/** What a schema issue (zod) means for a cell of this field. */
export interface SchemaIssue {
  code: string;
  path: readonly PropertyKey[];
  expected?: string;
  format?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
}

export function schemaProblem(entity: EntityName, issue: SchemaIssue, found: { column?: string; value?: string }): { key: ImportProblemKey; values?: ImportTextValues } {
  if (found.value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) return { key: found.column ? 'required' : 'missing_column' };
  if (issue.origin === 'array') return issue.code === 'too_small' ? { key: 'no_lines' } : { key: 'invalid' };
  if (issue.format === 'email') return { key: 'bad_email' };
  const kind = fieldSpecAt(entity, issue.path)?.kind;
  switch (kind) {
    case 'money':
      if (issue.code === 'invalid_type') return { key: issue.expected === 'int' ? 'fen_fraction' : 'not_amount' };
      if (issue.code === 'too_small') return { key: 'negative' };
      if (issue.code === 'too_big') return { key: 'too_large' };
      return { key: 'not_positive' };
    case 'integer':
      if (issue.code === 'invalid_type') return { key: issue.expected === 'int' ? 'not_whole' : 'not_number' };
      if (issue.code === 'too_small') return { key: 'at_least', values: { min: Number(issue.minimum) } };
      if (issue.code === 'too_big') return { key: 'at_most', values: { max: Number(issue.maximum) } };
      return { key: 'invalid' };
    case 'timestamp':
      return { key: 'bad_time' };
    case 'date':
      return { key: 'bad_date' };
    case 'orderStatus':
    case 'productStatus':
    case 'platform':
      return { key: 'bad_choice', values: { kind } };
    case 'currency':
      return { key: 'bad_currency' };
    default:
      if (issue.code === 'too_small' && issue.origin === 'string') return { key: 'required' };
      if (issue.code === 'too_big' && issue.origin === 'string') return { key: 'too_long', values: { max: Number(issue.maximum) } };
      return { key: 'invalid' };
  }
}

/**
 * The commerce service's refusals (a status that goes back, a refund of more than was paid) come as
 * English text; these are the ones it writes, read back into problems. One it may add later is kept
 * as its text (`other`).
 */
const COMMERCE_REFUSALS: { test: RegExp; key: ImportProblemKey; values?: (m: RegExpExecArray) => ImportTextValues }[] = [
  { test: /cancelled; it cannot become (\w+)/, key: 'order_cancelled', values: (m) => ({ to: m[1] }) },
  { test: /cannot go back from (\w+) to (\w+)/, key: 'status_backwards', values: (m) => ({ from: m[1], to: m[2] }) },
  { test: /paid amount of a paid order cannot change \(was (\d+)\)/, key: 'paid_amount_changed', values: (m) => ({ was: Number(m[1]) }) },
  { test: /this shop records money in (\w+)/, key: 'currency_mismatch', values: (m) => ({ shopCurrency: m[1], currency: m[1] }) },
  { test: /a (\w+) order needs paidAt/, key: 'paid_time_required', values: (m) => ({ status: m[1] }) },
  { test: /a cancelled order needs cancelledAt/, key: 'cancelled_time_required' },
  { test: /order without paidAt has not been paid/, key: 'paid_without_time' },
  { test: /paidAt: is before placedAt/, key: 'paid_before_placed' },
  { test: /refund (.+) belongs to order (.+)$/, key: 'refund_other_order', values: (m) => ({ id: m[1], order: m[2] }) },
  { test: /no order .+ in this shop/, key: 'unknown_order' },
  { test: /has not been paid, so it cannot be refunded/, key: 'order_not_paid' },
  { test: /refunds of order (.+) would total (\d+), more than the (\d+) paid/, key: 'refund_exceeds', values: (m) => ({ order: m[1], total: Number(m[2]), paid: Number(m[3]) }) },
];

export function commerceProblem(rejected: Pick<RejectedRecord, 'message'>, currency: string): { key: ImportProblemKey; values?: ImportTextValues } {
  for (const { test, key, values } of COMMERCE_REFUSALS) {
    const match = test.exec(rejected.message);
    if (match) return { key, values: { currency, ...values?.(match) } };
  }
  return { key: 'other', values: { message: rejected.message.replace(/^[\w.[\]]+: /, '') } };
}

/**
 * A grouped record with a bad line is not imported at all (an order missing one of its items would
 * have wrong totals), so every line of it is reported: the bad one with its reason, the others
 * pointing at it.
 */
export function withSiblings(entity: EntityName, origin: RecordOrigin, recordId: string, refusal: Refusal): Refusal[] {
  const siblings = origin.lines
    .filter((line) => line !== refusal.line)
    .map((line): Refusal => ({
      line,
      index: refusal.index,
      code: refusal.code,
      field: refusal.field,
      problem: {
        key: 'sibling',
        values: { entity, id: recordId, line: refusal.line, column: refusal.column ?? null, field: refusal.field ?? null },
      },
    }));
  return [refusal, ...siblings];
}
