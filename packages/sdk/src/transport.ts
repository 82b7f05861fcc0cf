/**
 * Sending the queue to `POST {endpoint}/v1/batch` with Segment-style Basic auth: batches within the
 * server's limits, one after another, each retried on network errors, 408, 429 and 5xx; and, when
 * the page is going away, sendBeacon. A call leaves the queue only once it was delivered, handed to
 * a beacon or refused for good (a 4xx, or too big for any request); anything else stays persisted
 * for a later flush or page. The server de-duplicates by messageId, so a batch sent twice (a retry
 * after a lost answer) counts once.
 */
import { attempt, warn, type NavigatorLike } from './browser';
import { takeBatch, utf8Length } from './batch';
import { BEACON_MAX_BYTES, MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from './limits';
import type { TrackerMessage } from './message';
import type { PersistentQueue } from './queue';
import { backoffMs, isRetryableStatus, retryAfterMs, type RetryPolicy } from './retry';

export interface TransportOptions {
  /** Base URL of the Flywheel server, without a trailing slash. */
  endpoint: string;
  writeKey: string;
  /** Absent (an old browser, a bare Node): everything stays queued. */
  fetch: typeof fetch | undefined;
  nav: NavigatorLike | undefined;
  now: () => Date;
  retry: RetryPolicy;
}

export interface Transport {
  /** Sends everything queued so far; resolves when it was delivered, dropped or left for later. */
  flush(): Promise<void>;
  /** Hands the queue to navigator.sendBeacon; false when the browser has none. */
  beacon(): boolean;
}

type DeliveryOutcome = 'sent' | 'dropped' | 'later';

/** base64 of the UTF-8 bytes (btoa alone only takes Latin-1). */
function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  const parsed = attempt((): unknown => JSON.parse(text), undefined);
  if (parsed && typeof parsed === 'object' && 'error' in parsed) {
    const error = (parsed as { error: unknown }).error;
    if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  }
  return text.slice(0, 200) || response.statusText;
}

export function createTransport(queue: PersistentQueue<TrackerMessage>, options: TransportOptions): Transport {
  const { writeKey, fetch: fetchFn, nav, now, retry } = options;
  const batchUrl = `${options.endpoint}/v1/batch`;
  const authorization = `Basic ${base64(`${writeKey}:`)}`;

  /** Batches chained one after another; `scheduled` is one that has not started yet. */
  let running: Promise<void> = Promise.resolve();
  let scheduled: Promise<void> | undefined;

  function flush(): Promise<void> {
    // A drain that has not started yet will see every call queued so far: share it.
    if (scheduled) return scheduled;
    const next = running.then(async () => {
      scheduled = undefined;
      await drain().catch((error: unknown) => warn(`flush failed: ${String(error)}`));
    });
    scheduled = next;
    running = next;
    return next;
  }

  async function drain(): Promise<void> {
    const envelope = utf8Length(JSON.stringify({ batch: [], sentAt: now().toISOString() }));
    while (queue.length > 0) {
      const { batch, oversized } = takeBatch(queue.items(), MAX_BATCH_EVENTS, MAX_BATCH_BYTES, envelope);
      if (oversized) {
        warn(`dropped a ${oversized.type} call larger than ${MAX_BATCH_BYTES} bytes`);
        queue.remove([oversized]);
        continue;
      }
      const outcome = await deliver(batch);
      if (outcome === 'later') return; // stays persisted; the next flush or page load tries again
      queue.remove(batch);
    }
  }

  /** Sends one batch, retrying transient failures with exponential backoff and jitter. */
  async function deliver(initial: TrackerMessage[]): Promise<DeliveryOutcome> {
    if (!fetchFn) return 'later';
    let batch = initial;
    for (let attemptNo = 0; ; attemptNo++) {
      let waitAtLeast = 0;
      try {
        const body = JSON.stringify({ batch, sentAt: now().toISOString() });
        const response = await fetchFn(batchUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body,
          // keepalive lets a request outlive the page, but browsers cap it at 64 KB.
          keepalive: utf8Length(body) < BEACON_MAX_BYTES,
        });
        if (response.ok) {
          await response.body?.cancel().catch(() => undefined);
          return 'sent';
        }
        if (!isRetryableStatus(response.status)) {
          warn(`dropped ${batch.length} events: ${response.status} ${await errorMessage(response)}`);
          return 'dropped';
        }
        waitAtLeast = retryAfterMs(response.headers.get('retry-after'), now());
        await response.body?.cancel().catch(() => undefined);
      } catch {
        // Network error (offline, DNS, CORS): retry like a 5xx.
      }
      if (attemptNo >= retry.maxRetries) return 'later';
      await sleep(Math.max(backoffMs(attemptNo, retry), waitAtLeast));
      // A beacon may have sent some of them meanwhile; never re-send what left the queue.
      const queued = new Set(queue.items().map((m) => m.messageId));
      batch = batch.filter((m) => queued.has(m.messageId));
      if (batch.length === 0) return 'sent';
    }
  }

  /**
   * sendBeacon survives unload but cannot set headers, so the key travels in the body. A string
   * body goes out as text/plain, which needs no CORS preflight.
   */
  function beacon(): boolean {
    const sendBeacon = attempt(() => nav?.sendBeacon?.bind(nav), undefined);
    if (!sendBeacon) return false;
    const envelope = utf8Length(JSON.stringify({ batch: [], sentAt: now().toISOString(), writeKey }));
    let pending = queue.items().slice();
    while (pending.length > 0) {
      const { batch, oversized } = takeBatch(pending, MAX_BATCH_EVENTS, BEACON_MAX_BYTES, envelope);
      if (oversized) {
        pending = pending.slice(1); // too big for a beacon: left queued for fetch on the next page
        continue;
      }
      const body = JSON.stringify({ batch, sentAt: now().toISOString(), writeKey });
      if (!attempt(() => sendBeacon(batchUrl, body), false)) break; // browser quota: keep the rest
      queue.remove(batch);
      pending = pending.slice(batch.length);
    }
    return true;
  }

  return { flush, beacon };
}
