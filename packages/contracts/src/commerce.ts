import { z } from 'zod';
import { birthDate, currencyCode, externalId, isoTimestamp, localDate, minorUnits } from './common';

export const productStatuses = ['active', 'inactive', 'archived'] as const;

export const skuRecord = z.object({
  sku: externalId,
  price: minorUnits,
  cost: minorUnits.optional(),
  attributes: z.record(z.string(), z.string()).optional(),
});

/** A product (SPU) with its SKUs. `category` is a path such as 服饰/女装/连衣裙. */
export const productRecord = z.object({
  externalId,
  title: z.string().trim().min(1).max(500),
  category: z.string().trim().min(1).max(300),
  brand: z.string().max(200).optional(),
  status: z.enum(productStatuses).default('active'),
  skus: z.array(skuRecord).min(1, { error: 'a product needs at least one SKU' }).max(1000),
});
export type ProductRecord = z.infer<typeof productRecord>;

export const genders = ['male', 'female', 'unknown'] as const;

export const customerRecord = z.object({
  externalId,
  name: z.string().max(200).optional(),
  phone: z.string().max(50).optional(),
  email: z.email({ error: 'must be an email address' }).optional(),
  gender: z.enum(genders).optional(),
  birthday: birthDate.optional(),
  province: z.string().max(100).optional(),
  city: z.string().max(100).optional(),
  registeredAt: isoTimestamp.optional(),
  channel: z.string().max(100).optional(),
  tags: z.array(z.string().max(100)).max(100).optional(),
});
export type CustomerRecord = z.infer<typeof customerRecord>;

export const orderStatuses = ['placed', 'paid', 'shipped', 'completed', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];
export const platforms = ['app', 'mini_program', 'web', 'h5', 'third_party', 'other'] as const;

export const orderItem = z.object({
  sku: externalId,
  quantity: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(100000),
  unitPrice: minorUnits,
  discount: minorUnits.optional(),
});

export const orderRecord = z.object({
  externalId,
  customerId: externalId,
  items: z.array(orderItem).min(1, { error: 'an order needs at least one item' }).max(500),
  shippingFee: minorUnits.optional(),
  discount: minorUnits.optional(),
  payableAmount: minorUnits,
  paidAmount: minorUnits.optional(),
  currency: currencyCode.optional(),
  status: z.enum(orderStatuses),
  placedAt: isoTimestamp,
  paidAt: isoTimestamp.optional(),
  shippedAt: isoTimestamp.optional(),
  completedAt: isoTimestamp.optional(),
  cancelledAt: isoTimestamp.optional(),
  platform: z.enum(platforms).optional(),
  channel: z.string().max(100).optional(),
  campaign: z.string().max(200).optional(),
  couponCodes: z.array(z.string().max(100)).max(50).optional(),
});
export type OrderRecord = z.infer<typeof orderRecord>;

export const refundRecord = z.object({
  externalId,
  orderId: externalId,
  amount: minorUnits.refine((v) => v > 0, { error: 'must be greater than 0' }),
  items: z.array(z.object({ sku: externalId, quantity: z.number().int().min(1) })).optional(),
  reason: z.string().max(500).optional(),
  createdAt: isoTimestamp,
});
export type RefundRecord = z.infer<typeof refundRecord>;

export const inventoryRecord = z.object({
  sku: externalId,
  warehouse: z.string().trim().min(1).max(100).default('default'),
  onHand: z.number().int().min(0),
  reserved: z.number().int().min(0).default(0),
  updatedAt: isoTimestamp.optional(),
});
export type InventoryRecord = z.infer<typeof inventoryRecord>;

export const spendRecord = z.object({
  date: localDate,
  channel: z.string().trim().min(1).max(100),
  campaign: z.string().max(200).default(''),
  amount: minorUnits,
  impressions: z.number().int().min(0).optional(),
  clicks: z.number().int().min(0).optional(),
});
export type SpendRecord = z.infer<typeof spendRecord>;

export const entityNames = ['products', 'customers', 'orders', 'refunds', 'inventory', 'spend'] as const;
export type EntityName = (typeof entityNames)[number];

export const recordSchemas = {
  products: productRecord,
  customers: customerRecord,
  orders: orderRecord,
  refunds: refundRecord,
  inventory: inventoryRecord,
  spend: spendRecord,
} as const;

export interface EntityRecords {
  products: ProductRecord;
  customers: CustomerRecord;
  orders: OrderRecord;
  refunds: RefundRecord;
  inventory: InventoryRecord;
  spend: SpendRecord;
}

/** What `flywheel import` and `POST /v1/import/{entity}` take: the commerce entities, and behaviour events (NDJSON of tracking calls). */
export const importEntities = [...entityNames, 'events'] as const;
export type ImportEntity = (typeof importEntities)[number];

export const MAX_BATCH_RECORDS = 1000;

export const batchRequest = z.object({
  records: z.array(z.unknown()).max(MAX_BATCH_RECORDS, { error: `at most ${MAX_BATCH_RECORDS} records a call` }),
});

export const rejectedRecord = z.object({
  index: z.number().int(),
  line: z.number().int().optional(),
  code: z.string(),
  message: z.string(),
  field: z.string().optional(),
});
export type RejectedRecord = z.infer<typeof rejectedRecord>;

export const batchResult = z.object({
  accepted: z.number().int(),
  rejected: z.array(rejectedRecord),
});
export type BatchResult = z.infer<typeof batchResult>;

/** `GET /v1/orders/:externalId`: an order as stored, with what has been refunded of it. */
export const storedOrder = z.object({
  externalId: z.string(),
  customerId: z.string(),
  status: z.enum(orderStatuses),
  items: z.array(z.object({ sku: z.string(), productId: z.string().nullable(), quantity: z.number().int(), unitPrice: z.number().int(), discount: z.number().int(), unitCost: z.number().int().nullable() })),
  shippingFee: z.number().int(),
  discount: z.number().int(),
  payableAmount: z.number().int(),
  paidAmount: z.number().int().nullable(),
  currency: z.string(),
  placedAt: z.string(),
  paidAt: z.string().nullable(),
  shippedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  platform: z.string().nullable(),
  channel: z.string().nullable(),
  campaign: z.string().nullable(),
  couponCodes: z.array(z.string()),
  refundedAmount: z.number().int(),
});
export type StoredOrder = z.infer<typeof storedOrder>;

/** `GET /v1/commerce/counts`: how many records of each kind the shop holds. */
export const commerceCounts = z.object(Object.fromEntries(entityNames.map((e) => [e, z.number().int()])) as Record<EntityName, z.ZodNumber>);
