/**
 * When to send a failed batch again: which answers are worth a retry, and how long to wait first
 * (exponential backoff with jitter, or longer when the server says so with Retry-After).
 */

export interface RetryPolicy {
  /** Retries of one batch before it is left in the persisted queue for a later flush. */
  maxRetries: number;
  /** First retry delay; doubles with each attempt. */
  retryBaseMs: number;
  /** Cap of the exponential backoff (a server's Retry-After is honoured even when longer). */
  maxRetryDelayMs: number;
  /** Source of jitter in [0, 1). */
  random: () => number;
}

/** Timeouts, rate limits and server errors pass; any other 4xx would be refused again. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** "Equal jitter": half the exponential delay plus a random half, so clients do not retry in lockstep. */
export function backoffMs(attemptNo: number, policy: RetryPolicy): number {
  const delay = Math.min(policy.maxRetryDelayMs, policy.retryBaseMs * 2 ** attemptNo);
  return delay / 2 + policy.random() * (delay / 2);
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date). */
export function retryAfterMs(header: string | null, now: Date): number {
  if (!header) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - now.getTime()) : 0;
}
