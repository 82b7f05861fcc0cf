import type { GroupMemberState, GroupState } from '@flywheel/contracts';

/**
 * A 拼团 group and its members as pure transitions (README.md has the picture). A group has
 * `groupSize` places; a member joining takes one and counts once their order is paid; the group
 * succeeds at exactly `groupSize` paid members and fails when its hours pass first. Nothing here
 * does I/O: the service locks the group, asks, and stores what comes back.
 */

export interface GroupFacts {
  state: GroupState;
  groupSize: number;
  /** Members holding a place (joined or paid, not left). */
  seats: number;
  /** Members whose order is paid (refunded ones included: they had paid). */
  paid: number;
  expiresAt: number;
}

export type GroupEvent =
  /** A customer takes a place (the leader opening it, or a member). */
  | { kind: 'join'; at: number }
  /** The member's order is paid. */
  | { kind: 'pay'; at: number }
  /** The member's order is cancelled. */
  | { kind: 'cancel' }
  /** The group's deadline timer. */
  | { kind: 'expire'; at: number }
  /** The member's payment came back (the group failed). */
  | { kind: 'refunded' };

export interface GroupMove { group: GroupFacts; member: GroupMemberState | null }
export interface GroupRefusal { refusal: string; code: 'group_full' | 'group_closed' }

const closed = (g: GroupFacts, at: number) => g.state === 'failed' || (g.state === 'forming' && at >= g.expiresAt);

/**
 * What `event` does to the group and to the member it is about (`member` null for a join, and for the
 * group's own timer). A join is refused when the group is full (succeeded, or every place held) or
 * closed (failed, or its hours have passed); every other event is taken, changing nothing when it
 * does not apply (a late timer, a payment again, a cancel after the group closed).
 */
export function nextGroup(g: GroupFacts, member: GroupMemberState | null, event: GroupEvent): GroupMove | GroupRefusal {
  const same = { group: g, member };
  switch (event.kind) {
    case 'join':
      if (member !== null && member !== 'left') return same;
      if (closed(g, event.at)) return { code: 'group_closed', refusal: g.state === 'failed' ? 'the group failed: its hours passed before it filled' : 'the group\'s hours have passed' };
      if (g.state === 'succeeded' || g.seats >= g.groupSize) return { code: 'group_full', refusal: g.state === 'succeeded' ? `the group has its ${g.groupSize} paid members` : `all ${g.groupSize} places are taken; one frees up when a member's order is cancelled` };
      return { group: { ...g, seats: g.seats + 1 }, member: 'joined' };
    case 'pay': {
      if (member !== 'joined') return same;
      // A payment after the deadline finds the group failed, even before its timer ran.
      const group = g.state === 'forming' && event.at >= g.expiresAt ? { ...g, state: 'failed' as const } : g;
      if (group.state !== 'forming') return { group: { ...group, paid: group.paid + 1 }, member: 'paid' };
      const paid = group.paid + 1;
      return { group: { ...group, paid, state: paid >= group.groupSize ? 'succeeded' : 'forming' }, member: 'paid' };
    }
    case 'cancel':
      if (g.state !== 'forming' || (member !== 'joined' && member !== 'paid')) return same;
      return { group: { ...g, seats: g.seats - 1, paid: g.paid - (member === 'paid' ? 1 : 0) }, member: 'left' };
    case 'expire':
      return g.state === 'forming' && event.at >= g.expiresAt ? { group: { ...g, state: 'failed' }, member } : same;
    case 'refunded':
      return g.state === 'failed' && member === 'paid' ? { group: g, member: 'refunded' } : same;
  }
}

/** What the storefront shows as 还差N人: the paid members still missing while the group forms. */
export const missingMembers = (g: Pick<GroupFacts, 'state' | 'groupSize' | 'paid'>) => (g.state === 'forming' ? Math.max(0, g.groupSize - g.paid) : 0);

/** An order of a group still forming (it may yet fail and be refunded) or failed is not to be shipped. */
export const holdsShipping = (state: GroupState, member: GroupMemberState) => member !== 'left' && state !== 'succeeded';
