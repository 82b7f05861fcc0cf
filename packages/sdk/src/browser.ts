/**
 * The few members of the browser the tracker touches, as interfaces so that tests (and Node) can
 * pass fakes; and how it touches them: through `attempt`, because browser APIs throw in odd places.
 */

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

/** Browser APIs throw in odd places (storage in private mode, cookies disabled): never let them break the page. */
export function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

export function warn(message: string): void {
  attempt(() => globalThis.console?.warn(`[flywheel] ${message}`), undefined);
}
