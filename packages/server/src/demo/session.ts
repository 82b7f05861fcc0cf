/**
 * Writing a visitor's session as Segment calls: the landing page carries the UTM query string,
 * the referrer and context.campaign; later calls follow seconds to minutes apart.
 */
import type { ShopClock } from './clock';
import { SECONDS_PER_DAY } from './clock';
import type { Attribution, DemoPlatform } from './traffic';

/** A tracking call in Segment shape, ready for the tracking service. */
export type DemoEvent = {
  type: 'track' | 'page' | 'identify';
  messageId: string;
  anonymousId: string;
  userId?: string;
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context?: { page?: { url?: string; path?: string; referrer?: string; title?: string }; campaign?: { source?: string; medium?: string; name?: string; term?: string } };
  timestamp: string;
};

/** The day's calls in the order they were written, re-ordered by time when the day is done. */
export class DayStream {
  private events: DemoEvent[] = [];
  private seconds: number[] = [];

  /** Returns the call's place in the stream, for its session to move it earlier (Session.wait). */
  add(event: DemoEvent, second: number): number {
    this.events.push(event);
    return this.seconds.push(second) - 1;
  }

  /** Moves calls `delta` seconds earlier. */
  shift(indices: readonly number[], delta: number): void {
    for (const i of indices) this.seconds[i] -= delta;
  }

  get size(): number {
    return this.events.length;
  }

  /** Sorts by time (stable), stamps timestamps and message ids. */
  finish(clock: ShopClock, day: number, messageId: () => string): DemoEvent[] {
    const n = this.events.length;
    const slot = 2 ** 23; // more calls than this in one day would need a wider key
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = this.seconds[i] * slot + i;
    keys.sort();
    const out = new Array<DemoEvent>(n);
    const stamp = clock.dayStamper(day, n > SECONDS_PER_DAY);
    for (let k = 0; k < n; k++) {
      const i = keys[k] % slot;
      const event = this.events[i];
      event.timestamp = stamp(this.seconds[i]);
      event.messageId = messageId();
      out[k] = event;
    }
    return out;
  }
}

type PageContext = NonNullable<NonNullable<DemoEvent['context']>['page']>;

export interface Page {
  name: string;
  /** Path with its query string, e.g. /product/P1001?sku=P1001-1 */
  path: string;
  title: string;
  /**
   * Pages shown again and again (product pages, cart...) keep one context per platform, shared by
   * all their page calls and frozen: millions of identical objects would mostly feed the garbage collector.
   */
  shared?: { context: NonNullable<DemoEvent['context']>; page: PageContext }[];
  /** The path without its query string. */
  pathname?: string;
}

/** A page whose contexts are shared between calls (see Page.shared). */
export function sharedPage(name: string, path: string, title: string): Page {
  return { name, path, title, shared: [], pathname: pathname(path) };
}

const hosts: Record<DemoPlatform, string> = {
  web: 'https://shop.example.com',
  h5: 'https://m.shop.example.com',
  app: 'https://app.shop.example.com',
  mini_program: 'https://mp.shop.example.com',
};
const platformNumber: Record<DemoPlatform, number> = { app: 0, mini_program: 1, web: 2, h5: 3 };

