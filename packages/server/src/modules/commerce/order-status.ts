import type { OrderStatus } from '@flywheel/contracts';

/**
 * The order life cycle:
 *
 *   placed -> paid -> shipped -> completed
 *      \        \
 *       +--------+--> cancelled   (a shipped order is refunded, not cancelled)
 *
 * Re-sending the current status is allowed (idempotent upsert); going back is refused.
 */
const rank: Record<OrderStatus, number> = { placed: 0, paid: 1, shipped: 2, completed: 3, cancelled: -1 };

export function transitionError(from: OrderStatus, to: OrderStatus): string | null {
  if (from === to) return null;
  if (from === 'cancelled') return `the order was cancelled; it cannot become ${to}`;
  if (to === 'cancelled') return rank[from] <= rank.paid ? null : `a ${from} order cannot be cancelled; record a refund instead`;
  if (rank[to] < rank[from]) return `an order cannot go back from ${from} to ${to}`;
  return null;
}

export function isPaidStatus(status: OrderStatus): boolean {
  return status === 'paid' || status === 'shipped' || status === 'completed';
}
