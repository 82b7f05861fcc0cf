import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startReceiver, type Receiver } from './test-receiver';
import { createTracker, randomId, type CookieJar, type StorageLike, type TrackerOptions, type WindowLike } from './tracker';

// --- fakes of the few browser objects the tracker touches -------------------------------------

function fakeStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

function fakeCookies(): CookieJar & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: (name) => data.get(name),
    set: (name, value) => void data.set(name, value),
    remove: (name) => void data.delete(name),
  };
}

interface FakeWindow extends WindowLike {
  location: { href: string; pathname: string; search: string; protocol: string };
  document: { referrer: string; title: string; visibilityState: string; addEventListener(type: string, listener: () => void): void };
  navigator: { userAgent: string; language: string; sendBeacon?: (url: string, data?: string) => boolean };
  navigate(href: string): void;
  dispatch(type: string): void;
}

function fakeWindow(href: string, page: { referrer?: string; title?: string } = {}): FakeWindow {
  const listeners = new Map<string, Array<() => void>>();
  const listen = (type: string, listener: () => void) => listeners.set(type, [...(listeners.get(type) ?? []), listener]);
  const win: FakeWindow = {
    location: { href: '', pathname: '', search: '', protocol: '' },
    document: { referrer: page.referrer ?? '', title: page.title ?? '', visibilityState: 'visible', addEventListener: listen },
    navigator: { userAgent: 'Mozilla/5.0 (test)', language: 'zh-CN' },
    localStorage: fakeStorage(),
    sessionStorage: fakeStorage(),
    history: { pushState: (_data, _unused, url) => url && win.navigate(String(url)) },
    addEventListener: listen,
    navigate(next) {
      const url = new URL(next, win.location.href || undefined);
      Object.assign(win.location, { href: url.href, pathname: url.pathname, search: url.search, protocol: url.protocol });
    },
    dispatch: (type) => listeners.get(type)?.forEach((listener) => listener()),
  };
  win.navigate(href);
  return win;
}

// --- helpers ------------------------------------------------------------------------------------

interface SentEvent {
  type: string;
  event?: string;
  name?: string;
  messageId: string;
  anonymousId: string;
  userId?: string;
  timestamp: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context: {
    page: { url?: string; path?: string; referrer?: string; title?: string; search?: string };
    campaign?: Record<string, string>;
    userAgent?: string;
    locale?: string;
    library: { name: string; version: string };
  };
}

interface SentBatch {
  batch: SentEvent[];
  sentAt: string;
  writeKey?: string;
}

const batches = (rx: Receiver): SentBatch[] => rx.requests.filter((r) => r.url.pathname === '/v1/batch').map((r) => r.body as SentBatch);
const events = (rx: Receiver): SentEvent[] => batches(rx).flatMap((b) => b.batch);
const ids = (batch: SentBatch): string[] => batch.batch.map((e) => e.messageId);

let rx: Receiver;
let warn: ReturnType<typeof vi.spyOn>;

