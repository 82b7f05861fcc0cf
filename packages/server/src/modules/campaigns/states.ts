import type { FlashSaleState, ReservationState } from '@flywheel/contracts';

/**
 * The flash sale's state machines as pure transitions (README.md has them as pictures). A refusal is
 * a sentence for the caller; nothing here does I/O.
 */

/** A flash sale is scheduled, live, then ended by its window. */
export function flashSaleState(startsAt: number, endsAt: number, now: number): FlashSaleState {
  if (now < startsAt) return 'scheduled';
  if (now >= endsAt) return 'ended';
  return 'live';
}

export type ReservationEvent = { kind: 'confirm'; orderId: string } | { kind: 'attach'; orderId: string } | { kind: 'expire' } | { kind: 'cancel' };

export interface ReservationFacts { state: ReservationState; orderId: string | null }

/**
 * A reservation: held (its units taken) until paid (confirmed), cancelled with its order, or expired
 * when its hold minutes pass; expired and cancelled give the units back. Checkout attaches it to an
 * order (it stays held, and still expires); a confirmed one whose order is cancelled is cancelled. A
 * late timer of a confirmed or cancelled one, or a payment of the same order again, changes nothing.
 */
export function nextReservation(r: ReservationFacts, event: ReservationEvent): ReservationFacts | { refusal: string } {
  const otherOrder = (orderId: string) => r.orderId !== null && r.orderId !== orderId;
  switch (event.kind) {
    case 'attach':
    case 'confirm': {
      if (r.state === 'expired') return { refusal: 'the reservation has expired and its units went back to stock; reserve again' };
      if (r.state === 'cancelled') return { refusal: 'the reservation was cancelled and its units went back to stock; reserve again' };
      if (otherOrder(event.orderId)) return { refusal: `the reservation belongs to order ${r.orderId}; reserve again for another order` };
      if (event.kind === 'attach') return { state: r.state, orderId: event.orderId };
      return { state: 'confirmed', orderId: event.orderId };
    }
    case 'expire':
      return r.state === 'held' ? { state: 'expired', orderId: r.orderId } : r;
    case 'cancel':
      return r.state === 'held' || r.state === 'confirmed' ? { state: 'cancelled', orderId: r.orderId } : r;
  }
}

/** Whether a transition gives the reservation's units back to the sale's stock. */
export const givesBack = (from: ReservationState, to: ReservationState) => (from === 'held' || from === 'confirmed') && (to === 'expired' || to === 'cancelled');
