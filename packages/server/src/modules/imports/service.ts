import { MAX_BATCH_RECORDS, type EntityName, type ImportEntity, type ImportResult, type RejectedRecord } from '@flywheel/contracts';
import { FlywheelError } from '../../platform/errors';
import { OneAhead } from '../../platform/one-ahead';
import type { CommerceService } from '../commerce';
import type { TrackingService } from '../tracking';
import { decodeText } from './encoding';
import { readRows } from './files';
import { jsonLines } from './ndjson';
import { toRecords } from './records';
import type { SourceRow } from './source-rows';

export interface ImportOptions {
  /** `major`: money columns are written in 元 (199.00) and converted exactly to 分. */
  money?: 'minor' | 'major';
  onProgress?: (done: number, total: number) => void;
}

function csvField(v: string | number | undefined): string {
  const s = v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The error report a user opens in Excel: one row per rejected source line. */
export function errorReport(rejected: readonly RejectedRecord[]): string {
  if (rejected.length === 0) return '';
  const rows = rejected.map((r) => [r.line, r.code, r.field, r.message].map(csvField).join(','));
  return ['line,code,field,message', ...rows].join('\n') + '\n';
}

/**
 * File import (CSV in UTF-8 or GBK, XLSX, NDJSON): rows become API records and go through the same
 * commerce service as the batch API, MAX_BATCH_RECORDS at a time. Valid rows land; every rejected one
 * is reported with its line. Importing the same file again changes nothing (upserts by external id).
 */
export class ImportService {
  constructor(
    private readonly commerce: CommerceService,
    private readonly tracking: TrackingService,
    private readonly timezoneOf: (shopId: string) => Promise<string>,
  ) {}

  async importFile(shopId: string, entity: ImportEntity, file: Buffer, fileName: string, options: ImportOptions = {}): Promise<ImportResult> {
    if (entity === 'events') return this.importEvents(shopId, file, fileName, options);
    const timezone = await this.timezoneOf(shopId);
    let rows: SourceRow[];
    try {
      rows = await readRows(file, fileName, { timezone });
    } catch (error) {
      throw new FlywheelError('invalid_field', `file: ${(error as Error).message}`, 'file');
    }
    return this.importRecords(shopId, entity, rows, timezone, options);
  }

  /**
   * Behaviour events: NDJSON, one tracking call (Segment shape, with `type`) a line, loaded as a
   * historical backfill. Lines go to the tracking service as text: its worker parses and validates them.
   */
  private async importEvents(shopId: string, file: Buffer, fileName: string, options: ImportOptions): Promise<ImportResult> {
    if (!/\.(ndjson|jsonl)$/i.test(fileName)) {
      throw new FlywheelError('invalid_field', `file: events are imported from NDJSON (.ndjson or .jsonl), one tracking call a line; got "${fileName}"`, 'file');
    }
    const lines = jsonLines(decodeText(file));
    const CHUNK = 5000;
    const rejected: RejectedRecord[] = [];
    let accepted = 0;
    // One chunk commits in DuckDB while the next is prepared.
    const chunks = new OneAhead();
    for (let start = 0; start < lines.length; start += CHUNK) {
      const chunk = lines.slice(start, start + CHUNK);
      const done = start + chunk.length;
      await chunks.push(this.tracking.ingest(shopId, { kind: 'lines', lines: chunk.map((l) => l.content) }, { defaultType: 'track', historical: true }).then((result) => {
        accepted += result.accepted + result.duplicates;
        for (const r of result.rejected) rejected.push({ ...r, index: start + r.index, line: chunk[r.index].line });
        options.onProgress?.(done, lines.length);
      }));
    }
    await chunks.drain();
    rejected.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return { accepted, rejected, errorReport: errorReport(rejected) };
  }

  private async importRecords(shopId: string, entity: EntityName, rows: SourceRow[], timezone: string, options: ImportOptions): Promise<ImportResult> {
    const { records, lines, errors } = toRecords(entity, rows, { money: options.money, timezone });
    const rejected: RejectedRecord[] = errors.map((e) => ({ index: -1, line: e.line, code: e.code, message: e.message, field: e.field }));
    let accepted = 0;
    for (let start = 0; start < records.length; start += MAX_BATCH_RECORDS) {
      const chunk = records.slice(start, start + MAX_BATCH_RECORDS);
      const result = await this.commerce.upsert(shopId, entity, chunk);
      accepted += result.accepted;
      for (const r of result.rejected) {
        const index = start + r.index;
        for (const line of lines[index]) rejected.push({ ...r, index, line });
      }
      options.onProgress?.(Math.min(start + chunk.length, records.length), records.length);
    }
    rejected.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return { accepted, rejected, errorReport: errorReport(rejected) };
  }
}
