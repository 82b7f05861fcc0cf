import { z } from 'zod';
import { orderStatuses, platforms, productStatuses, rejectedRecord, type OrderStatus } from './commerce';
import { formatMoney } from './format';
import type { Locale } from './metric-catalog';

/**
 * File imports as a person reads them: what the import answers (each refused row with the user's own
 * column and value, and a problem as a message key with its values), the words shops write for
 * statuses, and the one zh-CN / English catalog the CLI, the errors CSV and the console render from.
 */

/** How a file writes money: `major` in 元 (199.00), `minor` in 分 (19900, the API's unit). */
export const moneyUnits = ['minor', 'major'] as const;
export type MoneyUnit = (typeof moneyUnits)[number];

/** Order statuses as Chinese back-offices write them, to the contract's values (keys without spaces). */
export const orderStatusWords: Readonly<Record<string, OrderStatus>> = {
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
export const productStatusWords: Readonly<Record<string, (typeof productStatuses)[number]>> = { 在售: 'active', 上架: 'active', 下架: 'inactive', 停售: 'inactive', 归档: 'archived' };
export const platformWords: Readonly<Record<string, (typeof platforms)[number]>> = {
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

/** Fields whose cells are one of a list of words: what a refusal lists as accepted. */
export const choiceKinds = ['orderStatus', 'productStatus', 'platform'] as const;
export type ChoiceKind = (typeof choiceKinds)[number];
const choiceValues: Record<ChoiceKind, readonly string[]> = { orderStatus: orderStatuses, productStatus: productStatuses, platform: platforms };
const choiceWords: Record<ChoiceKind, Readonly<Record<string, string>>> = { orderStatus: orderStatusWords, productStatus: productStatusWords, platform: platformWords };

/**
 * What a reader may write in a column of this kind: in Chinese the Chinese words (and the codes that
 * have none, such as app, h5); in English the contract's codes.
 */
export function acceptedChoices(kind: ChoiceKind, locale: Locale): string[] {
  if (locale === 'en') return [...choiceValues[kind]];
  const words = Object.entries(choiceWords[kind]).filter(([word]) => /\p{Script=Han}/u.test(word));
  const covered = new Set(words.map(([, value]) => value));
  return [...words.map(([word]) => word), ...choiceValues[kind].filter((value) => !covered.has(value))];
}

/** The first Chinese word of an order status, as a Chinese reader names it (placed -> 待付款). */
export function orderStatusLabel(status: string, locale: Locale): string {
  if (locale === 'en') return status;
  return Object.entries(orderStatusWords).find(([, value]) => value === status)?.[0] ?? status;
}

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/**
 * Placeholders: {column} the column as the file heads it (or, when the file has none, the field's
 * usual name), {value} the cell as written, {line} a line of the file, {record} the record noun
 * (订单 / order) of `values.entity`, {choices} the accepted words of `values.kind`, {x:money} minor
 * units of `values.currency`, {x:status} an order status, {x:unit} 元 or 分, {x:list} lines joined
 * as the language lists them, anything else as it is.
 */
const templates = {
  required: t('{column}不能为空', '{column} is required'),
  missing_column: t('文件中没有“{column}”列', 'the file has no "{column}" column'),
  not_number: t('{column}应为数字（填的是“{value}”）', '{column} must be a number (the file has "{value}")'),
  not_whole: t('{column}应为整数（填的是“{value}”）', '{column} must be a whole number (the file has "{value}")'),
  at_least: t('{column}不能小于 {min}（填的是“{value}”）', '{column} must be at least {min} (the file has "{value}")'),
  at_most: t('{column}不能大于 {max}（填的是“{value}”）', '{column} must be at most {max} (the file has "{value}")'),
  too_long: t('{column}太长：最多 {max} 个字符', '{column} is too long: at most {max} characters'),
  not_amount: t('{column}不是金额，应写成 199.00 这样（填的是“{value}”）', '{column} is not an amount such as 199.00 (the file has "{value}")'),
  fen_fraction: t('{column}不能有不足 1 分的小数（填的是“{value}”）', '{column} has a fraction of a fen, less than 0.01 yuan (the file has "{value}")'),
  negative: t('{column}不能为负数（填的是“{value}”）', '{column} must not be negative (the file has "{value}")'),
  not_positive: t('{column}必须大于 0（填的是“{value}”）', '{column} must be greater than 0 (the file has "{value}")'),
  too_large: t('{column}金额过大（填的是“{value}”）', '{column} is too large an amount (the file has "{value}")'),
  bad_time: t('{column}不是可识别的时间，应写成 2026-11-11 10:00:00 这样（填的是“{value}”）', '{column} is not a time such as 2026-11-11 10:00:00 (the file has "{value}")'),
  bad_date: t('{column}不是可识别的日期，应写成 2026-11-11 这样（填的是“{value}”）', '{column} is not a date such as 2026-11-11 (the file has "{value}")'),
  bad_choice: t('{column}“{value}”无法识别，可填：{choices}', '{column} "{value}" is not one of: {choices}'),
  bad_email: t('{column}不是邮箱地址（填的是“{value}”）', '{column} is not an email address (the file has "{value}")'),
  bad_currency: t('{column}应为 CNY 这样的三位币种代码（填的是“{value}”）', '{column} must be a currency code such as CNY (the file has "{value}")'),
  invalid: t('{column}无效（填的是“{value}”）', '{column} is not valid (the file has "{value}")'),
  no_lines: t('{record} {id} 没有明细行', '{record} {id} has no lines'),
  no_key: t('这一行没有{column}，无法判断属于哪个{record}', 'this line has no {column}, so it belongs to no {record}'),
  sibling: t('{record} {id} 未导入：同一{record}的第 {line} 行有错（{column}）', '{record} {id} is not imported: its line {line} is invalid ({column})'),
  not_json: t('这一行不是有效的 JSON', 'this line is not valid JSON'),
  not_object: t('每一行应是一个 JSON 对象', 'each line must hold one JSON object'),
  order_cancelled: t('订单已取消，不能再改为“{to:status}”', 'the order was cancelled; it cannot become {to:status}'),
  status_backwards: t('订单状态不能从“{from:status}”退回“{to:status}”', 'an order cannot go back from {from:status} to {to:status}'),
  paid_amount_changed: t('已支付订单的{column}不能修改（原为 {was:money}），请改为登记退款', 'the {column} of a paid order cannot change (it was {was:money}); record a refund instead'),
  currency_mismatch: t('本店以 {shopCurrency} 记账，{column}不能是“{value}”', 'this shop records money in {shopCurrency}, so {column} cannot be "{value}"'),
  paid_time_required: t('“{status:status}”的订单需要{column}', 'a {status:status} order needs {column}'),
  cancelled_time_required: t('已取消的订单需要{column}', 'a cancelled order needs {column}'),
  paid_without_time: t('没有支付时间的订单不能有{column}（填的是“{value}”）', 'an order without a payment time cannot have {column} (the file has "{value}")'),
  paid_before_placed: t('{column}早于下单时间（填的是“{value}”）', '{column} is before the order was placed (the file has "{value}")'),
  refund_other_order: t('退款单 {id} 属于订单 {order}，不能改到另一个订单', 'refund {id} belongs to order {order}, not another one'),
  unknown_order: t('店里没有订单 {value}：请先导入订单', 'there is no order {value} in this shop: import the orders first'),
  order_not_paid: t('订单 {value} 未支付，不能退款', 'order {value} has not been paid, so it cannot be refunded'),
  refund_exceeds: t('订单 {order} 的退款合计 {total:money}，超过实付 {paid:money}', 'refunds of order {order} would total {total:money}, more than the {paid:money} paid'),
  /** A refusal this catalog has no words for: the server's own text. */
  other: t('{column}：{message}', '{column}: {message}'),
  money_ambiguous: t(
    '无法判断金额单位：{columns:list}都没有小数点（例如第 {line} 行{column}为“{value}”），既可能是元也可能是分。',
    'cannot tell the money unit: no amount in {columns:list} has a decimal point (line {line} has "{value}" in {column}), so it could be yuan or fen.',
  ),
  money_conflict: t(
    '金额单位矛盾：选择的是{requested:unit}，但第 {line} 行{column}写作“{value}”，{evidence:evidence}。',
    'the money unit contradicts the file: {requested:unit} was chosen, but line {line} has "{value}" in {column}, {evidence:evidence}.',
  ),
  // The CLI's own lines.
  'cli.money_hint': t(
    '请用 --money 说明：--money major 表示金额以元为单位（{value} 即 {major:money}），--money minor 表示以分为单位、与 API 相同（{value} 即 {minor:money}）。',
    'Say which with --money: --money major means amounts are in yuan ({value} is {major:money}); --money minor means they are in fen, the API\'s minor unit ({value} is {minor:money}).',
  ),
  'cli.money_conflict_hint': t('请去掉 --money（文件已说明单位），或改用 --money {other}。', 'Leave out --money (the file says its unit), or use --money {other}.'),
  'cli.progress': t('导入{record}', 'importing {record}'),
  'cli.rows': t('行', 'rows'),
  'cli.summary': t('{record}：文件共 {total} 行，导入 {acceptedRows} 行（{accepted} 条记录），拒绝 {rejectedRows} 行。', '{record}: {acceptedRows} of {total} rows imported ({accepted} records), {rejectedRows} rejected.'),
  'cli.money_used': t('金额按{unit:unit}读取。', 'Amounts were read in {unit:unit}.'),
  'cli.error_file': t('每一行被拒绝的原因见 {file}（可用 Excel 打开）。', 'The reason for each rejected row is in {file} (opens in Excel).'),
  'cli.first_errors': t('前 {count} 个问题：', 'The first {count} problems:'),
  'cli.error_line': t('第 {line} 行：{reason}', 'line {line}: {reason}'),
  // The errors CSV's header.
  'csv.line': t('行号', 'line'),
  'csv.column': t('列', 'column'),
  'csv.value': t('填写的值', 'value'),
  'csv.reason': t('原因', 'reason'),
} as const;

export type ImportTextKey = keyof typeof templates;
export const importProblemKeys = Object.keys(templates).filter((key) => !key.includes('.')) as Exclude<ImportTextKey, `${string}.${string}`>[];
export type ImportProblemKey = (typeof importProblemKeys)[number];

export const importTextValue = z.union([z.string(), z.number(), z.null()]);
export type ImportTextValues = Record<string, string | number | null>;

/** Why a row was refused: a message key of the catalog and its values, rendered by the reader. */
export const importProblem = z.object({
  key: z.enum(importProblemKeys as [ImportProblemKey, ...ImportProblemKey[]]),
  values: z.record(z.string(), importTextValue),
});
export type ImportProblem = z.infer<typeof importProblem>;

/** A refused row: the API's rejection (`field` is the API's path) with the file's own terms beside it. */
export const importRejection = rejectedRecord.extend({
  /** The column as the file heads it (实付金额), when the file has it. */
  column: z.string().optional(),
  /** The cell as written in the file. */
  value: z.string().optional(),
  problem: importProblem,
});
export type ImportRejection = z.infer<typeof importRejection>;

export const importResult = z.object({
  /** Records that landed (an order of three lines is one record). */
  accepted: z.number().int(),
  /** One entry per refused line of the file, in line order; `message` is `problem` rendered in the request's `lang`. */
  rejected: z.array(importRejection),
  /** Rows of the file (lines with data, the header not counted), and how many of them landed. */
  rows: z.object({ total: z.number().int(), accepted: z.number().int(), rejected: z.number().int() }),
  /** How money columns were read; null when the file has none (or for events). */
  moneyUnit: z.enum(moneyUnits).nullable(),
  /** The errors CSV as it is saved (UTF-8 with a BOM, for Excel), in the request's `lang`; empty when nothing was refused. */
  errorReport: z.string(),
});
export type ImportResult = z.infer<typeof importResult>;

/** Field names a file may head differently, for a refusal that names a column the file does not have. */
const fieldNames: Record<string, Readonly<Record<Locale, string>>> = {
  'orders.externalId': t('订单号', 'externalId'),
  'orders.customerId': t('用户ID', 'customerId'),
  'orders.items': t('商品明细', 'items'),
  'orders.sku': t('商品编码', 'sku'),
  'orders.quantity': t('数量', 'quantity'),
  'orders.unitPrice': t('单价', 'unitPrice'),
  'orders.discount': t('优惠', 'discount'),
  'orders.shippingFee': t('运费', 'shippingFee'),
  'orders.payableAmount': t('应付金额', 'payableAmount'),
  'orders.paidAmount': t('实付金额', 'paidAmount'),
  'orders.currency': t('币种', 'currency'),
  'orders.status': t('订单状态', 'status'),
  'orders.placedAt': t('下单时间', 'placedAt'),
  'orders.paidAt': t('支付时间', 'paidAt'),
  'orders.shippedAt': t('发货时间', 'shippedAt'),
  'orders.completedAt': t('完成时间', 'completedAt'),
  'orders.cancelledAt': t('取消时间', 'cancelledAt'),
  'orders.platform': t('平台', 'platform'),
  'orders.channel': t('渠道', 'channel'),
  'products.externalId': t('商品ID', 'externalId'),
  'products.title': t('商品名称', 'title'),
  'products.category': t('类目', 'category'),
  'products.status': t('商品状态', 'status'),
  'products.skus': t('SKU', 'skus'),
  'products.sku': t('商品编码', 'sku'),
  'products.price': t('售价', 'price'),
  'products.cost': t('成本价', 'cost'),
  'customers.externalId': t('用户ID', 'externalId'),
  'customers.email': t('邮箱', 'email'),
  'customers.birthday': t('生日', 'birthday'),
  'customers.registeredAt': t('注册时间', 'registeredAt'),
  'refunds.externalId': t('退款单号', 'externalId'),
  'refunds.orderId': t('订单号', 'orderId'),
  'refunds.amount': t('退款金额', 'amount'),
  'refunds.createdAt': t('退款时间', 'createdAt'),
  'refunds.sku': t('商品编码', 'sku'),
  'refunds.quantity': t('数量', 'quantity'),
  'inventory.sku': t('商品编码', 'sku'),
  'inventory.onHand': t('库存', 'onHand'),
  'inventory.reserved': t('占用', 'reserved'),
  'spend.date': t('日期', 'date'),
  'spend.channel': t('渠道', 'channel'),
  'spend.amount': t('花费', 'amount'),
  'spend.impressions': t('曝光', 'impressions'),
  'spend.clicks': t('点击', 'clicks'),
};

/** The usual name of a field (`items[2].quantity` -> 数量) where the file has no column for it. */
export function importFieldName(entity: string, field: string, locale: Locale): string {
  const leaf = field.replace(/\[\d+\]/g, '').split('.').pop() ?? field;
  return fieldNames[`${entity}.${leaf}`]?.[locale] ?? leaf;
}

const records: Record<string, Readonly<Record<Locale, string>>> = {
  orders: t('订单', 'order'),
  products: t('商品', 'product'),
  refunds: t('退款单', 'refund'),
  customers: t('客户', 'customer'),
  inventory: t('库存', 'inventory'),
  spend: t('推广花费', 'spend'),
  events: t('行为事件', 'event'),
};
const units: Record<MoneyUnit, Readonly<Record<Locale, string>>> = { major: t('元', 'yuan'), minor: t('分', 'fen') };
const evidence: Record<string, Readonly<Record<Locale, string>>> = {
  decimal: t('有小数点即为元', 'and a decimal point means yuan'),
  currency_sign: t('带 ¥ 符号即为元', 'and a ¥ sign means yuan'),
  header_major: t('列名注明了（元）', 'and the header says yuan'),
  header_minor: t('列名注明了（分）', 'and the header says fen'),
};

/** A text of the catalog in `locale`. `entity` and `kind` (in values) name the record and the choices. */
export function importText(locale: Locale, key: ImportTextKey, values: ImportTextValues = {}): string {
  const template = templates[key][locale];
  return template.replace(/\{(\w+)(?::(\w+))?\}/g, (whole, name: string, format?: string) => {
    const value = values[name];
    switch (name === 'record' ? 'record' : name === 'choices' ? 'choices' : format) {
      case 'record':
        return records[String(values.entity)]?.[locale] ?? String(values.entity ?? '');
      case 'choices':
        return (choiceKinds as readonly unknown[]).includes(values.kind) ? acceptedChoices(values.kind as ChoiceKind, locale).join(locale === 'en' ? ', ' : '、') : '';
      case 'money':
        return typeof value === 'number' ? formatMoney(value, String(values.currency ?? 'CNY'), locale) : String(value ?? '');
      case 'status':
        return orderStatusLabel(String(value ?? ''), locale);
      case 'unit':
        return units[value as MoneyUnit]?.[locale] ?? String(value ?? '');
      case 'list':
        return String(value ?? '').split('\n').join(locale === 'en' ? ', ' : '、');
      case 'evidence':
        return evidence[String(value)]?.[locale] ?? '';
      default:
        if (name === 'column' && (value === null || value === undefined)) return importFieldName(String(values.entity ?? ''), String(values.field ?? ''), locale);
        return value === null || value === undefined ? whole : String(value);
    }
  });
}

/** A refusal in the reader's language. */
export const importProblemText = (locale: Locale, problem: ImportProblem): string => importText(locale, problem.key, problem.values);