function pathname(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

const encoded = new Map<string, string>();
export function encode(value: string): string {
  let out = encoded.get(value);
  if (out === undefined) {
    out = encodeURIComponent(value);
    encoded.set(value, out);
  }
  return out;
}

function utmQuery(a: Attribution): string {
  const parts: string[] = [];
  if (a.source) parts.push(`utm_source=${encode(a.source)}`);
  if (a.medium) parts.push(`utm_medium=${encode(a.medium)}`);
  if (a.campaign) parts.push(`utm_campaign=${encode(a.campaign)}`);
  if (a.term) parts.push(`utm_term=${encode(a.term)}`);
  return parts.join('&');
}

const LAST_SECOND = SECONDS_PER_DAY - 1;
/**
 * Less than this long before midnight a session keeps its calls in the day by going faster (the
 * platform splits sessions at local midnight, and a day's calls are that day's): its waits shrink in
 * proportion to the time left, instead of its last calls piling up at 23:59:59.
 */
const PACE_ROOM = 1800;

export class Session {
  /** Seconds after local midnight of the current call. */
  second: number;
  private readonly host: string;
  readonly anonymousId: string;
  userId: string | undefined;
  /** Calls written so far (1 page and nothing else = a bounce). */
  calls = 0;
  /** When its first call was made. */
  private startSecond: number;
  /** Where this session's calls are in the stream, while they may still move (pin()). */
  private indices: number[] | null = [];

  constructor(private readonly stream: DayStream, visitor: { anonymousId: string; userId?: string }, start: number, readonly platform: DemoPlatform) {
    this.anonymousId = visitor.anonymousId;
    this.userId = visitor.userId;
    this.second = Math.min(LAST_SECOND, Math.max(0, start));
    this.startSecond = this.second;
    this.host = hosts[platform];
  }

  /**
   * Moves the clock on, at the session's pace. Sessions never cross local midnight: a late one goes
   * faster, and only what is still left at the last second of the day is written at 23:59:59.
   */
  wait(seconds: number): void {
    if (LAST_SECOND - this.second <= 1) this.moveEarlier();
    const room = LAST_SECOND - this.second;
    const step = Math.max(1, Math.round(seconds * Math.min(1, room / PACE_ROOM)));
    // Near the end, at most half of the time left: calls get closer together rather than land on the last second.
    this.second += room <= 1 ? room : Math.min(step, Math.ceil(room / 2));
  }

  /** Seconds left before midnight: a late session looks at fewer products than it meant to. */
  get secondsLeft(): number {
    return LAST_SECOND - this.second;
  }

  /**
   * A long session out of time before midnight: what it wrote so far happened a few minutes earlier
   * (by an amount spread over 2-5 minutes, so such sessions do not all end on one second). Not once
   * anything outside the calls took its time (pin()).
   */
  private moveEarlier(): void {
    const first = this.indices?.[0];
    if (!this.indices || first === undefined) return;
    const delta = Math.min(this.startSecond, 30 + ((this.indices.length * 37 + this.startSecond) % 90));
    if (delta <= 0) return;
    this.stream.shift(this.indices, delta);
    this.second -= delta;
    this.startSecond -= delta;
  }

  /** Something outside the calls (an order, a sign-up) took this session's time: its calls stay where they are. */
  pin(): void {
    this.indices = null;
  }

  /**
   * Every call is made as one complete object literal (no properties added later): a big shop
   * writes a million calls a day, and objects that change shape cost memory and time.
   */
  private pageEvent(name: string, properties: PageContext, context: NonNullable<DemoEvent['context']>): DemoEvent {
    const { anonymousId, userId } = this;
    return userId === undefined
      ? { type: 'page', messageId: '', anonymousId, name, properties, context, timestamp: '' }
      : { type: 'page', messageId: '', anonymousId, userId, name, properties, context, timestamp: '' };
  }

  /** The first call: the landing page with UTM and referrer. */
  landing(page: Page, attribution: Attribution): void {
    const query = utmQuery(attribution);
    const url = this.host + page.path + (query ? (page.path.includes('?') ? '&' : '?') + query : '');
    const pageContext: PageContext = attribution.referrer ? { url, path: page.pathname ?? pathname(page.path), title: page.title, referrer: attribution.referrer } : { url, path: page.pathname ?? pathname(page.path), title: page.title };
    let context: NonNullable<DemoEvent['context']> = { page: pageContext };
    if (attribution.source || attribution.medium) {
      const campaign: NonNullable<NonNullable<DemoEvent['context']>['campaign']> = {};
      if (attribution.source) campaign.source = attribution.source;
      if (attribution.medium) campaign.medium = attribution.medium;
      if (attribution.campaign) campaign.name = attribution.campaign;
      if (attribution.term) campaign.term = attribution.term;
      context = { page: pageContext, campaign };
    }
    this.push(this.pageEvent(page.name, pageContext, context));
  }

  /**
   * A page inside the session. Only the landing page carries a referrer (the site that sent the
   * visitor); what a page inside the shop was reached from adds nothing to channel attribution.
   */
  page(page: Page): void {
    if (page.shared) {
      const k = platformNumber[this.platform];
      let shared = page.shared[k];
      if (!shared) {
        const pageContext: PageContext = Object.freeze({ url: this.host + page.path, path: page.pathname ?? pathname(page.path), title: page.title });
        shared = { page: pageContext, context: Object.freeze({ page: pageContext }) };
        page.shared[k] = shared;
      }
      this.push(this.pageEvent(page.name, shared.page, shared.context));
    } else {
      const pageContext: PageContext = { url: this.host + page.path, path: page.pathname ?? pathname(page.path), title: page.title };
      this.push(this.pageEvent(page.name, pageContext, { page: pageContext }));
    }
  }

  track(event: string, properties: Record<string, unknown>): void {
    const { anonymousId, userId } = this;
    this.push(userId === undefined
      ? { type: 'track', messageId: '', anonymousId, event, properties, timestamp: '' }
      : { type: 'track', messageId: '', anonymousId, userId, event, properties, timestamp: '' });
  }

  /** Links this device to the customer (sign-up / sign-in): later calls carry the userId. */
  identify(userId: string, traits: Record<string, unknown>): void {
    this.userId = userId;
    this.push({ type: 'identify', messageId: '', anonymousId: this.anonymousId, userId, traits, timestamp: '' });
  }

  private push(event: DemoEvent): void {
    const index = this.stream.add(event, this.second);
    this.indices?.push(index);
    this.calls++;
  }
}
