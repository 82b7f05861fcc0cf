/**
 * File import, part two: rows (files.ts) to the API's record shapes, checked against the contract's
 * schemas here, so that a refusal can name the file's own column and value (the commerce service
 * checks them again, and refuses what only it can know: a status that goes back, a refund of more
 * than was paid). Every refusal carries its line and a problem of the import catalog (refusals.ts).
 */
import { recordSchemas, type EntityName, type ImportProblemKey } from '@flywheel/contracts';
import { columnResolver, type Column } from './columns';
import { refusalAt, schemaProblem, withSiblings, type Cell, type RecordOrigin, type Refusal } from './refusals';
import { isBlank, PARSE_ERROR_KEY, type SourceRow, type SourceValue } from './source-rows';
import { DEFAULT_TIMEZONE } from './time';
import { convertValue, type ShapeOptions } from './values';

/**
 * How flat rows become nested records: rows sharing `key` are one record, and their per-line fields
 * become the entries of `linesField`.
 */
const GROUPING: Partial<Record<EntityName, { key: string; linesField: string }>> = {
  orders: { key: 'externalId', linesField: 'items' },
  products: { key: 'externalId', linesField: 'skus' },
  refunds: { key: 'externalId', linesField: 'items' },
};

export interface ShapedRecords {
  /** Records that pass the contract's schema. */
  records: unknown[];
  /** lines[i]: the source lines that produced records[i]. */
  lines: number[][];
  /** origins[i]: where records[i] came from, for the commerce service's refusals to name the file's cells. */
  origins: RecordOrigin[];
  /** Lines refused here; they produce no record. */
  refusals: Refusal[];
}

/** One source row taken apart into its record-level and per-line fields. */
interface ShapedRow {
  line: number;
  record: Record<string, unknown>;
  perLine: Record<string, unknown>;
  recordCells: Map<string, Cell>;
  perLineCells: Map<string, Cell>;
  /** The row already carries its lines as an array (NDJSON `items`): it is a record on its own. */
  nested: boolean;
  errors: { field: string; problem: ImportProblemKey; perLine: boolean; cell: Cell }[];
}

const cellText = (value: SourceValue): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

function shapeRow(row: SourceRow, resolve: (header: string) => Column, linesField: string | undefined, options: Required<ShapeOptions>): ShapedRow {
  const shaped: ShapedRow = { line: row.line, record: {}, perLine: {}, recordCells: new Map(), perLineCells: new Map(), nested: false, errors: [] };
  for (const [header, value] of Object.entries(row.values)) {
    if (isBlank(value)) continue;
    const column = resolve(header);
    const cell: Cell = { line: row.line, column: header, value: cellText(value) };
    if (typeof value === 'object' && value !== null) {
      placeNested(shaped, header, column, value, linesField, cell);
      continue;
    }
    if (column.to === 'attribute') {
      const attributes = (shaped.perLine.attributes ??= {}) as Record<string, string>;
      attributes[column.name] = String(value).trim();
    } else if (column.to === 'field') {
      const { spec } = column;
      const converted = convertValue(spec.kind, value as string | number | boolean, options);
      if ('problem' in converted) shaped.errors.push({ field: spec.field, problem: converted.problem, perLine: !!spec.perLine, cell });
      else {
        (spec.perLine ? shaped.perLine : shaped.record)[spec.field] = converted.value;
        (spec.perLine ? shaped.perLineCells : shaped.recordCells).set(spec.field, cell);
      }
    }
    // Columns Flywheel does not know (备注, 商品名称 in an order export, ...) are left out.
  }
  return shaped;
}

