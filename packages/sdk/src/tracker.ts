/**
 * Flywheel browser tracker for storefronts.
 *
 * Calls are queued, persisted to localStorage (a reload or a crash loses nothing) and sent in
 * batches to `POST {endpoint}/v1/batch` with Segment-style Basic auth. Every call carries a
 * messageId that never changes across retries, so the server can de-duplicate re-sent batches.
 *
 * Only *types* are imported from '@flywheel/contracts': a value import would pull zod into every
 * storefront bundle.
 */
import type { AliasCall, EcommerceEvent, IdentifyCall, PageCall, TrackCall } from '@flywheel/contracts';

export const LIBRARY = { name: 'flywheel-sdk', version: '0.1.0' } as const;

/** Mirrors MAX_BATCH_EVENTS / MAX_BATCH_BYTES in the contracts (kept local, see above). */
export const MAX_BATCH_EVENTS = 500;
export const MAX_BATCH_BYTES = 500 * 1024;
/** Browsers refuse beacons / keepalive requests above ~64 KB in flight; stay below it. */
const BEACON_MAX_BYTES = 60 * 1024;
/** Upper bound of the persisted queue: localStorage holds ~5 MB and a dead endpoint must not fill it. */
const MAX_QUEUE_LENGTH = 5000;
const MAX_EVENT_NAME_LENGTH = 200;

const ANONYMOUS_ID_KEY = 'fw_aid';
const USER_ID_KEY = 'fw_uid';
const QUEUE_KEY = 'fw_queue';
const CAMPAIGN_KEY = 'fw_campaign';
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

// ---------------------------------------------------------------------------------------------
// Browser surface: the few members the tracker touches, so tests (and Node) can pass fakes.
// ---------------------------------------------------------------------------------------------

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, maxAgeSeconds: number): void;
  remove(name: string): void;
}

export interface LocationLike {
  href: string;
  pathname: string;
  search: string;
  protocol?: string;
}

type Listener = () => void;

export interface DocumentLike {
  referrer?: string;
  title?: string;
  cookie?: string;
  visibilityState?: string;
  addEventListener?(type: string, listener: Listener): void;
}

export interface NavigatorLike {
  userAgent?: string;
  language?: string;
  sendBeacon?(url: string, data?: string): boolean;
}

export interface HistoryLike {
  pushState(data: unknown, unused: string, url?: string | URL | null): void;
}

