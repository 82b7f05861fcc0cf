/**
 * File import, part one: turning what a shop exports (CSV from Excel, often GBK; XLSX; NDJSON) into the
 * record shapes of the API. Pure: no database. The commerce service validates the records with the
 * contract's zod schemas afterwards, so this module only *shapes* values; it rejects a row itself only
 * where it alone knows why (an unreadable line, a price with a fraction of a fen, an order line without
 * its order number).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { orderStatuses, platforms, productStatuses, type EntityName } from '@flywheel/contracts';
import { formatOffset, offsetMinutesAt, pad, zonedIso, type WallClock } from '../../platform/timezone';
import { assertUnzippedAtMost } from './zip-size';

// ---------------------------------------------------------------------------------------------------
// Reading files
// ---------------------------------------------------------------------------------------------------

/** A JSON value: CSV and XLSX cells are only strings, numbers and null; NDJSON may nest. */
export type SourceValue = string | number | boolean | null | SourceValue[] | { [key: string]: SourceValue };

/** One row of the file with its physical 1-based line number (the header is line 1). */
export interface SourceRow {
  line: number;
  values: Record<string, SourceValue>;
}

/** Key of the value that marks a line that could not be read (NDJSON); `toRecords` rejects it. */
export const PARSE_ERROR_KEY = '__parseError';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

const SUPPORTED_EXTENSIONS = ['.csv', '.tsv', '.txt', '.xlsx', '.ndjson', '.jsonl'] as const;

export interface ReadOptions {
  /** Zone of the shop: XLSX date cells carry no zone, they are wall-clock times there. */
  timezone?: string;
}

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

/**
 * UTF-8 when the bytes are valid UTF-8, else GBK: Excel on a Chinese Windows saves "CSV" in the
 * ANSI code page, which is GBK. GB18030 is the superset of GBK, so it decodes every GBK file.
 * "Unicode text" from Excel is UTF-16LE with a BOM.
 *
 * A file that is mostly UTF-8 with a few lines in GBK (a cell pasted from an old export) is UTF-8
 * with those lines read as GBK, not GBK throughout: that would garble the header and every other row.
 * A line break (0x0A) is never part of a multi-byte character in either encoding, so lines can be
 * decoded one by one.
 */
export function decodeText(file: Buffer): string {
  if (file[0] === 0xff && file[1] === 0xfe) return new TextDecoder('utf-16le').decode(file.subarray(2));
  const bytes = file[0] === 0xef && file[1] === 0xbb && file[2] === 0xbf ? file.subarray(3) : file;
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    return strict.decode(bytes);
  } catch {
    // Not UTF-8 throughout: which do the lines with non-ASCII bytes speak, mostly?
    const lines: { bytes: Buffer; utf8: string | undefined }[] = [];
    let utf8Lines = 0;
    let otherLines = 0;
    for (let start = 0; start < bytes.length;) {
      const newline = bytes.indexOf(0x0a, start);
      const end = newline === -1 ? bytes.length : newline + 1;
      const line = bytes.subarray(start, end);
      let utf8: string | undefined;
      try { utf8 = strict.decode(line); } catch { utf8 = undefined; }
      if (utf8 === undefined) otherLines++;
      else if (line.some((b) => b >= 0x80)) utf8Lines++;
      lines.push({ bytes: line, utf8 });
      start = end;
    }
    if (utf8Lines <= otherLines) return iconv.decode(bytes, 'gb18030');
    return lines.map((l) => l.utf8 ?? iconv.decode(l.bytes, 'gb18030')).join('');
  }
}

const isBlank = (value: SourceValue | undefined): boolean =>
  value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

