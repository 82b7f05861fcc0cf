import {
  DEFAULT_LOCALE,
  importProblemText,
  MAX_BATCH_RECORDS,
  type EntityName,
  type ImportEntity,
  type ImportRejection,
  type ImportResult,
  type Locale,
  type MoneyUnit,
  type RejectedRecord,
} from '@flywheel/contracts';
import { FlywheelError } from '../../platform/errors';
import { OneAhead } from '../../platform/one-ahead';
import type { CommerceService } from '../commerce';
import type { TrackingService } from '../tracking';
import { decodeText } from './encoding';
import { readRows } from './files';
import { moneyUnitOf } from './money-unit';
import { jsonLines } from './ndjson';
import { toRecords } from './records';
import { commerceProblem, refusalAt, withSiblings, type Refusal } from './refusals';
import { errorReport } from './report';
import type { SourceRow } from './source-rows';

export interface ImportOptions {
  /** The unit the user says the file's money is in; when absent, the file must show it (money-unit.ts). */
  money?: MoneyUnit;
  /** The language of the refusals' `message` and of the errors CSV (default zh-CN). */
  lang?: Locale;
  /** Rows of the file done so far, of all its rows (lines with data). */
  onProgress?: (doneRows: number, totalRows: number) => void;
}

/** A refusal as the API answers it: `message` rendered in the reader's language. */
function rejection(refusal: Refusal, locale: Locale): ImportRejection {
  const { line, index, code, field, column, value, problem } = refusal;
  return { index, line, code, message: importProblemText(locale, problem), problem, ...(field ? { field } : {}), ...(column ? { column } : {}), ...(value !== undefined ? { value } : {}) };
}

function result(accepted: number, refusals: Refusal[], totalRows: number, moneyUnit: MoneyUnit | null, locale: Locale): ImportResult {
  refusals.sort((a, b) => a.line - b.line);
  const rejected = refusals.map((r) => rejection(r, locale));
  const rejectedRows = new Set(refusals.map((r) => r.line)).size;
  return { accepted, rejected, rows: { total: totalRows, accepted: totalRows - rejectedRows, rejected: rejectedRows }, moneyUnit, errorReport: errorReport(rejected, locale) };
}

/**
 * File import (CSV in UTF-8 or GBK, XLSX, NDJSON): rows become API records and go through the same
 * commerce service as the batch API, MAX_BATCH_RECORDS at a time. Valid rows land; every refused one
 * is reported with its line, the file's column and value, and why. Importing the same file again
 * changes nothing (upserts by external id).
 */
export class ImportService {
  constructor(
    private readonly commerce: CommerceService,
    private readonly tracking: TrackingService,
    /** The shop's zone (times written without an offset) and currency (amounts in refusals). */
    private readonly shopOf: (shopId: string) => Promise<{ timezone: string; currency: string }>,
  ) {}

  async importFile(shopId: string, entity: ImportEntity, file: Buffer, fileName: string, options: ImportOptions = {}): Promise<ImportResult> {
    const locale = options.lang ?? DEFAULT_LOCALE;
    if (entity === 'events') return this.importEvents(shopId, file, fileName, options, locale);
    const { timezone, currency } = await this.shopOf(shopId);
    let rows: SourceRow[];
    try {
      rows = await readRows(file, fileName, { timezone });
    } catch (error) {
      throw new FlywheelError('invalid_field', `file: ${(error as Error).message}`, 'file');
    }
    const money = moneyUnitOf(entity, rows, fileName, options.money, locale);
    return this.importRecords(shopId, entity, rows, { timezone, currency }, money, options, locale);
  }

