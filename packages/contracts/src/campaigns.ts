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

// 拼团 group buys: `/v1/group-buys` (the campaigns) and `/v1/groups` (the groups customers open and join).

/** The most members a group may need: a 拼团 is a few friends, not a crowd. */
export const MAX_GROUP_SIZE = 100;
/** How long a group waits to fill when a group buy does not say: a day, as storefronts usually give. */
export const DEFAULT_GROUP_HOURS = 24;

export const groupBuyId = z.string().regex(/^gb_[a-z0-9]{1,40}$/, { error: 'must be a group buy id (gb_...)' });
export const groupId = z.string().regex(/^grp_[a-z0-9]{1,40}$/, { error: 'must be a group id (grp_...)' });

/** forming 拼团中 (waiting for paid members) -> succeeded 拼团成功 (groupSize members paid) or failed 拼团失败 (its hours passed; paid orders refunded). */
export const groupStates = ['forming', 'succeeded', 'failed'] as const;
export type GroupState = (typeof groupStates)[number];

/** joined 待支付 (holds a place) -> paid 已支付 (counts); left 已退出 (order cancelled, the place freed); refunded 已退款 (paid into a failed group). */
export const groupMemberStates = ['joined', 'paid', 'left', 'refunded'] as const;
export type GroupMemberState = (typeof groupMemberStates)[number];

export const groupBuyCreate = z.object({
  /** What the console shows; the SKU when absent. */
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(200).optional(),
  sku: externalId,
  /** The 拼团 price of one unit, in minor units (an item-stage price in pricing). */
  price: minorUnits.refine((v) => v > 0, { error: 'must be more than 0' }),
  /** How many paid members (the leader included) make a group succeed. */
  groupSize: count(2, MAX_GROUP_SIZE),
  /** How long a group has to fill from when its leader opens it, in hours. */
  hours: count(1, 30 * 24).default(DEFAULT_GROUP_HOURS),
  /** The most groups of this group buy one customer may be in at once (forming or succeeded). */
  perCustomer: count(1, 1000).default(1),
  startsAt: isoTimestamp,
  endsAt: isoTimestamp,
}).superRefine((s, ctx) => {
  if (new Date(s.endsAt) <= new Date(s.startsAt)) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
});
export type GroupBuyCreate = z.infer<typeof groupBuyCreate>;

/** A group buy with its groups counted by state; `state` is its window's (groups may still be forming after it ends). */
export const groupBuy = z.object({
  id: groupBuyId,
  name: z.string(),
  sku: z.string(),
  price: z.number().int(),
  groupSize: z.number().int(),
  hours: z.number().int(),
  perCustomer: z.number().int(),
  startsAt: z.string(),
  endsAt: z.string(),
  state: z.enum(flashSaleStates),
  groups: z.object({ forming: z.number().int(), succeeded: z.number().int(), failed: z.number().int() }),
  createdAt: z.string(),
});
export type GroupBuy = z.infer<typeof groupBuy>;

export const groupBuyList = z.object({ groupBuys: z.array(groupBuy) });

/** Opening a group (the leader) or joining one: the customer and the order that pays for their unit. */
export const groupJoin = z.object({
  customerId: externalId,
  orderId: externalId,
  /** A retry with the same key gives the same answer; the order id when absent (an order is in one group). */
  idempotencyKey: z.string().min(1).max(200).optional(),
});
export type GroupJoin = z.infer<typeof groupJoin>;

export const groupMember = z.object({
  customerId: z.string(),
  orderId: z.string(),
  leader: z.boolean(),
  state: z.enum(groupMemberStates),
  /** Their order is paid (a refunded member had paid). */
  paid: z.boolean(),
  joinedAt: z.string(),
});
export type GroupMember = z.infer<typeof groupMember>;

/** A group as the storefront shows it: `missing` is the 还差N人 (0 once it is no longer forming). */
export const group = z.object({
  id: groupId,
  groupBuyId,
  sku: z.string(),
  price: z.number().int(),
  state: z.enum(groupStates),
  groupSize: z.number().int(),
  paidMembers: z.number().int(),
  missing: z.number().int(),
  expiresAt: z.string(),
  members: z.array(groupMember),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
});
export type Group = z.infer<typeof group>;

export const groupList = z.object({ groups: z.array(group) });