function readCsv(text: string, fileName: string, delimiter = sniffDelimiter(text)): SourceRow[] {
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
      if (name && !(name in values)) values[name] = isBlank(record[column]) ? null : record[column];
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

/** The non-blank lines of a JSON-lines text, with their line numbers. */
export function jsonLines(text: string): { line: number; content: string }[] {
  const lines: { line: number; content: string }[] = [];
  text.split(/\r\n|\n|\r/).forEach((content, index) => {
    if (content.trim() !== '') lines.push({ line: index + 1, content });
  });
  return lines;
}

function readNdjson(text: string): SourceRow[] {
  return jsonLines(text).map(({ line, content }) => ({ line, values: parseJsonObject(content) }));
}

function parseJsonObject(content: string): Record<string, SourceValue> {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    return { [PARSE_ERROR_KEY]: `not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { [PARSE_ERROR_KEY]: 'each line must hold one JSON object' };
  }
  return value as Record<string, SourceValue>;
}

/**
 * An XLSX is read whole into memory, so it is bounded as it unpacks (a zip bomb of 400 KB expanding to
 * 400 MB is refused before it is read) and in rows. Larger exports go in as CSV, which streams.
 */
export const MAX_XLSX_UNZIPPED_BYTES = 100 * 1024 * 1024;
export const MAX_XLSX_ROWS = 500_000;

async function readXlsx(file: Buffer, timezone: string): Promise<SourceRow[]> {
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
      if (name in values) continue;
      const value = cellValue(row.getCell(column).value, timezone);
      values[name] = isBlank(value) ? null : value;
    }
    if (!Object.values(values).every(isBlank)) rows.push({ line: rowNumber, values });
  });
  return rows;
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

// ---------------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------------

const STRICT_ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const LOOSE_TIMESTAMP =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

interface ParsedTimestamp {
  wall: WallClock;
  /** Offset written in the text, in minutes; undefined when the text has none. */
  offset?: number;
}

function parseTimestamp(text: string): ParsedTimestamp | undefined {
  // 2026年11月11日 20:15 reads like 2026-11-11 20:15
  const match = LOOSE_TIMESTAMP.exec(text.trim().replace(/[年月]/g, '-').replace(/日\s*/, ' ').trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offsetText] = match;
  const wall: WallClock = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
  };
  if (!isRealWallClock(wall)) return undefined;
  return { wall, offset: offsetText === undefined ? undefined : parseOffset(offsetText) };
}

function isRealWallClock(wall: WallClock): boolean {
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day));
  return (
    date.getUTCMonth() === wall.month - 1 && date.getUTCDate() === wall.day &&
    wall.hour < 24 && wall.minute < 60 && wall.second < 60
  );
}

function parseOffset(text: string): number {
  if (text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return text.startsWith('-') ? -minutes : minutes;
}

/**
 * A timestamp without an offset is the shop's local time. Text the function cannot read is returned
 * as it is, so the schema rejects it with the contract's own message.
 */
export function toIsoTimestamp(text: string, timezone: string): string {
  const trimmed = text.trim();
  if (STRICT_ISO_WITH_OFFSET.test(trimmed)) return trimmed;
  const parsed = parseTimestamp(trimmed);
  if (!parsed) return text;
  if (parsed.offset === undefined) return zonedIso(parsed.wall, timezone);
  const { wall } = parsed;
  const millis = wall.millisecond ? `.${pad(wall.millisecond, 3)}` : '';
  return (
    `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}` +
    `${millis}${parsed.offset === 0 && /z$/i.test(trimmed) ? 'Z' : formatOffset(parsed.offset)}`
  );
}

/** A calendar date as YYYY-MM-DD; a timestamp with an offset counts as the shop-local day it falls on. */
export function toLocalDate(text: string, timezone: string): string {
  const trimmed = text.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(trimmed);
  const parsed = compact ? parseTimestamp(`${compact[1]}-${compact[2]}-${compact[3]}`) : parseTimestamp(trimmed);
  if (!parsed) return text;
  let { wall } = parsed;
  if (parsed.offset !== undefined) {
    const instant = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - parsed.offset * 60_000;
    const local = new Date(instant + offsetMinutesAt(instant, timezone) * 60_000);
    wall = { ...wall, year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
  }
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

// ---------------------------------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------------------------------

type Converted<T> = { value: T } | { error: string };

/** "¥1,299.00" -> "1299.00": currency signs and thousands separators are decoration. */
function stripAmountDecoration(text: string): string {
  const bare = text.trim().replace(/^[¥￥]\s*/, '').replace(/\s+/g, '');
  return /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(bare) ? bare.replace(/,/g, '') : bare;
}

/**
 * 元 to 分 by decimal string arithmetic: "199.9" -> 19990 exactly, where 199.9 * 100 would give
 * 19990.000000000004. A third decimal other than 0 is a fraction of a fen and is refused.
 */
export function yuanToFen(amount: string | number): Converted<number> {
  // A number cell holds the binary float nearest to what Excel shows; 15 significant digits is what
  // Excel displays, so 0.1 + 0.2 computed by a formula reads as 0.3 as the user sees it.
  const text = typeof amount === 'number' ? String(Number(amount.toPrecision(15))) : stripAmountDecoration(amount);
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && !match[3])) {
    return { error: `"${amount}" is not an amount in 元 (e.g. 199.00)` };
  }
  const [, sign, whole, fraction = ''] = match;
  if (/[1-9]/.test(fraction.slice(2))) {
    return { error: `"${amount}" has a fraction of a fen (0.01 元); fractions of a minor unit are refused` };
  }
  const fen = BigInt(whole || '0') * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { error: `"${amount}" is too large` };
  return { value: sign === '-' && fen !== 0n ? -Number(fen) : Number(fen) };
}

/** A number when the text reads as one; otherwise the text, for the schema to reject in its words. */
function toNumber(value: string | number): string | number {
  if (typeof value === 'number') return value;
  const bare = stripAmountDecoration(value);
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(bare) ? Number(bare) : value.trim();
}

// ---------------------------------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------------------------------

type FieldKind =
  | 'text'
  | 'integer'
  | 'money'
  | 'timestamp'
  | 'date'
  | 'list'
  | 'gender'
  | 'orderStatus'
  | 'productStatus'
  | 'platform'
  | 'currency';

interface FieldSpec {
  field: string;
  kind: FieldKind;
  /** Header names besides the field name itself. */
  aliases?: string[];
  /** Belongs to one line of the record (an order item, a product SKU, a refunded item). */
  perLine?: true;
}

const CUSTOMER_ID_ALIASES = ['用户ID', '会员ID', '客户ID', '买家ID'];
const ORDER_ID_ALIASES = ['订单号', '订单编号'];
const SKU_ALIASES = ['商品编码', 'SKU编码', 'skuId', 'SKU ID'];
const QUANTITY_ALIASES = ['数量', '购买数量'];

/**
 * Every column Flywheel understands, by entity. A header matches a field when, ignoring case, spaces,
 * underscores and hyphens, it equals the field name or one of its aliases. Where two fields share a
 * name (order `discount` vs item `discount`), the first in the list wins.
 */
const COLUMNS: Record<EntityName, FieldSpec[]> = {
  orders: [
    { field: 'externalId', kind: 'text', aliases: [...ORDER_ID_ALIASES, 'orderId'] },
    { field: 'customerId', kind: 'text', aliases: CUSTOMER_ID_ALIASES },
    { field: 'sku', kind: 'text', aliases: SKU_ALIASES, perLine: true },
    { field: 'quantity', kind: 'integer', aliases: QUANTITY_ALIASES, perLine: true },
    { field: 'unitPrice', kind: 'money', aliases: ['单价', '商品单价'], perLine: true },
    { field: 'discount', kind: 'money', aliases: ['优惠', '商品优惠', 'itemDiscount'], perLine: true },
    { field: 'discount', kind: 'money', aliases: ['订单优惠', 'orderDiscount'] },
    { field: 'shippingFee', kind: 'money', aliases: ['运费'] },
    { field: 'payableAmount', kind: 'money', aliases: ['应付金额', '订单金额'] },
    { field: 'paidAmount', kind: 'money', aliases: ['实付金额', '支付金额'] },
    { field: 'currency', kind: 'currency', aliases: ['币种', '货币'] },
    { field: 'status', kind: 'orderStatus', aliases: ['订单状态', '状态'] },
    { field: 'placedAt', kind: 'timestamp', aliases: ['下单时间', '创建时间'] },
    { field: 'paidAt', kind: 'timestamp', aliases: ['支付时间', '付款时间'] },
    { field: 'shippedAt', kind: 'timestamp', aliases: ['发货时间'] },
    { field: 'completedAt', kind: 'timestamp', aliases: ['完成时间'] },
    { field: 'cancelledAt', kind: 'timestamp', aliases: ['取消时间'] },
    { field: 'platform', kind: 'platform', aliases: ['平台'] },
    { field: 'channel', kind: 'text', aliases: ['渠道', '来源渠道'] },
    { field: 'campaign', kind: 'text', aliases: ['活动', '计划'] },
    { field: 'couponCodes', kind: 'list', aliases: ['优惠券', '优惠券码'] },
  ],
  products: [
    { field: 'externalId', kind: 'text', aliases: ['商品ID', '商品编号', 'SPU', 'productId'] },
    { field: 'title', kind: 'text', aliases: ['商品名称', '标题'] },
    { field: 'category', kind: 'text', aliases: ['类目', '分类'] },
    { field: 'brand', kind: 'text', aliases: ['品牌'] },
    { field: 'status', kind: 'productStatus', aliases: ['商品状态', '状态'] },
    { field: 'sku', kind: 'text', aliases: SKU_ALIASES, perLine: true },
    { field: 'price', kind: 'money', aliases: ['价格', '售价'], perLine: true },
    { field: 'cost', kind: 'money', aliases: ['成本', '成本价'], perLine: true },
  ],
  customers: [
    { field: 'externalId', kind: 'text', aliases: [...CUSTOMER_ID_ALIASES, 'customerId'] },
    { field: 'name', kind: 'text', aliases: ['姓名'] },
    { field: 'phone', kind: 'text', aliases: ['手机', '手机号'] },
    { field: 'email', kind: 'text', aliases: ['邮箱'] },
    { field: 'gender', kind: 'gender', aliases: ['性别'] },
    { field: 'birthday', kind: 'date', aliases: ['生日'] },
    { field: 'province', kind: 'text', aliases: ['省份'] },
    { field: 'city', kind: 'text', aliases: ['城市'] },
    { field: 'registeredAt', kind: 'timestamp', aliases: ['注册时间'] },
    { field: 'channel', kind: 'text', aliases: ['注册渠道', '渠道'] },
    { field: 'tags', kind: 'list', aliases: ['标签'] },
  ],
  refunds: [
    { field: 'externalId', kind: 'text', aliases: ['退款单号', 'refundId'] },
    { field: 'orderId', kind: 'text', aliases: ORDER_ID_ALIASES },
    { field: 'amount', kind: 'money', aliases: ['退款金额'] },
    { field: 'reason', kind: 'text', aliases: ['退款原因'] },
    { field: 'createdAt', kind: 'timestamp', aliases: ['退款时间'] },
    { field: 'sku', kind: 'text', aliases: SKU_ALIASES, perLine: true },
    { field: 'quantity', kind: 'integer', aliases: [...QUANTITY_ALIASES, '退款数量'], perLine: true },
  ],
  inventory: [
    { field: 'sku', kind: 'text', aliases: SKU_ALIASES },
    { field: 'warehouse', kind: 'text', aliases: ['仓库'] },
    { field: 'onHand', kind: 'integer', aliases: ['库存', '在库'] },
    { field: 'reserved', kind: 'integer', aliases: ['占用', '预占'] },
    { field: 'updatedAt', kind: 'timestamp', aliases: ['更新时间'] },
  ],
  spend: [
    { field: 'date', kind: 'date', aliases: ['日期'] },
    { field: 'channel', kind: 'text', aliases: ['渠道'] },
    { field: 'campaign', kind: 'text', aliases: ['活动', '计划'] },
    { field: 'amount', kind: 'money', aliases: ['花费', '消耗', '金额'] },
    { field: 'impressions', kind: 'integer', aliases: ['曝光'] },
    { field: 'clicks', kind: 'integer', aliases: ['点击'] },
  ],
};

/**
 * How flat rows become nested records: rows sharing `key` are one record, and their per-line fields
 * become the entries of `linesField`.
 */
const GROUPING: Partial<Record<EntityName, { key: string; linesField: string; noun: string }>> = {
  orders: { key: 'externalId', linesField: 'items', noun: 'order' },
  products: { key: 'externalId', linesField: 'skus', noun: 'product' },
  refunds: { key: 'externalId', linesField: 'items', noun: 'refund' },
};

/** Values as shops write them, mapped to the contract's enums (keys already normalised). */
const ORDER_STATUS_WORDS: Record<string, string> = {
  待付款: 'placed',
  待支付: 'placed',
  已下单: 'placed',
  已付款: 'paid',
  已支付: 'paid',
  待发货: 'paid',
  已发货: 'shipped',
  待收货: 'shipped',
  已完成: 'completed',
  交易成功: 'completed',
  已签收: 'completed',
  已取消: 'cancelled',
  交易关闭: 'cancelled',
  已关闭: 'cancelled',
};
const PRODUCT_STATUS_WORDS: Record<string, string> = { 在售: 'active', 上架: 'active', 下架: 'inactive', 停售: 'inactive', 归档: 'archived' };
const PLATFORM_WORDS: Record<string, string> = {
  小程序: 'mini_program',
  微信小程序: 'mini_program',
  miniprogram: 'mini_program',
  网页: 'web',
  官网: 'web',
  pc: 'web',
  第三方: 'third_party',
  thirdparty: 'third_party',
  其他: 'other',
  其它: 'other',
};
const LIST_SEPARATORS = /[,;，；、|]/;

/** "Unit Price", "unit_price", "单价（元）" all read as "unitprice" / "单价". */
function normaliseHeader(header: string): string {
  return header
    .trim()
    .replace(/\s*[(（[【][^)）\]】]*[)）\]】]$/, '')
    .toLowerCase()
    .replace(/[\s_-]/g, '');
}

type Column =
  | { to: 'field'; spec: FieldSpec }
  | { to: 'attribute'; name: string }
  | { to: 'lines' }
  | { to: 'unknown' };

const ATTRIBUTE_COLUMN = /^\s*(?:attr|attrs|attributes|属性)\s*[.:：]\s*(.+)$/i;

function columnResolver(entity: EntityName): (header: string) => Column {
  const byName = new Map<string, FieldSpec>();
  for (const spec of COLUMNS[entity]) {
    for (const name of [spec.field, ...(spec.aliases ?? [])]) {
      const key = normaliseHeader(name);
      if (!byName.has(key)) byName.set(key, spec);
    }
  }
  const linesField = GROUPING[entity]?.linesField;
  const cache = new Map<string, Column>();
  return (header) => {
    let column = cache.get(header);
    if (!column) {
      const attribute = entity === 'products' ? ATTRIBUTE_COLUMN.exec(header) : null;
      const name = normaliseHeader(header);
      const spec = byName.get(name);
      if (attribute) column = { to: 'attribute', name: attribute[1].trim() };
      else if (spec) column = { to: 'field', spec };
      else if (linesField && name === linesField.toLowerCase()) column = { to: 'lines' };
      else column = { to: 'unknown' };
      cache.set(header, column);
    }
    return column;
  };
}

// ---------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------

export interface ShapeOptions {
  /** 'minor' (default): amounts are already in 分. 'major': amounts are in 元 such as "199.00". */
  money?: 'minor' | 'major';
  /** Zone of the shop, for timestamps written without an offset. Default Asia/Shanghai. */
  timezone?: string;
}

const wordKey = (text: string) => text.trim().toLowerCase().replace(/[\s_-]/g, '');

function fromWords(text: string, words: Record<string, string>, allowed: readonly string[]): string {
  const key = wordKey(text);
  if (words[key]) return words[key];
  const english = allowed.find((value) => wordKey(value) === key);
  // An unknown word stays as written so the schema names the allowed values.
  return english ?? text.trim();
}

function toGender(text: string): string {
  const key = wordKey(text);
  if (['男', 'male', 'm', '先生'].includes(key)) return 'male';
  if (['女', 'female', 'f', '女士'].includes(key)) return 'female';
  return 'unknown';
}

function convertValue(kind: FieldKind, raw: string | number | boolean, options: Required<ShapeOptions>): Converted<unknown> {
  const text = String(raw).trim();
  switch (kind) {
    case 'text':
      return { value: text };
    case 'integer':
      return { value: typeof raw === 'boolean' ? text : toNumber(raw) };
    case 'money':
      if (typeof raw === 'boolean') return { value: text };
      return options.money === 'major' ? yuanToFen(raw) : { value: toNumber(raw) };
    case 'timestamp':
      return { value: typeof raw === 'string' ? toIsoTimestamp(raw, options.timezone) : raw };
    case 'date':
      return { value: typeof raw === 'string' ? toLocalDate(raw, options.timezone) : raw };
    case 'list':
      return { value: text.split(LIST_SEPARATORS).map((part) => part.trim()).filter(Boolean) };
    case 'gender':
      return { value: toGender(text) };
    case 'orderStatus':
      return { value: fromWords(text, ORDER_STATUS_WORDS, orderStatuses) };
    case 'productStatus':
      return { value: fromWords(text, PRODUCT_STATUS_WORDS, productStatuses) };
    case 'platform':
      return { value: fromWords(text, PLATFORM_WORDS, platforms) };
    case 'currency':
      return { value: text.toUpperCase() };
  }
}

// ---------------------------------------------------------------------------------------------------
// Rows to records
// ---------------------------------------------------------------------------------------------------

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
  const resolve = columnResolver(entity);
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
