/**
 * File import, part two: rows (files.ts) to the API's record shapes. The commerce service validates
 * the records with the contract's zod schemas afterwards, so this only *shapes* values; it rejects a
 * row itself only where it alone knows why (an unreadable line, a price with a fraction of a fen, an
 * order line without its order number).
 */
import type { EntityName } from '@flywheel/contracts';
import { columnResolver, type Column } from './columns';
import { isBlank, PARSE_ERROR_KEY, type SourceRow, type SourceValue } from './source-rows';
import { DEFAULT_TIMEZONE } from './time';
import { convertValue, type ShapeOptions } from './values';

/**
 * How flat rows become nested records: rows sharing `key` are one record, and their per-line fields
 * become the entries of `linesField`.
 */
const GROUPING: Partial<Record<EntityName, { key: string; linesField: string; noun: string }>> = {
  orders: { key: 'externalId', linesField: 'items', noun: 'order' },
  products: { key: 'externalId', linesField: 'skus', noun: 'product' },
  refunds: { key: 'externalId', linesField: 'items', noun: 'refund' },
};

export interface RowError {
  line: number;
  code: string;
  message: string;
  field?: string;
}

export interface ShapedRecords {
  records: unknown[];
  /** lines[i]: the source lines that produced records[i]. */
  lines: number[][];
  /** Rows rejected before validation; their lines produce no record. */
  errors: RowError[];
}

/** One source row taken apart into its record-level and per-line fields. */
interface ShapedRow {
  line: number;
  record: Record<string, unknown>;
  perLine: Record<string, unknown>;
  /** The row already carries its lines as an array (NDJSON `items`): it is a record on its own. */
  nested: boolean;
  errors: { field: string; message: string; perLine: boolean }[];
}

function shapeRow(row: SourceRow, resolve: (header: string) => Column, linesField: string | undefined, options: Required<ShapeOptions>): ShapedRow {
  const shaped: ShapedRow = { line: row.line, record: {}, perLine: {}, nested: false, errors: [] };
  for (const [header, value] of Object.entries(row.values)) {
    if (isBlank(value)) continue;
    const column = resolve(header);
    if (typeof value === 'object' && value !== null) {
      placeNested(shaped, header, column, value, linesField);
      continue;
    }
    if (column.to === 'attribute') {
      const attributes = (shaped.perLine.attributes ??= {}) as Record<string, string>;
      attributes[column.name] = String(value).trim();
    } else if (column.to === 'field') {
      const { spec } = column;
      const converted = convertValue(spec.kind, value as string | number | boolean, options);
      if ('error' in converted) shaped.errors.push({ field: spec.field, message: converted.error, perLine: !!spec.perLine });
      else (spec.perLine ? shaped.perLine : shaped.record)[spec.field] = converted.value;
    }
    // Columns Flywheel does not know (备注, 商品名称 in an order export, ...) are left out.
  }
  return shaped;
}

/** Arrays and objects were written by a program in the record shape already: they pass unchanged. */
function placeNested(shaped: ShapedRow, header: string, column: Column, value: SourceValue, linesField: string | undefined): void {
  if (column.to === 'lines' && linesField) {
    shaped.record[linesField] = value;
    shaped.nested = true;
  } else if (column.to === 'field') {
    (column.spec.perLine ? shaped.perLine : shaped.record)[column.spec.field] = value;
  } else if (header === 'attributes') {
    shaped.perLine.attributes = value;
  } else {
    shaped.record[header] = value;
  }
}

/**
 * Turns flat rows into the API's record shapes. Order rows (one per order line) are grouped by order
 * number into `items`, product rows (one per SKU) by product id into `skus`, in first-seen order.
 */
