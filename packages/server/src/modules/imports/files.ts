/**
 * File import, part one: turning what a shop exports (CSV from Excel, often GBK; XLSX; NDJSON) into
 * rows of named values with their line numbers. Part two, `toRecords` (records.ts), shapes the rows
 * into the API's records. Pure: no database.
 */
import { readCsv } from './csv';
import { decodeText } from './encoding';
import { readNdjson } from './ndjson';
import type { SourceRow } from './source-rows';
import { DEFAULT_TIMEZONE } from './time';
import { readXlsx } from './xlsx';

const SUPPORTED_EXTENSIONS = ['.csv', '.tsv', '.txt', '.xlsx', '.ndjson', '.jsonl'] as const;

export interface ReadOptions {
  /** Zone of the shop: XLSX date cells carry no zone, they are wall-clock times there. */
  timezone?: string;
}

/** The rows of a file, read as its name's extension says. */
export async function readRows(file: Buffer, fileName: string, options: ReadOptions = {}): Promise<SourceRow[]> {
  const extension = fileName.toLowerCase().match(/\.[a-z0-9]+$/)?.[0] ?? '';
  switch (extension) {
    case '.csv':
    case '.txt':
      return readCsv(decodeText(file), fileName);
    case '.tsv':
      return readCsv(decodeText(file), fileName, '\t');
    case '.xlsx':
      return readXlsx(file, options.timezone ?? DEFAULT_TIMEZONE);
    case '.ndjson':
    case '.jsonl':
      return readNdjson(decodeText(file));
    default:
      throw new Error(
        `cannot import "${fileName}": unsupported file type${extension ? ` ${extension}` : ''}; supported are ${SUPPORTED_EXTENSIONS.join(', ')}`,
      );
  }
}
