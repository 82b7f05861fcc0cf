/**
 * Who is browsing: an anonymous id for every visitor, kept for a year in a first-party cookie and
 * in localStorage, and the shop's own user id once identify() named them. Traits are not kept: they
 * travel with the identify call only.
 */
import { attempt, type CookieJar, type StorageLike } from './browser';

const ANONYMOUS_ID_KEY = 'fw_aid';
const USER_ID_KEY = 'fw_uid';
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

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

export interface Identity {
  anonymousId(): string;
  userId(): string | undefined;
  /** Remembers the user id for this and later pages. */
  identify(userId: string): void;
  /** Forgets the user: a new anonymous id and no user id. */
  reset(): void;
}

/** The visitor as earlier pages left them, or a new anonymous one. */
export function loadIdentity(storage: StorageLike, cookies: CookieJar): Identity {
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

  return {
    anonymousId: () => anonymousId,
    userId: () => userId,
    identify(id) {
      userId = id;
      storage.setItem(USER_ID_KEY, userId);
    },
    reset() {
      userId = undefined;
      storage.removeItem(USER_ID_KEY);
      cookies.remove(ANONYMOUS_ID_KEY);
      storage.removeItem(ANONYMOUS_ID_KEY);
      anonymousId = randomId();
      saveAnonymousId(anonymousId);
    },
  };
}