export function toRecords(entity: EntityName, rows: SourceRow[], options: ShapeOptions = {}): ShapedRecords {
  const settings: Required<ShapeOptions> = { money: options.money ?? 'minor', timezone: options.timezone ?? DEFAULT_TIMEZONE };
  const grouping = GROUPING[entity];
  const resolve = columnResolver(entity, grouping?.linesField);
  const groups: Group[] = [];
  const byKey = new Map<string, Group>();
  const errors: RowError[] = [];

  for (const row of rows) {
    const parseError = row.values[PARSE_ERROR_KEY];
    if (parseError !== undefined) {
      errors.push({ line: row.line, code: 'invalid_request', message: `line ${row.line}: ${String(parseError)}` });
      continue;
    }
    const shaped = shapeRow(row, resolve, grouping?.linesField, settings);
    if (!grouping || shaped.nested) {
      groups.push(newGroup(shaped, undefined));
      continue;
    }
    const key = shaped.record[grouping.key];
    if (typeof key !== 'string' || key === '') {
      const message = `${grouping.key}: is required to tell which ${grouping.noun} this line belongs to`;
      errors.push({ line: row.line, code: 'invalid_field', field: grouping.key, message });
      continue;
    }
    const group = byKey.get(key);
    if (group) addToGroup(group, shaped);
    else {
      const created = newGroup(shaped, grouping.linesField);
      byKey.set(key, created);
      groups.push(created);
    }
  }

  const records: unknown[] = [];
  const lines: number[][] = [];
  for (const group of groups) {
    if (group.errors.length > 0) {
      errors.push(...groupErrors(group, grouping?.noun ?? entity));
      continue;
    }
    records.push(finishGroup(group));
    lines.push(group.lines);
  }
  errors.sort((a, b) => a.line - b.line);
  return { records, lines, errors };
}

interface Group {
  /** Where per-line fields go (`items`, `skus`); undefined for entities that are not grouped. */
  linesField?: string;
  record: Record<string, unknown>;
  entries: Record<string, unknown>[];
  lines: number[];
  errors: RowError[];
}

function newGroup(shaped: ShapedRow, linesField: string | undefined): Group {
  const group: Group = { linesField, record: { ...shaped.record }, entries: [], lines: [], errors: [] };
  if (linesField) addToGroup(group, shaped);
  else {
    // Not grouped: per-line fields (if any) simply sit on the record.
    Object.assign(group.record, shaped.perLine);
    group.lines.push(shaped.line);
    group.errors.push(...shaped.errors.map((e) => rowError(shaped.line, e.field, e.message)));
  }
  return group;
}

function addToGroup(group: Group, shaped: ShapedRow): void {
  // The first row of an order speaks for the order; later rows only fill what it left empty (some
  // exports write order-level columns on the first line of each order only).
  for (const [field, value] of Object.entries(shaped.record)) {
    if (!(field in group.record)) group.record[field] = value;
  }
  const index = group.entries.length;
  for (const error of shaped.errors) {
    const field = error.perLine ? `${group.linesField}[${index}].${error.field}` : error.field;
    group.errors.push(rowError(shaped.line, field, error.message));
  }
  if (Object.keys(shaped.perLine).length > 0) group.entries.push(shaped.perLine);
  group.lines.push(shaped.line);
}

const rowError = (line: number, field: string, message: string): RowError => ({
  line,
  code: 'invalid_field',
  field,
  message: `${field}: ${message}`,
});

function finishGroup(group: Group): Record<string, unknown> {
  if (!group.linesField || group.entries.length === 0) return group.record;
  return { ...group.record, [group.linesField]: group.entries };
}

/**
 * A grouped record with a bad line is not imported at all (an order missing one of its items would
 * have wrong totals), so every line of it is reported: the bad one with its reason, the others with
 * a pointer to it.
 */
function groupErrors(group: Group, noun: string): RowError[] {
  const first = group.errors[0];
  const badLines = new Set(group.errors.map((e) => e.line));
  const siblings = group.lines
    .filter((line) => !badLines.has(line))
    .map((line) => ({
      line,
      code: first.code,
      field: first.field,
      message: `${noun} ${String(group.record.externalId ?? '')} is not imported because line ${first.line} is invalid: ${first.message}`,
    }));
  return [...group.errors, ...siblings];
}
