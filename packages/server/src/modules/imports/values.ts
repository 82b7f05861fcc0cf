/** One cell's value, converted to what its field holds in the contract (a number, an enum value, a list). */
import { orderStatuses, orderStatusWords, platforms, platformWords, productStatuses, productStatusWords, type MoneyUnit } from '@flywheel/contracts';
import { toNumber, yuanToFen, type Converted } from './money';
import { toIsoTimestamp, toLocalDate } from './time';

/** What a field holds, which says how its cells are converted. */
export type FieldKind =
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

export interface ShapeOptions {
  /** 'minor' (default): amounts are already in 分. 'major': amounts are in 元 such as "199.00" (see money-unit.ts for which a file is). */
  money?: MoneyUnit;
  /** Zone of the shop, for timestamps written without an offset. Default Asia/Shanghai. */
  timezone?: string;
}

const LIST_SEPARATORS = /[,;，；、|]/;

const wordKey = (text: string) => text.trim().toLowerCase().replace(/[\s_-]/g, '');

function fromWords(text: string, words: Readonly<Record<string, string>>, allowed: readonly string[]): string {
  const key = wordKey(text);
  if (Object.hasOwn(words, key)) return words[key];
  const english = allowed.find((value) => wordKey(value) === key);
  // An unknown word stays as written, for the schema to refuse and the refusal to list the words.
  return english ?? text.trim();
}

function toGender(text: string): string {
  const key = wordKey(text);
  if (['男', 'male', 'm', '先生'].includes(key)) return 'male';
  if (['女', 'female', 'f', '女士'].includes(key)) return 'female';
  return 'unknown';
}

export function convertValue(kind: FieldKind, raw: string | number | boolean, options: Required<ShapeOptions>): Converted<unknown> {
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
      return { value: fromWords(text, orderStatusWords, orderStatuses) };
    case 'productStatus':
      return { value: fromWords(text, productStatusWords, productStatuses) };
    case 'platform':
      return { value: fromWords(text, platformWords, platforms) };
    case 'currency':
      return { value: text.toUpperCase() };
  }
}
