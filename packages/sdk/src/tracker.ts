/**
 * Flywheel browser tracker for storefronts.
 *
 * Calls are queued, persisted to localStorage (a reload or a crash loses nothing) and sent in
 * batches to `POST {endpoint}/v1/batch` with Segment-style Basic auth. Every call carries a
 * messageId that never changes across retries, so the server can de-duplicate re-sent batches.
 *
 * This file composes the parts: identity.ts (who), context.ts (where), queue.ts (what waits),
 * transport.ts (sending, with retry.ts and batch.ts) and lifecycle.ts (browser events).
 *
 * Only *types* are imported from '@flywheel/contracts': a value import would pull zod into every
 * storefront bundle (see limits.ts).
 */
import type { EcommerceEvent } from '@flywheel/contracts';
import { attempt, warn, type CookieJar, type StorageLike, type WindowLike } from './browser';
import { loadPageContext } from './context';
import { loadIdentity, randomId } from './identity';
import { onExit, onNavigation } from './lifecycle';
import { MAX_EVENT_NAME_LENGTH } from './limits';
import type { Properties, TrackerMessage } from './message';
import { loadQueue } from './queue';
import { documentCookieJar, safeStorage } from './storage';
import { createTransport } from './transport';

export type { CookieJar, DocumentLike, HistoryLike, LocationLike, NavigatorLike, StorageLike, WindowLike } from './browser';
export { takeBatch, utf8Length } from './batch';
export { campaignFromSearch, LIBRARY, type Campaign } from './context';
export { randomId } from './identity';
export { MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from './limits';
export type { Properties, TrackerMessage } from './message';
export { retryAfterMs } from './retry';
export { documentCookieJar } from './storage';

export interface TrackerOptions {
  /** Publishable key (`pk_...`): it may only send tracking calls, so it is safe in a page. */
  writeKey: string;
  /** Base URL of the Flywheel server, e.g. https://flywheel.example.com */
  endpoint: string;
  /** Send as soon as this many calls are queued. */
  flushAt?: number;
  /** Otherwise send this long after the first queued call. */
  flushIntervalMs?: number;
  /** Retries of one batch before it is left in the persisted queue for a later flush. */
  maxRetries?: number;
  /** Send a page call now and on every SPA navigation (history.pushState / popstate). */
  autoPage?: boolean;
  /** Persistent storage (defaults to window.localStorage). */
  storage?: StorageLike;
  /** Per-tab storage for the landing campaign (defaults to window.sessionStorage). */
  sessionStorage?: StorageLike;
  /** Cookie access (defaults to document.cookie). */
  cookies?: CookieJar;
  /** Domain attribute of the fw_aid cookie, e.g. `.shop.example` to share it across sub-domains. */
  cookieDomain?: string;
  /** The browser window (defaults to globalThis.window; absent in Node). */
  window?: WindowLike;
  fetch?: typeof fetch;
  now?: () => Date;
  /** First retry delay; doubles with each attempt (jittered). */
  retryBaseMs?: number;
  /** Cap of the exponential backoff (a server's Retry-After is honoured even when longer). */
  maxRetryDelayMs?: number;
  /** Source of jitter, injectable for deterministic tests. */
  random?: () => number;
}

export interface Tracker {
  /** Segment's e-commerce event names autocomplete; any other name is fine too. */
  track(event: EcommerceEvent | (string & Record<never, never>), properties?: Properties): void;
  page(name?: string, properties?: Properties): void;
  identify(userId: string, traits?: Properties): void;
  alias(userId: string, previousId?: string): void;
  /** Sends everything queued so far; resolves when it was delivered, dropped or left for later. */
  flush(): Promise<void>;
  /** Forgets the user (logout): new anonymous id, no user id. Queued calls are still sent. */
  reset(): void;
  anonymousId(): string;
}

export function createTracker(options: TrackerOptions): Tracker {
  const {
    writeKey,
    flushAt = 20,
    flushIntervalMs = 2000,
    maxRetries = 8,
    autoPage = true,
    now = () => new Date(),
    retryBaseMs = 1000,
    maxRetryDelayMs = 60_000,
    random = Math.random,
  } = options;
  const endpoint = options.endpoint.replace(/\/+$/, '');

  const win: WindowLike | undefined = options.window ?? attempt(() => (globalThis as { window?: WindowLike }).window, undefined);
  const doc = attempt(() => win?.document, undefined);
  const nav = attempt(() => win?.navigator, undefined);
  const storage = safeStorage(options.storage ?? attempt(() => win?.localStorage, undefined));
  const session = safeStorage(options.sessionStorage ?? attempt(() => win?.sessionStorage, undefined));
  const secure = attempt(() => win?.location?.protocol === 'https:', false);
  const cookies = options.cookies ?? documentCookieJar(doc, options.cookieDomain, secure);
  const fetchFn = options.fetch ?? (typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : undefined);

  const identity = loadIdentity(storage, cookies);
  const pageContext = loadPageContext({ win, doc, nav, session });
  const queue = loadQueue<TrackerMessage>(storage);
  const transport = createTransport(queue, { endpoint, writeKey, fetch: fetchFn, nav, now, retry: { maxRetries, retryBaseMs, maxRetryDelayMs, random } });

  // --- queueing and when to send ----------------------------------------------------------------

  let timer: ReturnType<typeof setTimeout> | undefined;

  function base(): Pick<TrackerMessage, 'messageId' | 'timestamp' | 'anonymousId' | 'userId' | 'context'> {
    const userId = identity.userId();
    return { messageId: randomId(), timestamp: now().toISOString(), anonymousId: identity.anonymousId(), ...(userId ? { userId } : {}), context: pageContext.context() };
  }

  function enqueue(message: TrackerMessage): void {
    // A value JSON cannot carry (a cycle, a BigInt) would break every later batch: refuse it now.
    if (!attempt(() => (JSON.stringify(message), true), false)) {
      warn(`ignored a ${message.type} call whose properties cannot be serialised to JSON`);
      return;
    }
    if (queue.push(message) > 0) warn(`queue full: dropped the oldest events (is ${endpoint} reachable?)`);
    if (queue.length >= flushAt) void flush();
    else scheduleFlush();
  }

  function scheduleFlush(): void {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, flushIntervalMs);
  }

  function flush(): Promise<void> {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    return transport.flush();
  }

  /** The page is going away (or may be discarded while hidden): beacon what is queued. */
  function flushOnExit(): void {
    if (!transport.beacon()) void flush(); // small requests use fetch keepalive; the rest stays persisted for the next page
    queue.persistNow(); // now, not in a microtask: the page may be gone after this handler
  }

  // --- the public object ------------------------------------------------------------------------

  const tracker: Tracker = {
    track(event, properties = {}) {
      if (typeof event !== 'string' || event.length === 0 || event.length > MAX_EVENT_NAME_LENGTH) {
        // The server would answer 400 and the whole batch would be lost with it.
        warn(`ignored track(): the event name must be 1-${MAX_EVENT_NAME_LENGTH} characters`);
        return;
      }
      enqueue({ ...base(), type: 'track', event, properties });
    },
    page(name, properties = {}) {
      const info = pageContext.page();
      enqueue({ ...base(), type: 'page', ...(name ? { name } : {}), properties: { ...info, ...properties } });
    },
    identify(id, traits = {}) {
      if (id) identity.identify(String(id));
      enqueue({ ...base(), type: 'identify', traits });
    },
    alias(id, previousId) {
      enqueue({ ...base(), type: 'alias', userId: String(id), previousId: previousId ?? identity.userId() ?? identity.anonymousId() });
    },
    flush,
    reset: () => identity.reset(),
    anonymousId: () => identity.anonymousId(),
  };

  onExit(win, doc, flushOnExit);
  if (queue.length > 0) scheduleFlush(); // left over from the previous page
  if (autoPage) {
    onNavigation(win, () => {
      if (pageContext.navigated()) tracker.page();
    });
    tracker.page();
  }
  return tracker;
}
