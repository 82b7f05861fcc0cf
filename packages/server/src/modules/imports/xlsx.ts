import ExcelJS from 'exceljs';
import { zonedIso } from '../../platform/timezone';
import { isBlank, type SourceRow, type SourceValue } from './source-rows';
import { assertUnzippedAtMost } from './zip-size';

/**
 * An XLSX is read whole into memory, so it is bounded as it unpacks (a zip bomb of 400 KB expanding to
 * 400 MB is refused before it is read) and in rows. Larger exports go in as CSV, which streams.
 */
export const MAX_XLSX_UNZIPPED_BYTES = 100 * 1024 * 1024;
export const MAX_XLSX_ROWS = 500_000;

/** The first sheet, header on row 1; date cells are wall-clock times in `timezone`. */
export async function readXlsx(file: Buffer, timezone: string): Promise<SourceRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    assertUnzippedAtMost(file, MAX_XLSX_UNZIPPED_BYTES, () => new Error(`the XLSX file unpacks to more than ${MAX_XLSX_UNZIPPED_BYTES / 2 ** 20} MiB: save it as CSV (UTF-8) and import that, or split it`));
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch (error) {
    throw new Error(`cannot read the file as XLSX: ${(error as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const header = new Map<number, string>();
  sheet.getRow(1).eachCell((cell, column) => {
    const name = cellValue(cell.value, timezone);
    if (name !== null && String(name).trim()) header.set(column, String(name).trim());
  });
  const rows: SourceRow[] = [];
  if (sheet.actualRowCount > MAX_XLSX_ROWS + 1) {
    throw new Error(`the XLSX file has ${sheet.actualRowCount - 1} rows, more than ${MAX_XLSX_ROWS}: save it as CSV (UTF-8) and import that, or split it`);
  }
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const values: Record<string, SourceValue> = {};
    for (const [column, name] of header) {
      if (Object.hasOwn(values, name)) continue;
      const cell = row.getCell(column);
      const value = shownAs(cellValue(cell.value, timezone), cell.numFmt);
      values[name] = isBlank(value) ? null : value;
    }
    if (!Object.values(values).every(isBlank)) rows.push({ line: rowNumber, values });
  });
  return rows;
}

/**
 * A number whose cell format fixes its decimals (0.00) or shows ¥ as Excel shows it: 49 shown as 49.00
 * is read as "49.00", 4900 shown as ¥4,900 as "¥4900", so the column reads as 元 as the user sees it
 * (money-unit.ts). Percentages and formats with text are left as numbers.
 */
function shownAs(value: string | number | null, numFmt: string | undefined): string | number | null {
  if (typeof value !== 'number' || !numFmt) return value;
  const bare = numFmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  if (/[%@a-z]/i.test(bare)) return value;
  const decimals = /0\.(0+)/.exec(bare.split(';')[0])?.[1].length;
  const yuan = /[¥￥]/.test(numFmt);
  if (!decimals && !yuan) return value;
  return `${yuan ? '¥' : ''}${decimals ? value.toFixed(decimals) : String(value)}`;
}

/** Flattens an ExcelJS cell value: formulas to their result, rich text and links to their text. */
function cellValue(value: ExcelJS.CellValue | undefined, timezone: string): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return excelDateToIso(value, timezone);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return cellValue(value.result as ExcelJS.CellValue, timezone);
  if ('hyperlink' in value) return cellValue(value.text as ExcelJS.CellValue, timezone);
  if ('error' in value) return value.error;
  return null;
}

/** Excel stores wall-clock time without a zone; ExcelJS hands it over as if it were UTC. */
function excelDateToIso(date: Date, timezone: string): string {
  return zonedIso(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      millisecond: date.getUTCMilliseconds(),
    },
    timezone,
  );
}
