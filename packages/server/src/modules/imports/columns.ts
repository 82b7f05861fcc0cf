/**
 * Which field a column header names: the field itself or one of its aliases (English and Chinese
 * headers as shops export them), an attribute of a product SKU, or the record's nested lines.
 */
import type { EntityName, MoneyUnit } from '@flywheel/contracts';
import type { FieldKind } from './values';

export interface FieldSpec {
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

/** "Unit Price", "unit_price", "单价（元）" all read as "unitprice" / "单价". */
function normaliseHeader(header: string): string {
  return header
    .trim()
    .replace(/\s*[(（[【][^)）\]】]*[)）\]】]$/, '')
    .toLowerCase()
    .replace(/[\s_-]/g, '');
}

export type Column =
  | { to: 'field'; spec: FieldSpec }
  | { to: 'attribute'; name: string }
  | { to: 'lines' }
  | { to: 'unknown' };

const ATTRIBUTE_COLUMN = /^\s*(?:attr|attrs|attributes|属性)\s*[.:：]\s*(.+)$/i;

/** `linesField`: the field holding a grouped record's lines (`items`, `skus`), if it has any. */
export function columnResolver(entity: EntityName, linesField: string | undefined): (header: string) => Column {
  const byName = new Map<string, FieldSpec>();
  for (const spec of COLUMNS[entity]) {
    for (const name of [spec.field, ...(spec.aliases ?? [])]) {
      const key = normaliseHeader(name);
      if (!byName.has(key)) byName.set(key, spec);
    }
  }
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

/**
 * The spec of the field an API path names (`items[0].quantity` is the item's quantity, `discount`
 * the order's), for a refusal to say what kind of value was expected.
 */
export function fieldSpecAt(entity: EntityName, path: readonly PropertyKey[]): FieldSpec | undefined {
  const perLine = path.length > 2 && typeof path[1] === 'number';
  const field = String(perLine ? path[2] : path[0]);
  const specs = COLUMNS[entity];
  return specs.find((s) => s.field === field && !!s.perLine === perLine) ?? specs.find((s) => s.field === field);
}

const HEADER_UNIT = /[(（[【]\s*(元|分|cny|rmb|yuan|fen)\s*[)）\]】]\s*$/i;

/** The unit a header writes beside its name: 单价（元）, 金额(分). */
export function headerMoneyUnit(header: string): MoneyUnit | undefined {
  const unit = HEADER_UNIT.exec(header)?.[1].toLowerCase();
  if (!unit) return undefined;
  return unit === '分' || unit === 'fen' ? 'minor' : 'major';
}
