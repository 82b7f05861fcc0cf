import { describe, expect, it } from 'vitest';
import { flashSaleState, givesBack, nextReservation, type ReservationFacts } from './states';

describe('a flash sale\'s state', () => {
  it('is scheduled before startsAt, live in [startsAt, endsAt), ended from endsAt', () => {
    expect(flashSaleState(10, 20, 9)).toBe('scheduled');
    expect(flashSaleState(10, 20, 10)).toBe('live');
    expect(flashSaleState(10, 20, 19)).toBe('live');
    expect(flashSaleState(10, 20, 20)).toBe('ended');
  });
});

describe('a reservation\'s transitions (hand-checked)', () => {
  const held: ReservationFacts = { state: 'held', orderId: null };
  const attached: ReservationFacts = { state: 'held', orderId: 'O1' };
  const confirmed: ReservationFacts = { state: 'confirmed', orderId: 'O1' };
  const expired: ReservationFacts = { state: 'expired', orderId: null };
  const cancelled: ReservationFacts = { state: 'cancelled', orderId: 'O1' };

  it('held: attached to an order stays held; paid is confirmed; its timer expires it; cancelled', () => {
    expect(nextReservation(held, { kind: 'attach', orderId: 'O1' })).toEqual(attached);
    expect(nextReservation(held, { kind: 'confirm', orderId: 'O1' })).toEqual(confirmed);
    expect(nextReservation(attached, { kind: 'confirm', orderId: 'O1' })).toEqual(confirmed);
    expect(nextReservation(attached, { kind: 'expire' })).toEqual({ state: 'expired', orderId: 'O1' });
    expect(nextReservation(held, { kind: 'cancel' })).toEqual({ state: 'cancelled', orderId: null });
  });

  it('another order is refused; a payment of the same order again and a late timer change nothing', () => {
    expect(nextReservation(attached, { kind: 'attach', orderId: 'O2' })).toHaveProperty('refusal');
    expect(nextReservation(confirmed, { kind: 'confirm', orderId: 'O2' })).toHaveProperty('refusal');
    expect(nextReservation(confirmed, { kind: 'confirm', orderId: 'O1' })).toEqual(confirmed);
    expect(nextReservation(confirmed, { kind: 'expire' })).toEqual(confirmed);
    expect(nextReservation(confirmed, { kind: 'cancel' })).toEqual(cancelled);
  });

  it('expired and cancelled are final: paying one is refused (its units may be someone else\'s)', () => {
    for (const done of [expired, cancelled]) {
      expect(nextReservation(done, { kind: 'confirm', orderId: 'O1' })).toHaveProperty('refusal');
      expect(nextReservation(done, { kind: 'attach', orderId: 'O1' })).toHaveProperty('refusal');
      expect(nextReservation(done, { kind: 'expire' })).toEqual(done);
      expect(nextReservation(done, { kind: 'cancel' })).toEqual(done);
    }
  });

  it('gives units back exactly when a holding reservation ends unpaid or cancelled', () => {
    expect(givesBack('held', 'expired')).toBe(true);
    expect(givesBack('held', 'cancelled')).toBe(true);
    expect(givesBack('confirmed', 'cancelled')).toBe(true);
    expect(givesBack('held', 'confirmed')).toBe(false);
    expect(givesBack('expired', 'expired')).toBe(false);
    expect(givesBack('cancelled', 'cancelled')).toBe(false);
  });
});
