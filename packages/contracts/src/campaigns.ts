import { z } from 'zod';
import { externalId, isoTimestamp, minorUnits } from './common';

/**
 * Campaign mechanics (PRODUCT.md, Levers, row 11): the shapes of `/v1/flash-sales` (秒杀). Each
 * mechanic is a state machine with its own ledger in the server's campaigns module.
 */

const count = (min: number, max: number) => z.number().int({ error: 'must be a whole number' }).min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` });

/** How long a reservation holds its units for the customer to pay when a flash sale does not say. */
export const DEFAULT_FLASH_SALE_HOLD_MINUTES = 15;
/** The most units one reservation may take: a flash sale is a few units a customer, not a wholesale order. */
export const MAX_RESERVATION_QUANTITY = 9999;

export const flashSaleId = z.string().regex(/^fs_[a-z0-9]{1,40}$/, { error: 'must be a flash sale id (fs_...)' });
export const flashSaleReservationId = z.string().regex(/^fsr_[a-z0-9]{1,40}$/, { error: 'must be a flash sale reservation id (fsr_...)' });

/** scheduled 未开始 -> live 进行中 -> ended 已结束, by the sale's window. */
export const flashSaleStates = ['scheduled', 'live', 'ended'] as const;
export type FlashSaleState = (typeof flashSaleStates)[number];

/** held 已锁定 (units taken, waiting for payment) -> confirmed 已售 (paid); expired 已过期 or cancelled 已取消 give the units back. */
export const reservationStates = ['held', 'confirmed', 'expired', 'cancelled'] as const;
export type ReservationState = (typeof reservationStates)[number];

export const flashSaleCreate = z.object({
  /** What the console shows; the SKU when absent. */
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(200).optional(),
  sku: externalId,
  /** The 秒杀 price of one unit, in minor units (an item-stage price in pricing). */
  price: minorUnits.refine((v) => v > 0, { error: 'must be more than 0' }),
  /** The units the sale has to sell. */
  stock: count(1, 1e9),
  /** The most units one customer may hold or have bought in this sale. */
  perCustomer: count(1, MAX_RESERVATION_QUANTITY).default(1),
  startsAt: isoTimestamp,
  endsAt: isoTimestamp,
  /** How long a reservation waits for its payment before its units go back to stock. */
  holdMinutes: count(1, 24 * 60).default(DEFAULT_FLASH_SALE_HOLD_MINUTES),
}).superRefine((s, ctx) => {
  if (new Date(s.endsAt) <= new Date(s.startsAt)) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
});
export type FlashSaleCreate = z.infer<typeof flashSaleCreate>;

/** A flash sale with its live counts: `reserved` held for payment, `sold` paid, `remaining` still to take; reserved + sold + remaining = stock once given-back units have landed. */
export const flashSale = z.object({
  id: flashSaleId,
  name: z.string(),
  sku: z.string(),
  price: z.number().int(),
  stock: z.number().int(),
  perCustomer: z.number().int(),
  startsAt: z.string(),
  endsAt: z.string(),
  holdMinutes: z.number().int(),
  state: z.enum(flashSaleStates),
  reserved: z.number().int(),
  sold: z.number().int(),
  remaining: z.number().int(),
  createdAt: z.string(),
});
export type FlashSale = z.infer<typeof flashSale>;

export const flashSaleList = z.object({ flashSales: z.array(flashSale) });

export const flashSaleReserve = z.object({
  customerId: externalId,
  quantity: count(1, MAX_RESERVATION_QUANTITY).default(1),
  /** A retry with the same key gives the same reservation. */
  idempotencyKey: z.string().min(1).max(200),
});
export type FlashSaleReserve = z.infer<typeof flashSaleReserve>;

/** A reservation: what checkout needs to price its line (`sku`, `price`, `quantity`), whose it is and whether it still holds. */
export const flashSaleReservation = z.object({
  reservationId: flashSaleReservationId,
  flashSaleId,
  customerId: z.string(),
  sku: z.string(),
  price: z.number().int(),
  quantity: z.number().int(),
  state: z.enum(reservationStates),
  /** The order that consumed it (checkout) or paid for it; null while it only holds. */
  orderId: z.string().nullable(),
  expiresAt: z.string(),
  createdAt: z.string(),
});
export type FlashSaleReservation = z.infer<typeof flashSaleReservation>;
