import { parse as parseCsv } from 'csv-parse/sync';
import { isBlank, type SourceRow, type SourceValue } from './source-rows';

/** A CSV (or tab-separated) text, header on line 1; blank rows are skipped, line numbers kept. */
export function readCsv(text: string, fileName: string, delimiter = sniffDelimiter(text)): SourceRow[] {
  // One line-break style, so a line break inside a quoted field counts as exactly one physical line
  // (csv-parse miscounts CRLF inside quotes).
  const normalised = text.replace(/\r\n?/g, '\n');
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    // With `info: true` each record comes as {record, info}; the library's types do not model that.
    parsed = parseCsv(normalised, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof parsed;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new Error(`cannot read "${fileName}" as CSV${line ? ` (line ${line})` : ''}: ${(error as Error).message}`);
  }
  if (parsed.length === 0) return [];
  const header = parsed[0].record.map((name) => name.trim());
  const rows: SourceRow[] = [];
  for (const { record, info } of parsed.slice(1)) {
    const values: Record<string, SourceValue> = {};
    header.forEach((name, column) => {
      if (name && !Object.hasOwn(values, name)) values[name] = isBlank(record[column]) ? null : record[column];
    });
    if (Object.values(values).every(isBlank)) continue;
    rows.push({ line: firstLineOf(record, info.lines), values });
  }
  return rows;
}

/** csv-parse reports the line a record ends on; quoted line breaks tell how far back it started. */
function firstLineOf(fields: string[], lastLine: number): number {
  const breaks = fields.reduce((sum, field) => sum + (field.match(/\n/g)?.length ?? 0), 0);
  return lastLine - breaks;
}

/** Tab-separated text is common under .txt and even .csv names: trust the header line. */
function sniffDelimiter(text: string): string {
  const header = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  const count = (char: string) => header.split(char).length - 1;
  return count('\t') > count(',') ? '\t' : ',';
}