/** Arrays and objects were written by a program in the record shape already: they pass unchanged. */
function placeNested(shaped: ShapedRow, header: string, column: Column, value: SourceValue, linesField: string | undefined, cell: Cell): void {
  if (column.to === 'lines' && linesField) {
    shaped.record[linesField] = value;
    shaped.recordCells.set(linesField, cell);
    shaped.nested = true;
  } else if (column.to === 'field') {
    (column.spec.perLine ? shaped.perLine : shaped.record)[column.spec.field] = value;
    (column.spec.perLine ? shaped.perLineCells : shaped.recordCells).set(column.spec.field, cell);
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
  const headers = headersOf(rows, resolve);
  const groups: Group[] = [];
  const byKey = new Map<string, Group>();
  const refusals: Refusal[] = [];
  const lineOnly = (line: number, problem: ImportProblemKey, column?: string): Refusal => ({
    line, index: -1, code: 'invalid_field', column, problem: { key: problem, values: { entity, column: column ?? null, field: grouping?.key ?? null } },
  });

  for (const row of rows) {
    const parseError = row.values[PARSE_ERROR_KEY];
    if (parseError !== undefined) {
      refusals.push({ ...lineOnly(row.line, String(parseError).startsWith('not valid JSON') ? 'not_json' : 'not_object'), code: 'invalid_request' });
      continue;
    }
    const shaped = shapeRow(row, resolve, grouping?.linesField, settings);
    if (!grouping || shaped.nested) {
      groups.push(newGroup(shaped, undefined));
      continue;
    }
    const key = shaped.record[grouping.key];
    if (typeof key !== 'string' || key === '') {
      refusals.push({ ...lineOnly(row.line, 'no_key', headers.get(grouping.key)), field: grouping.key });
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
  const origins: RecordOrigin[] = [];
  groups.forEach((group, index) => {
    const record = finishGroup(group);
    const origin: RecordOrigin = { lines: group.lines, cells: group.cells, headers };
    const refusal = group.errors[0] ? shapingRefusal(entity, origin, record, index, group.errors[0]) : schemaRefusal(entity, origin, record, index);
    if (refusal) refusals.push(...withSiblings(entity, origin, String(group.record[grouping?.key ?? ''] ?? ''), refusal));
    else {
      records.push(record);
      origins.push(origin);
    }
  });
  refusals.sort((a, b) => a.line - b.line);
  return { records, lines: origins.map((o) => o.lines), origins, refusals };
}

/** The file's header for each field it has (the first one, when two name the same field). */
function headersOf(rows: SourceRow[], resolve: (header: string) => Column): Map<string, string> {
  const headers = new Map<string, string>();
  const seen = new Set<string>();
  for (const row of rows) {
    for (const header of Object.keys(row.values)) {
      if (seen.has(header)) continue;
      seen.add(header);
      const column = resolve(header);
      if (column.to === 'field' && !headers.has(column.spec.field)) headers.set(column.spec.field, header);
    }
  }
  return headers;
}

function shapingRefusal(entity: EntityName, origin: RecordOrigin, record: unknown, index: number, error: GroupError): Refusal {
  return {
    line: error.cell.line,
    index,
    code: 'invalid_field',
    field: error.path,
    column: error.cell.column,
    value: error.cell.value,
    problem: { key: error.problem, values: { entity, field: error.path, column: error.cell.column, value: error.cell.value } },
  };
}

/** The record against the contract: its first issue, on the cell it came from. */
function schemaRefusal(entity: EntityName, origin: RecordOrigin, record: unknown, index: number): Refusal | undefined {
  const parsed = recordSchemas[entity].safeParse(record);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return refusalAt(entity, origin, record, index, 'invalid_field', issue.path, (found) => schemaProblem(entity, issue, found));
}

interface GroupError { path: string; problem: ImportProblemKey; cell: Cell }

interface Group {
  /** Where per-line fields go (`items`, `skus`); undefined for entities that are not grouped. */
  linesField?: string;
  record: Record<string, unknown>;
  entries: Record<string, unknown>[];
  cells: Map<string, Cell>;
  lines: number[];
  errors: GroupError[];
}

function newGroup(shaped: ShapedRow, linesField: string | undefined): Group {
  const group: Group = { linesField, record: { ...shaped.record }, entries: [], cells: new Map(shaped.recordCells), lines: [], errors: [] };
  if (linesField) addToGroup(group, shaped);
  else {
    // Not grouped: per-line fields (if any) simply sit on the record.
    Object.assign(group.record, shaped.perLine);
    for (const [field, cell] of shaped.perLineCells) group.cells.set(field, cell);
    group.lines.push(shaped.line);
    group.errors.push(...shaped.errors.map((e) => ({ path: e.field, problem: e.problem, cell: e.cell })));
  }
  return group;
}

function addToGroup(group: Group, shaped: ShapedRow): void {
  // The first row of an order speaks for the order; later rows only fill what it left empty (some
  // exports write order-level columns on the first line of each order only).
  for (const [field, value] of Object.entries(shaped.record)) {
    if (!(field in group.record)) {
      group.record[field] = value;
      const cell = shaped.recordCells.get(field);
      if (cell) group.cells.set(field, cell);
    }
  }
  const index = group.entries.length;
  for (const error of shaped.errors) {
    group.errors.push({ path: error.perLine ? `${group.linesField}[${index}].${error.field}` : error.field, problem: error.problem, cell: error.cell });
  }
  if (Object.keys(shaped.perLine).length > 0) {
    group.entries.push(shaped.perLine);
    for (const [field, cell] of shaped.perLineCells) group.cells.set(`${group.linesField}[${index}].${field}`, cell);
  }
  group.lines.push(shaped.line);
}

function finishGroup(group: Group): Record<string, unknown> {
  if (!group.linesField || group.entries.length === 0) return group.record;
  return { ...group.record, [group.linesField]: group.entries };
}
