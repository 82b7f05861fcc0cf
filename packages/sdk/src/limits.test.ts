import * as contracts from '@flywheel/contracts';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_EVENT_NAME_LENGTH } from './limits';

// The SDK writes these numbers down instead of importing them (see limits.ts): hold them to the contracts.
describe('limits', () => {
  it('are the batch limits of the contracts', () => {
    expect(MAX_BATCH_EVENTS).toBe(contracts.MAX_BATCH_EVENTS);
    expect(MAX_BATCH_BYTES).toBe(contracts.MAX_BATCH_BYTES);
  });

  it('take the longest event name the contracts take, and no longer', () => {
    expect(contracts.trackCall.safeParse({ event: 'x'.repeat(MAX_EVENT_NAME_LENGTH) }).success).toBe(true);
    expect(contracts.trackCall.safeParse({ event: 'x'.repeat(MAX_EVENT_NAME_LENGTH + 1) }).success).toBe(false);
  });
});
