import type { CouponState, HoldState, PromotionState } from '@flywheel/contracts';

/**
 * The module's state machines as pure transitions (README.md has them as pictures). A refusal is a
 * sentence for the caller; nothing here does I/O.
 */

/** What the operator set: a draft, published (`active`), paused, or ended by hand. */
export type PromotionStatus = 'draft' | 'active' | 'paused' | 'ended';

/** The state a promotion is in at `now`: a published one is scheduled, live, then ended by its window. */
export function promotionState(status: PromotionStatus, startsAt: number, endsAt: number, now: number): PromotionState {
  if (status !== 'active') return status;
  if (now < startsAt) return 'scheduled';
  if (now >= endsAt) return 'ended';
  return 'live';
}

export type PromotionMove = 'draft' | 'live' | 'paused' | 'ended';

/** The operator's move (`PATCH {status}`) from a state: the status to store, or why not. */
export function movePromotion(state: PromotionState, move: PromotionMove): PromotionStatus | { refusal: string } {
  const stays: Record<PromotionState, PromotionStatus> = { draft: 'draft', scheduled: 'active', live: 'active', paused: 'paused', ended: 'ended' };
  if (state === 'ended') return move === 'ended' ? 'ended' : { refusal: 'an ended promotion stays ended; copy it into a new one' };
  switch (move) {
    case 'live': return 'active';
    case 'paused': return state === 'draft' ? { refusal: 'a draft is not running; publish it (status live) first' } : 'paused';
    case 'ended': return 'ended';
    case 'draft':
      if (state === 'draft' || state === 'scheduled') return 'draft';
      return { refusal: `a ${state} promotion has run; pause or end it instead of making it a draft` };
  }
  return stays[state];
}

export type HoldEvent = 'taken' | 'paid' | 'cancelled' | 'expired';
export type StoredHoldState = HoldState | 'pending';

/**
 * A checkout's hold: pending while its takes are made, held until the order is paid (confirmed) or
 * cancelled or expired (released); a confirmed hold whose order is cancelled is reversed. Anything
 * else leaves the state as it is (a late expiry of a paid order, an order paid twice).
 */
export function nextHold(state: StoredHoldState, event: HoldEvent): StoredHoldState {
  switch (state) {
    case 'pending': return event === 'taken' ? 'held' : event === 'paid' ? 'confirmed' : 'released';
    case 'held': return event === 'paid' ? 'confirmed' : event === 'cancelled' || event === 'expired' ? 'released' : 'held';
    case 'confirmed': return event === 'cancelled' ? 'reversed' : 'confirmed';
    default: return state;
  }
}

/** A coupon as a customer sees it: a held or available one past its end has expired. */
export function couponState(stored: 'available' | 'held' | 'redeemed', expiresAt: number, now: number): CouponState {
  if (stored === 'redeemed') return 'redeemed';
  if (stored === 'available' && expiresAt <= now) return 'expired';
  return stored;
}