export interface WindowLike {
  location?: LocationLike;
  document?: DocumentLike;
  navigator?: NavigatorLike;
  history?: HistoryLike;
  localStorage?: StorageLike;
  sessionStorage?: StorageLike;
  addEventListener?(type: string, listener: Listener): void;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

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

export type Properties = Record<string, unknown>;

export type TrackerMessage =
  | (TrackCall & { type: 'track' })
  | (PageCall & { type: 'page' })
  | (IdentifyCall & { type: 'identify' })
  | (AliasCall & { type: 'alias' });

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

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** Browser APIs throw in odd places (storage in private mode, cookies disabled): never let them break the page. */
function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function warn(message: string): void {
  attempt(() => globalThis.console?.warn(`[flywheel] ${message}`), undefined);
}

function memoryStorage(): StorageLike {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

/** Wraps a storage so quota errors and SecurityErrors turn into no-ops. */
function safeStorage(storage: StorageLike | undefined): StorageLike {
  const target = storage ?? memoryStorage();
  return {
    getItem: (key) => attempt(() => target.getItem(key), null),
    setItem: (key, value) => attempt(() => target.setItem(key, value), undefined),
    removeItem: (key) => attempt(() => target.removeItem(key), undefined),
  };
}

/** Cookie jar on top of `document.cookie`. */
export function documentCookieJar(doc: DocumentLike | undefined, domain?: string, secure = false): CookieJar {
  const write = (name: string, value: string, maxAgeSeconds: number): void => {
    if (!doc) return;
    const parts = [`${name}=${encodeURIComponent(value)}`, `Max-Age=${maxAgeSeconds}`, 'Path=/', 'SameSite=Lax'];
    if (domain) parts.push(`Domain=${domain}`);
    if (secure) parts.push('Secure');
    attempt(() => {
      doc.cookie = parts.join('; ');
    }, undefined);
  };
  return {
    get(name) {
      const all = attempt(() => doc?.cookie ?? '', '');
      for (const pair of all.split(/;\s*/)) {
        const eq = pair.indexOf('=');
        if (eq > 0 && pair.slice(0, eq) === name) return attempt(() => decodeURIComponent(pair.slice(eq + 1)), undefined);
      }
      return undefined;
    },
    set: write,
    remove: (name) => write(name, '', 0),
  };
}

/** RFC 4122 v4 id: crypto.randomUUID where available (secure contexts), else crypto or Math.random bytes. */
export function randomId(): string {
  const cryptoApi = attempt(() => globalThis.crypto, undefined);
  if (typeof cryptoApi?.randomUUID === 'function') return cryptoApi.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof cryptoApi?.getRandomValues === 'function') cryptoApi.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** UTF-8 length of a string without needing TextEncoder. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00) {
      bytes += 4; // surrogate pair: one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** base64 of the UTF-8 bytes (btoa alone only takes Latin-1). */
function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const UTM_FIELDS = { utm_source: 'source', utm_medium: 'medium', utm_campaign: 'name', utm_term: 'term', utm_content: 'content' } as const;
export type Campaign = Partial<Record<(typeof UTM_FIELDS)[keyof typeof UTM_FIELDS], string>>;

/** Reads utm_* parameters from a query string; undefined when there are none. */
export function campaignFromSearch(search: string): Campaign | undefined {
  const params = attempt(() => new URLSearchParams(search), undefined);
  if (!params) return undefined;
  const campaign: Campaign = {};
  let found = false;
  for (const [param, field] of Object.entries(UTM_FIELDS)) {
    const value = params.get(param);
    if (value) {
      campaign[field] = value;
      found = true;
    }
  }
  return found ? campaign : undefined;
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date). */
export function retryAfterMs(header: string | null, now: Date): number {
  if (!header) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - now.getTime()) : 0;
}

/**
 * The longest prefix of `queue` that fits in one request. `oversized` is set when the first
 * message alone does not fit: it can never be sent and has to be dropped.
 */
export function takeBatch<T>(queue: readonly T[], maxEvents: number, maxBytes: number, envelopeBytes: number): { batch: T[]; oversized?: T } {
  const batch: T[] = [];
  let bytes = envelopeBytes;
  for (const message of queue) {
    if (batch.length >= maxEvents) break;
    const size = utf8Length(JSON.stringify(message)) + (batch.length > 0 ? 1 : 0); // +1 for the comma
    if (bytes + size >= maxBytes) {
      if (batch.length === 0) return { batch, oversized: message };
      break;
    }
    batch.push(message);
    bytes += size;
  }
  return { batch };
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

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function isPlainObject(value: unknown): value is Properties {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// The tracker
// ---------------------------------------------------------------------------------------------

type DeliveryOutcome = 'sent' | 'dropped' | 'later';

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
  const batchUrl = `${endpoint}/v1/batch`;
  const authorization = `Basic ${base64(`${writeKey}:`)}`;

  const win: WindowLike | undefined = options.window ?? attempt(() => (globalThis as { window?: WindowLike }).window, undefined);
  const doc = attempt(() => win?.document, undefined);
  const nav = attempt(() => win?.navigator, undefined);
  const storage = safeStorage(options.storage ?? attempt(() => win?.localStorage, undefined));
  const session = safeStorage(options.sessionStorage ?? attempt(() => win?.sessionStorage, undefined));
  const secure = attempt(() => win?.location?.protocol === 'https:', false);
  const cookies = options.cookies ?? documentCookieJar(doc, options.cookieDomain, secure);
  const fetchFn = options.fetch ?? (typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : undefined);

  // --- identity -------------------------------------------------------------------------------

  let anonymousId = loadAnonymousId();
  let userId = storage.getItem(USER_ID_KEY) ?? undefined;

  function loadAnonymousId(): string {
    // The cookie wins: with cookieDomain it is shared by every sub-domain of the shop.
    const id = cookies.get(ANONYMOUS_ID_KEY) || storage.getItem(ANONYMOUS_ID_KEY) || randomId();
    saveAnonymousId(id);
    return id;
  }

  function saveAnonymousId(id: string): void {
    cookies.set(ANONYMOUS_ID_KEY, id, ONE_YEAR_SECONDS); // re-set on every load to keep it a year
    storage.setItem(ANONYMOUS_ID_KEY, id);
  }

  // --- page and campaign context ------------------------------------------------------------------

  const campaign = loadCampaign();
  let referrer = attempt(() => doc?.referrer, undefined) || undefined;
  let lastHref = attempt(() => win?.location?.href, undefined);

  /** utm_* of the landing URL, remembered for the session so later pages keep the attribution. */
  function loadCampaign(): Campaign | undefined {
    const landing = campaignFromSearch(attempt(() => win?.location?.search ?? '', ''));
    if (landing) {
      session.setItem(CAMPAIGN_KEY, JSON.stringify(landing));
      return landing;
    }
    const stored = attempt((): unknown => JSON.parse(session.getItem(CAMPAIGN_KEY) ?? 'null'), null);
    return isPlainObject(stored) ? (stored as Campaign) : undefined;
  }

  function pageInfo(): Record<string, string | undefined> {
    const loc = attempt(() => win?.location, undefined);
    return {
      url: loc?.href,
      path: loc?.pathname,
      referrer,
      title: attempt(() => doc?.title, undefined),
      search: loc?.search,
    };
  }

  function context(): TrackerMessage['context'] {
    return {
      page: pageInfo(),
      ...(campaign ? { campaign } : {}),
      userAgent: attempt(() => nav?.userAgent, undefined),
      locale: attempt(() => nav?.language, undefined),
      library: { ...LIBRARY },
    };
  }

  // --- the persisted queue --------------------------------------------------------------------

  let queue: TrackerMessage[] = loadQueue();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function loadQueue(): TrackerMessage[] {
    const stored = attempt((): unknown => JSON.parse(storage.getItem(QUEUE_KEY) ?? '[]'), []);
    return Array.isArray(stored) ? stored.filter((m): m is TrackerMessage => isPlainObject(m) && typeof m.messageId === 'string') : [];
  }

  let persistScheduled = false;

  function persistQueue(): void {
    persistScheduled = false;
    if (queue.length === 0) storage.removeItem(QUEUE_KEY);
    else storage.setItem(QUEUE_KEY, JSON.stringify(queue));
  }

  /**
   * Writes the queue once per burst of calls in the same task (a loop of track() calls would
   * otherwise re-serialise the whole queue for every call); a page cannot unload mid-task.
   */
  function schedulePersist(): void {
    if (persistScheduled) return;
    persistScheduled = true;
    queueMicrotask(persistQueue);
  }

  function removeFromQueue(sent: readonly TrackerMessage[]): void {
    const ids = new Set(sent.map((m) => m.messageId));
    queue = queue.filter((m) => !ids.has(m.messageId));
    schedulePersist();
  }

  function enqueue(message: TrackerMessage): void {
    // A value JSON cannot carry (a cycle, a BigInt) would break every later batch: refuse it now.
    if (!attempt(() => (JSON.stringify(message), true), false)) {
      warn(`ignored a ${message.type} call whose properties cannot be serialised to JSON`);
      return;
    }
    queue.push(message);
    if (queue.length > MAX_QUEUE_LENGTH) {
      queue.splice(0, queue.length - MAX_QUEUE_LENGTH);
      warn(`queue full: dropped the oldest events (is ${endpoint} reachable?)`);
    }
    schedulePersist();
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

  function base(): Pick<TrackerMessage, 'messageId' | 'timestamp' | 'anonymousId' | 'userId' | 'context'> {
    return { messageId: randomId(), timestamp: now().toISOString(), anonymousId, ...(userId ? { userId } : {}), context: context() };
  }

  // --- delivery -------------------------------------------------------------------------------

  /** Batches chained one after another; `scheduled` is one that has not started yet. */
  let running: Promise<void> = Promise.resolve();
  let scheduled: Promise<void> | undefined;

  function flush(): Promise<void> {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
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
      const { batch, oversized } = takeBatch(queue, MAX_BATCH_EVENTS, MAX_BATCH_BYTES, envelope);
      if (oversized) {
        warn(`dropped a ${oversized.type} call larger than ${MAX_BATCH_BYTES} bytes`);
        removeFromQueue([oversized]);
        continue;
      }
      const outcome = await deliver(batch);
      if (outcome === 'later') return; // stays persisted; the next flush or page load tries again
      removeFromQueue(batch);
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
      if (attemptNo >= maxRetries) return 'later';
      await sleep(Math.max(backoff(attemptNo), waitAtLeast));
      // A beacon may have sent some of them meanwhile; never re-send what left the queue.
      const queued = new Set(queue.map((m) => m.messageId));
      batch = batch.filter((m) => queued.has(m.messageId));
      if (batch.length === 0) return 'sent';
    }
  }

  /** "Equal jitter": half the exponential delay plus a random half, so clients do not retry in lockstep. */
  function backoff(attemptNo: number): number {
    const delay = Math.min(maxRetryDelayMs, retryBaseMs * 2 ** attemptNo);
    return delay / 2 + random() * (delay / 2);
  }

  /**
   * The page is going away (or may be discarded while hidden): hand the queue to sendBeacon,
   * which survives unload but cannot set headers, so the key travels in the body. A string
   * body goes out as text/plain, which needs no CORS preflight.
   */
  function flushOnExit(): void {
    const sendBeacon = attempt(() => nav?.sendBeacon?.bind(nav), undefined);
    if (sendBeacon) beaconQueue(sendBeacon);
    else void flush(); // small requests use fetch keepalive; the rest stays persisted for the next page
    persistQueue(); // now, not in a microtask: the page may be gone after this handler
  }

  function beaconQueue(sendBeacon: (url: string, data: string) => boolean): void {
    const envelope = utf8Length(JSON.stringify({ batch: [], sentAt: now().toISOString(), writeKey }));
    let pending = queue.slice();
    while (pending.length > 0) {
      const { batch, oversized } = takeBatch(pending, MAX_BATCH_EVENTS, BEACON_MAX_BYTES, envelope);
      if (oversized) {
        pending = pending.slice(1); // too big for a beacon: left queued for fetch on the next page
        continue;
      }
      const body = JSON.stringify({ batch, sentAt: now().toISOString(), writeKey });
      if (!attempt(() => sendBeacon(batchUrl, body), false)) return; // browser quota: keep the rest
      removeFromQueue(batch);
      pending = pending.slice(batch.length);
    }
  }

  // --- browser hooks --------------------------------------------------------------------------

  function onNavigation(): void {
    const href = attempt(() => win?.location?.href, undefined);
    if (href === lastHref) return; // pushState to the same URL, or a hash-only popstate we already saw
    referrer = lastHref ?? referrer; // in an SPA the previous route is the referrer
    lastHref = href;
    tracker.page();
  }

  function watchNavigation(): void {
    const history = attempt(() => win?.history, undefined);
    if (history && typeof history.pushState === 'function') {
      const original = history.pushState;
      history.pushState = function patchedPushState(this: HistoryLike, ...args: Parameters<HistoryLike['pushState']>) {
        original.apply(this, args);
        onNavigation();
      };
    }
    attempt(() => win?.addEventListener?.('popstate', onNavigation), undefined);
  }

  function watchExit(): void {
    attempt(
      () =>
        doc?.addEventListener?.('visibilitychange', () => {
          if (doc.visibilityState === 'hidden') flushOnExit();
        }),
      undefined,
    );
    attempt(() => win?.addEventListener?.('pagehide', flushOnExit), undefined);
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
      const info = pageInfo();
      enqueue({ ...base(), type: 'page', ...(name ? { name } : {}), properties: { ...info, ...properties } });
    },
    identify(id, traits = {}) {
      if (id) {
        userId = String(id);
        storage.setItem(USER_ID_KEY, userId);
      }
      enqueue({ ...base(), type: 'identify', traits });
    },
    alias(id, previousId) {
      enqueue({ ...base(), type: 'alias', userId: String(id), previousId: previousId ?? userId ?? anonymousId });
    },
    flush,
    reset() {
      userId = undefined;
      storage.removeItem(USER_ID_KEY);
      cookies.remove(ANONYMOUS_ID_KEY);
      storage.removeItem(ANONYMOUS_ID_KEY);
      anonymousId = randomId();
      saveAnonymousId(anonymousId);
    },
    anonymousId: () => anonymousId,
  };

  watchExit();
  if (queue.length > 0) scheduleFlush(); // left over from the previous page
  if (autoPage) {
    watchNavigation();
    tracker.page();
  }
  return tracker;
}