beforeEach(async () => {
  rx = await startReceiver();
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(async () => {
  warn.mockRestore();
  await rx.close();
});

/** A tracker on the test receiver; no auto page and no timer flush unless a test asks for it. */
function tracker(options: Partial<TrackerOptions> = {}) {
  return createTracker({ writeKey: 'pk_test_123', endpoint: rx.url, autoPage: false, flushAt: 10_000, flushIntervalMs: 60_000, retryBaseMs: 5, ...options });
}

// --- tests ----------------------------------------------------------------------------------------

describe('tracker: sending', () => {
  it('sends queued calls as one batch with Basic auth, page and utm campaign context', async () => {
    const win = fakeWindow('https://shop.example/p/dress?utm_source=xiaohongshu&utm_medium=social&utm_campaign=spring_sale&utm_content=note_1', {
      referrer: 'https://www.xiaohongshu.com/',
      title: 'Silk dress',
    });
    const t = tracker({ window: win, autoPage: true });
    t.track('Product Viewed', { sku: 'D-1', price: 19900 });
    t.track('Product Added', { sku: 'D-1', quantity: 1 });
    await t.flush();

    expect(rx.requests).toHaveLength(1);
    const [request] = rx.requests;
    expect(request.method).toBe('POST');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('pk_test_123:').toString('base64')}`);
    expect(request.headers['content-type']).toMatch(/^application\/json/);

    const body = request.body as SentBatch;
    expect(Date.parse(body.sentAt)).not.toBeNaN();
    expect(body.batch.map((e) => e.type)).toEqual(['page', 'track', 'track']);
    expect(new Set(ids(body)).size).toBe(3);
    for (const event of body.batch) {
      expect(event.anonymousId).toBe(t.anonymousId());
      expect(Date.parse(event.timestamp)).not.toBeNaN();
      expect(event.context.campaign).toEqual({ source: 'xiaohongshu', medium: 'social', name: 'spring_sale', content: 'note_1' });
      expect(event.context.page).toMatchObject({ path: '/p/dress', referrer: 'https://www.xiaohongshu.com/', title: 'Silk dress' });
      expect(event.context).toMatchObject({ userAgent: 'Mozilla/5.0 (test)', locale: 'zh-CN', library: { name: 'flywheel-sdk', version: '0.1.0' } });
    }
    expect(body.batch[1]).toMatchObject({ event: 'Product Viewed', properties: { sku: 'D-1', price: 19900 } });
  });

  it('remembers the landing campaign for the session on later pages without utm parameters', async () => {
    const sessionStorage = fakeStorage();
    tracker({ window: fakeWindow('https://shop.example/?utm_source=douyin&utm_medium=kol'), sessionStorage });
    const later = tracker({ window: fakeWindow('https://shop.example/cart'), sessionStorage });
    later.track('Cart Viewed');
    await later.flush();
    expect(events(rx).at(-1)?.context.campaign).toEqual({ source: 'douyin', medium: 'kol' });
  });

  it('flushes by itself once flushAt calls are queued', async () => {
    const t = tracker({ flushAt: 3 });
    for (let i = 0; i < 3; i++) t.track('Product Viewed', { i });
    await vi.waitFor(() => expect(events(rx)).toHaveLength(3));
    expect(rx.requests).toHaveLength(1);
  });

  it('flushes by itself after flushIntervalMs', async () => {
    const t = tracker({ flushIntervalMs: 20 });
    t.track('Product Viewed');
    await vi.waitFor(() => expect(events(rx)).toHaveLength(1));
  });

  it('splits more than 500 events into several requests', async () => {
    const t = tracker();
    for (let i = 0; i < 1201; i++) t.track('Product Viewed', { i });
    await t.flush();
    expect(batches(rx).map((b) => b.batch.length)).toEqual([500, 500, 201]);
    expect(rx.accepted.size).toBe(1201);
  });

  it('keeps every request under 500 KB', async () => {
    const t = tracker();
    const description = 'x'.repeat(4000);
    for (let i = 0; i < 300; i++) t.track('Product Viewed', { i, description });
    await t.flush();
    expect(rx.requests.length).toBeGreaterThanOrEqual(3);
    for (const request of rx.requests) expect(request.rawBody.length).toBeLessThan(500 * 1024);
    expect(rx.accepted.size).toBe(300);
  });
});

describe('tracker: failures', () => {
  it('retries 5xx with the same messageIds and delivers each exactly once', async () => {
    rx.respond({ status: 500, body: { error: { code: 'internal', message: 'boom' } } }, { status: 503 });
    const storage = fakeStorage();
    const t = tracker({ storage });
    t.track('Checkout Started');
    t.track('Order Completed', { orderId: 'o-1', total: 29900 });
    t.identify('cust_1');
    await t.flush();

    const sent = batches(rx);
    expect(sent).toHaveLength(3);
    expect(ids(sent[1])).toEqual(ids(sent[0]));
    expect(ids(sent[2])).toEqual(ids(sent[0]));
    expect([...rx.accepted.values()]).toEqual([1, 1, 1]);
    expect(storage.data.has('fw_queue')).toBe(false); // nothing left to re-send
    await t.flush();
    expect(rx.requests).toHaveLength(3);
  });

  it('honours Retry-After on 429', async () => {
    rx.respond({ status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'rate_limited', message: 'slow down' } } });
    const t = tracker({ retryBaseMs: 1 });
    t.track('Product Viewed');
    const started = Date.now();
    await t.flush();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(rx.requests).toHaveLength(2);
    expect(rx.accepted.size).toBe(1);
  });

  it('drops a batch the server refuses with 400, warns with its message and does not retry', async () => {
    rx.respond({ status: 400, body: { error: { code: 'invalid_field', message: 'batch[0].event is too long', field: 'batch[0].event' } } });
    const storage = fakeStorage();
    const t = tracker({ storage });
    t.track('Product Viewed');
    await t.flush();
    await t.flush();
    expect(rx.requests).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('batch[0].event is too long'));
    expect(storage.data.has('fw_queue')).toBe(false);

    t.track('Product Added'); // later calls still go out
    await t.flush();
    expect(rx.requests).toHaveLength(2);
    expect(rx.accepted.size).toBe(1);
  });

  it('keeps events in storage when the network is down and sends them after a reload', async () => {
    const storage = fakeStorage();
    const offline = vi.fn<typeof fetch>(() => Promise.reject(new TypeError('Failed to fetch')));
    const first = tracker({ storage, fetch: offline, maxRetries: 2 });
    first.track('Product Viewed', { sku: 'A' });
    first.track('Product Added', { sku: 'A' });
    await first.flush();
    expect(offline).toHaveBeenCalledTimes(3);

    const queued = JSON.parse(storage.data.get('fw_queue') ?? '[]') as SentEvent[];
    expect(queued.map((e) => e.event)).toEqual(['Product Viewed', 'Product Added']);

    const reloaded = tracker({ storage });
    await reloaded.flush();
    expect(events(rx).map((e) => e.messageId)).toEqual(queued.map((e) => e.messageId));
    expect(storage.data.has('fw_queue')).toBe(false);
  });

  it('ignores calls the server would refuse instead of losing the whole batch', async () => {
    const t = tracker();
    t.track('');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    t.track('Product Viewed', cyclic);
    t.track('Product Added');
    await t.flush();
    expect(events(rx).map((e) => e.event)).toEqual(['Product Added']);
    expect(warn).toHaveBeenCalledTimes(2);
  });
});

describe('tracker: identity', () => {
  it('keeps the anonymous id across tracker instances sharing storage or the cookie', () => {
    const storage = fakeStorage();
    const cookies = fakeCookies();
    const id = tracker({ storage, cookies }).anonymousId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tracker({ storage, cookies }).anonymousId()).toBe(id);
    expect(tracker({ storage, cookies: fakeCookies() }).anonymousId()).toBe(id); // cookie cleared: localStorage fallback
    expect(tracker({ storage: fakeStorage(), cookies }).anonymousId()).toBe(id); // storage cleared: cookie
    expect(tracker({ storage: fakeStorage(), cookies: fakeCookies() }).anonymousId()).not.toBe(id);
  });

  it('writes fw_aid as a first-party cookie for a year with SameSite=Lax', () => {
    const writes: string[] = [];
    const win = fakeWindow('https://www.shop.example/');
    Object.defineProperty(win.document, 'cookie', {
      get: () => writes.at(-1)?.split(';')[0] ?? '',
      set: (value: string) => writes.push(value),
    });
    const t = tracker({ window: win, cookieDomain: '.shop.example' });
    expect(writes[0]).toBe(`fw_aid=${t.anonymousId()}; Max-Age=31536000; Path=/; SameSite=Lax; Domain=.shop.example; Secure`);
    expect(tracker({ window: win, storage: fakeStorage() }).anonymousId()).toBe(t.anonymousId());
  });

  it('adds the userId to later events after identify, also after a reload, until reset', async () => {
    const storage = fakeStorage();
    const cookies = fakeCookies();
    const t = tracker({ storage, cookies });
    t.track('Product Viewed');
    t.identify('cust_42', { email: 'a@example.com' });
    t.track('Order Completed');
    await t.flush();

    const reloaded = tracker({ storage, cookies });
    reloaded.track('Product Viewed');
    await reloaded.flush();
    const anonymousId = t.anonymousId();
    reloaded.reset();
    reloaded.track('Signed In');
    await reloaded.flush();

    expect(events(rx).map((e) => [e.type, e.userId])).toEqual([
      ['track', undefined],
      ['identify', 'cust_42'],
      ['track', 'cust_42'],
      ['track', 'cust_42'],
      ['track', undefined],
    ]);
    expect(events(rx)[1].traits).toEqual({ email: 'a@example.com' });
    expect(events(rx).slice(0, 4).every((e) => e.anonymousId === anonymousId)).toBe(true);
    expect(events(rx)[4].anonymousId).not.toBe(anonymousId);
    expect(reloaded.anonymousId()).toBe(events(rx)[4].anonymousId);
    expect(storage.data.has('fw_uid')).toBe(false);
  });

  it('sends alias with the previous id', async () => {
    const t = tracker();
    t.alias('cust_7');
    await t.flush();
    expect(events(rx)[0]).toMatchObject({ type: 'alias', userId: 'cust_7', previousId: t.anonymousId() });
  });
});

describe('tracker: browser lifecycle', () => {
  it('sends a page call on load and on SPA navigation', async () => {
    const win = fakeWindow('https://shop.example/', { referrer: 'https://www.baidu.com/' });
    const t = tracker({ window: win, autoPage: true });
    win.history?.pushState({}, '', '/p/dress?color=red');
    win.history?.pushState({}, '', '/p/dress?color=red'); // same URL: no new page call
    win.navigate('https://shop.example/'); // back button
    win.dispatch('popstate');
    await t.flush();

    const pages = events(rx).filter((e) => e.type === 'page');
    expect(pages.map((e) => [e.context.page.path, e.context.page.referrer])).toEqual([
      ['/', 'https://www.baidu.com/'],
      ['/p/dress', 'https://shop.example/'],
      ['/', 'https://shop.example/p/dress?color=red'],
    ]);
    expect(pages[1].properties).toMatchObject({ path: '/p/dress', search: '?color=red' });
  });

  it('hands the queue to sendBeacon with the write key in the body when the page is hidden', async () => {
    const win = fakeWindow('https://shop.example/');
    const beacons: Array<{ url: string; data: string }> = [];
    win.navigator.sendBeacon = (url, data = '') => {
      beacons.push({ url, data });
      // Deliver it like a browser would: no auth header, text/plain body.
      void fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: data });
      return true;
    };
    const storage = fakeStorage();
    const t = tracker({ window: win, storage });
    t.track('Product Added', { sku: 'D-1' });
    t.track('Checkout Started');
    win.document.visibilityState = 'hidden';
    win.dispatch('visibilitychange');

    expect(beacons).toHaveLength(1);
    expect(beacons[0].url).toBe(`${rx.url}/v1/batch`);
    await vi.waitFor(() => expect(rx.requests).toHaveLength(1));
    const [request] = rx.requests;
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toMatchObject({ writeKey: 'pk_test_123', batch: [{ event: 'Product Added' }, { event: 'Checkout Started' }] });

    // Handed over: not sent again.
    expect(storage.data.has('fw_queue')).toBe(false);
    await t.flush();
    win.dispatch('pagehide');
    expect(rx.requests).toHaveLength(1);
    expect(beacons).toHaveLength(1);
  });

  it('can be imported and used without any browser globals', async () => {
    const t = createTracker({ writeKey: 'pk_test_123', endpoint: `${rx.url}/`, flushAt: 10_000 });
    t.track('Product Viewed');
    await t.flush();
    expect(events(rx).map((e) => e.type)).toEqual(['page', 'track']);
  });
});

describe('randomId', () => {
  it('falls back to a v4-shaped random id where crypto.randomUUID is missing (http pages, old browsers)', () => {
    vi.stubGlobal('crypto', undefined);
    try {
      const a = randomId();
      expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(randomId()).not.toBe(a);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
