/** One cell's value, converted to what its field holds in the contract (a number, an enum value, a list). */
import { orderStatuses, platforms, productStatuses } from '@flywheel/contracts';
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
  /** 'minor' (default): amounts are already in 分. 'major': amounts are in 元 such as "199.00". */
  money?: 'minor' | 'major';
  /** Zone of the shop, for timestamps written without an offset. Default Asia/Shanghai. */
  timezone?: string;
}

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

const wordKey = (text: string) => text.trim().toLowerCase().replace(/[\s_-]/g, '');

function fromWords(text: string, words: Record<string, string>, allowed: readonly string[]): string {
  const key = wordKey(text);
  if (Object.hasOwn(words, key)) return words[key];
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
      return { value: fromWords(text, ORDER_STATUS_WORDS, orderStatuses) };
    case 'productStatus':
      return { value: fromWords(text, PRODUCT_STATUS_WORDS, productStatuses) };
    case 'platform':
      return { value: fromWords(text, PLATFORM_WORDS, platforms) };
    case 'currency':
      return { value: text.toUpperCase() };
  }
}