  /**
   * Behaviour events: NDJSON, one tracking call (Segment shape, with `type`) a line, loaded as a
   * historical backfill. Lines go to the tracking service as text: its worker parses and validates them.
   */
  private async importEvents(shopId: string, file: Buffer, fileName: string, options: ImportOptions, locale: Locale): Promise<ImportResult> {
    if (!/\.(ndjson|jsonl)$/i.test(fileName)) {
      throw new FlywheelError('invalid_field', `file: events are imported from NDJSON (.ndjson or .jsonl), one tracking call a line; got "${fileName}"`, 'file');
    }
    const lines = jsonLines(decodeText(file));
    const CHUNK = 5000;
    const refusals: Refusal[] = [];
    let accepted = 0;
    // One chunk commits in DuckDB while the next is prepared.
    const chunks = new OneAhead();
    for (let start = 0; start < lines.length; start += CHUNK) {
      const chunk = lines.slice(start, start + CHUNK);
      const done = start + chunk.length;
      await chunks.push(this.tracking.ingest(shopId, { kind: 'lines', lines: chunk.map((l) => l.content) }, { defaultType: 'track', historical: true }).then((outcome) => {
        accepted += outcome.accepted + outcome.duplicates;
        for (const r of outcome.rejected) refusals.push(eventRefusal(r, start + r.index, chunk[r.index]));
        options.onProgress?.(done, lines.length);
      }));
    }
    await chunks.drain();
    return result(accepted, refusals, lines.length, null, locale);
  }

  private async importRecords(shopId: string, entity: EntityName, rows: SourceRow[], shop: { timezone: string; currency: string }, money: MoneyUnit | null, options: ImportOptions, locale: Locale): Promise<ImportResult> {
    const { records, origins, refusals } = toRecords(entity, rows, { money: money ?? 'minor', timezone: shop.timezone });
    // Rows refused before sending count as done at once; then each chunk's records count all their rows.
    let doneRows = new Set(refusals.map((r) => r.line)).size;
    options.onProgress?.(doneRows, rows.length);
    let accepted = 0;
    for (let start = 0; start < records.length; start += MAX_BATCH_RECORDS) {
      const chunk = records.slice(start, start + MAX_BATCH_RECORDS);
      const outcome = await this.commerce.upsert(shopId, entity, chunk);
      accepted += outcome.accepted;
      for (const r of outcome.rejected) {
        const origin = origins[start + r.index];
        const record = chunk[r.index];
        const path = r.field ? pathOf(r.field) : [];
        const refusal = refusalAt(entity, origin, record, start + r.index, r.code, path, () => commerceProblem(r, shop.currency));
        refusals.push(...withSiblings(entity, origin, String((record as { externalId?: unknown }).externalId ?? ''), refusal));
      }
      for (let i = start; i < start + chunk.length; i++) doneRows += origins[i].lines.length;
      options.onProgress?.(doneRows, rows.length);
    }
    return result(accepted, refusals, rows.length, money, locale);
  }
}

/** `items[0].quantity` -> ['items', 0, 'quantity']. */
function pathOf(field: string): PropertyKey[] {
  return field.split(/\.|(?=\[)/).flatMap((part): PropertyKey[] => {
    const index = /^\[(\d+)\]$/.exec(part);
    return index ? [Number(index[1])] : part ? [part] : [];
  });
}

/** A tracking call refused by the tracking service: its line and, when it names one, the call's property and value. */
function eventRefusal(r: RejectedRecord, index: number, source: { line: number; content: string }): Refusal {
  const field = r.field;
  let value: string | undefined;
  if (field) {
    try {
      let at: unknown = JSON.parse(source.content);
      for (const part of pathOf(field)) at = (at as Record<PropertyKey, unknown> | undefined)?.[part];
      if (at !== undefined && at !== null) value = typeof at === 'object' ? JSON.stringify(at) : String(at);
    } catch { /* the line is not JSON: it has no value to show */ }
  }
  const base = { entity: 'events', field: field ?? null, column: field ?? null, value: value ?? null };
  const key = /^not valid JSON/.test(r.message) ? 'not_json'
    : /each line must hold one JSON object/.test(r.message) ? 'not_object'
    : /: (is required|an anonymousId or a userId is required)$/.test(r.message) && value === undefined ? 'required'
    : 'other';
  const values = key === 'other' ? { ...base, message: r.message.replace(/^[\w.[\]]+: /, '') } : base;
  return { line: source.line, index, code: r.code, ...(field ? { field, column: field } : {}), ...(value !== undefined ? { value } : {}), problem: { key, values } };
}
