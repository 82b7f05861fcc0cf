/** What every file reader hands on: rows of named values, each with the line it came from. */

/** A JSON value: CSV and XLSX cells are only strings, numbers and null; NDJSON may nest. */
export type SourceValue = string | number | boolean | null | SourceValue[] | { [key: string]: SourceValue };

/** One row of the file with its physical 1-based line number (the header is line 1). */
export interface SourceRow {
  line: number;
  values: Record<string, SourceValue>;
}

/** Key of the value that marks a line that could not be read (NDJSON); `toRecords` rejects it. */
export const PARSE_ERROR_KEY = '__parseError';

export const isBlank = (value: SourceValue | undefined): boolean =>
  value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
