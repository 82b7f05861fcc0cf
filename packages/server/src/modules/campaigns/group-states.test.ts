import { describe, expect, it } from 'vitest';
import { holdsShipping, missingMembers, nextGroup, type GroupFacts } from './group-states';

describe('a 拼团 group\'s transitions (hand-checked)', () => {
  const forming: GroupFacts = { state: 'forming', groupSize: 3, seats: 1, paid: 0, expiresAt: 100 };

  it('a join takes a place while the group forms and has one; full and closed groups refuse', () => {
    expect(nextGroup(forming, null, { kind: 'join', at: 10 })).toEqual({ group: { ...forming, seats: 2 }, member: 'joined' });
    expect(nextGroup({ ...forming, seats: 3 }, null, { kind: 'join', at: 10 })).toMatchObject({ code: 'group_full' });
    expect(nextGroup({ ...forming, state: 'succeeded', seats: 3, paid: 3 }, null, { kind: 'join', at: 10 })).toMatchObject({ code: 'group_full' });
    expect(nextGroup({ ...forming, state: 'failed' }, null, { kind: 'join', at: 10 })).toMatchObject({ code: 'group_closed' });
    // Its hours have passed though its timer has not run yet.
    expect(nextGroup(forming, null, { kind: 'join', at: 100 })).toMatchObject({ code: 'group_closed' });
  });

  it('a payment counts a joined member; the groupSize-th payment succeeds the group; a payment again changes nothing', () => {
    const two = { ...forming, seats: 3, paid: 1 };
    expect(nextGroup(two, 'joined', { kind: 'pay', at: 50 })).toEqual({ group: { ...two, paid: 2 }, member: 'paid' });
    const last = { ...forming, seats: 3, paid: 2 };
    expect(nextGroup(last, 'joined', { kind: 'pay', at: 99 })).toEqual({ group: { ...last, paid: 3, state: 'succeeded' }, member: 'paid' });
    expect(nextGroup(last, 'paid', { kind: 'pay', at: 50 })).toEqual({ group: last, member: 'paid' });
    expect(nextGroup(last, 'left', { kind: 'pay', at: 50 })).toEqual({ group: last, member: 'left' });
  });

  it('a payment at or after the deadline finds the group failed (to be refunded), even before its timer', () => {
    const g = { ...forming, seats: 3, paid: 2 };
    expect(nextGroup(g, 'joined', { kind: 'pay', at: 100 })).toEqual({ group: { ...g, state: 'failed', paid: 3 }, member: 'paid' });
    const failed = { ...g, state: 'failed' as const };
    expect(nextGroup(failed, 'joined', { kind: 'pay', at: 50 })).toEqual({ group: { ...failed, paid: 3 }, member: 'paid' });
  });

  it('a cancel frees the place while forming (and the payment it counted); after the group closed it changes nothing', () => {
    const g = { ...forming, seats: 2, paid: 1 };
    expect(nextGroup(g, 'paid', { kind: 'cancel' })).toEqual({ group: { ...g, seats: 1, paid: 0 }, member: 'left' });
    expect(nextGroup(g, 'joined', { kind: 'cancel' })).toEqual({ group: { ...g, seats: 1 }, member: 'left' });
    const done = { ...g, state: 'succeeded' as const };
    expect(nextGroup(done, 'paid', { kind: 'cancel' })).toEqual({ group: done, member: 'paid' });
    expect(nextGroup({ ...g, state: 'failed' }, 'paid', { kind: 'cancel' })).toEqual({ group: { ...g, state: 'failed' }, member: 'paid' });
  });

  it('the timer fails a forming group at its deadline, never a succeeded one, and only once it is due', () => {
    expect(nextGroup(forming, null, { kind: 'expire', at: 100 })).toEqual({ group: { ...forming, state: 'failed' }, member: null });
    expect(nextGroup(forming, null, { kind: 'expire', at: 99 })).toEqual({ group: forming, member: null });
    const done = { ...forming, state: 'succeeded' as const, seats: 3, paid: 3 };
    expect(nextGroup(done, null, { kind: 'expire', at: 200 })).toEqual({ group: done, member: null });
    const failed = { ...forming, state: 'failed' as const };
    expect(nextGroup(failed, null, { kind: 'expire', at: 200 })).toEqual({ group: failed, member: null });
  });

  it('a refund turns a paid member of a failed group refunded, once', () => {
    const failed = { ...forming, state: 'failed' as const, paid: 1 };
    expect(nextGroup(failed, 'paid', { kind: 'refunded' })).toEqual({ group: failed, member: 'refunded' });
    expect(nextGroup(failed, 'refunded', { kind: 'refunded' })).toEqual({ group: failed, member: 'refunded' });
    expect(nextGroup({ ...failed, state: 'succeeded' }, 'paid', { kind: 'refunded' })).toEqual({ group: { ...failed, state: 'succeeded' }, member: 'paid' });
  });

  it('还差N人 counts paid members missing while forming; shipping waits for success', () => {
    expect(missingMembers({ state: 'forming', groupSize: 5, paid: 2 })).toBe(3);
    expect(missingMembers({ state: 'succeeded', groupSize: 5, paid: 5 })).toBe(0);
    expect(missingMembers({ state: 'failed', groupSize: 5, paid: 2 })).toBe(0);
    expect(holdsShipping('forming', 'paid')).toBe(true);
    expect(holdsShipping('failed', 'refunded')).toBe(true);
    expect(holdsShipping('succeeded', 'paid')).toBe(false);
    expect(holdsShipping('forming', 'left')).toBe(false);
  });
});
