import { describe, expect, it } from 'vitest';
import { backoffMs, isRetryableStatus, retryAfterMs, type RetryPolicy } from './retry';

const policy = (random: number): RetryPolicy => ({ maxRetries: 8, retryBaseMs: 1000, maxRetryDelayMs: 60_000, random: () => random });

describe('retry', () => {
  it('retries timeouts, rate limits and server errors, not other refusals', () => {
    expect([408, 429, 500, 502, 503].map(isRetryableStatus)).toEqual([true, true, true, true, true]);
    expect([400, 401, 403, 404, 413, 422].map(isRetryableStatus)).toEqual([false, false, false, false, false, false]);
  });

  it('waits between half and all of a doubling delay, capped', () => {
    expect([0, 1, 2, 3].map((n) => backoffMs(n, policy(0)))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((n) => backoffMs(n, policy(1)))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(20, policy(0))).toBe(30_000);
    expect(backoffMs(20, policy(1))).toBe(60_000);
  });

  it('reads Retry-After as seconds or as an HTTP date, never negative', () => {
    const now = new Date('2026-11-11T00:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Wed, 11 Nov 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Tue, 10 Nov 2026 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBe(0);
  });
});
