/** The errors CSV a user opens in Excel: one row per refused line of their file, in their language. */
import { importFieldName, importText, type ImportRejection, type Locale } from '@flywheel/contracts';

/** Excel on Windows reads a CSV as the system's code page (GBK in China) unless it starts with a UTF-8 BOM. */
const BOM = '\uFEFF';

function csvField(v: string | number | undefined): string {
  const s = v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * 行号, 列 (the header as the file writes it), 填写的值, 原因 (the problem in `locale`): what a person
 * needs to fix the file, without codes or API paths (a program reads `rejected` of the API's answer).
 * Empty when nothing was refused.
 */
export function errorReport(rejected: readonly ImportRejection[], locale: Locale): string {
  if (rejected.length === 0) return '';
  const header = (['csv.line', 'csv.column', 'csv.value', 'csv.reason'] as const).map((key) => importText(locale, key));
  const columnOf = (r: ImportRejection) => r.column ?? (r.field ? importFieldName(String(r.problem.values.entity ?? ''), r.field, locale) : undefined);
  const rows = rejected.map((r) => [r.line, columnOf(r), r.value, r.message].map(csvField).join(','));
  return `${BOM}${[header.join(','), ...rows].join('\r\n')}\r\n`;
}
