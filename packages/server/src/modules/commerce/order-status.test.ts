import { describe, expect, it } from 'vitest';
import { transitionError } from './order-status';

describe('order life cycle', () => {
  it('moves forward and allows re-sending the same status', () => {
    expect(transitionError('placed', 'paid')).toBeNull();
    expect(transitionError('paid', 'completed')).toBeNull();
    expect(transitionError('paid', 'paid')).toBeNull();
    expect(transitionError('placed', 'cancelled')).toBeNull();
    expect(transitionError('paid', 'cancelled')).toBeNull();
  });
  it('refuses paying a cancelled order, going back, and cancelling a shipped order', () => {
    expect(transitionError('cancelled', 'paid')).toMatch(/cancelled/);
    expect(transitionError('completed', 'paid')).toMatch(/go back/);
    expect(transitionError('shipped', 'cancelled')).toMatch(/refund/);
  });
});
