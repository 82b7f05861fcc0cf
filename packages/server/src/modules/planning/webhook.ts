/**
 * Delivers one alert to the shop's webhook: HTTP POST of JSON with an `Idempotency-Key` header (the
 * alert episode id), so a receiver that sees a retry of something it already handled can skip it.
 * Network errors, timeouts, 408, 429 and 5xx are retried with backoff; other 4xx are the receiver
 * refusing the call and are not. What still fails is retried by later evaluations with the same key.
 * Private and loopback receivers are refused unless `allowPrivate` (platform/outbound.ts).
 */
import { postJson, RefusedAddressError } from '../../platform/outbound';

export interface DeliveryOptions {
  /** Waits before each retry, in ms; its length + 1 is the number of attempts. */
  backoffMs?: readonly number[];
  timeoutMs?: number;
  /** Deliver to loopback and private addresses too (FLYWHEEL_ALLOW_PRIVATE_WEBHOOKS). */
  allowPrivate?: boolean;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  status: number | null;
  error: string | null;
}

export const DEFAULT_BACKOFF_MS = [500, 2000] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

export async function deliverWebhook(url: string, body: unknown, idempotencyKey: string, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const payload = JSON.stringify(body);
  let last: DeliveryResult = { ok: false, attempts: 0, status: null, error: null };
  for (let attempt = 0; attempt <= backoff.length; attempt++) {
    if (attempt > 0) await sleep(backoff[attempt - 1]);
    try {
      const res = await postJson(url, payload, { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, 'user-agent': 'flywheel-alerts/1' },
        { timeoutMs: options.timeoutMs ?? 10_000, allowPrivate: options.allowPrivate ?? false });
      if (res.status >= 200 && res.status < 300) return { ok: true, attempts: attempt + 1, status: res.status, error: null };
      last = { ok: false, attempts: attempt + 1, status: res.status, error: `HTTP ${res.status}` };
      if (!retryable(res.status)) return last;
    } catch (error) {
      last = { ok: false, attempts: attempt + 1, status: null, error: (error as Error).message };
      if (error instanceof RefusedAddressError) return last;
    }
  }
  return last;
}
