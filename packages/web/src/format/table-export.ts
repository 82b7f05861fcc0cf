/** A table as the user sees it (header labels, plain values) for CSV / Excel download. */
export interface ExportTable {
  name: string;
  headers: string[];
  rows: (string | number | null)[][];
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV with a UTF-8 byte order mark, so Excel opens Chinese headers correctly. */
export function toCsv(table: ExportTable): string {
  return `\uFEFF${[table.headers, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadCsv(table: ExportTable): void {
  download(new Blob([toCsv(table)], { type: 'text/csv;charset=utf-8' }), `${table.name}.csv`);
}

type ExcelJs = typeof import('exceljs');

/** exceljs's own browser build, copied into the console build by vite.config.ts; loaded on the first Excel export. */
let excelJs: Promise<ExcelJs> | null = null;
function loadExcelJs(): Promise<ExcelJs> {
  excelJs ??= new Promise<ExcelJs>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/vendor/exceljs.min.js';
    script.onload = () => resolve((window as unknown as { ExcelJS: ExcelJs }).ExcelJS);
    script.onerror = () => { excelJs = null; reject(new Error('could not load the Excel library (/vendor/exceljs.min.js)')); };
    document.head.appendChild(script);
  });
  return excelJs;
}

/** Excel export loads exceljs only when asked: it is large and most people never click it. */
export async function downloadXlsx(table: ExportTable): Promise<void> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(table.name.slice(0, 31));
  sheet.addRow(table.headers).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row);
  sheet.columns.forEach((column) => { column.width = 16; });
  const buffer = await workbook.xlsx.writeBuffer();
  download(new Blob([buffer], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), `${table.name}.xlsx`);
}
