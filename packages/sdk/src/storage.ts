/**
 * Where the tracker keeps what must outlive the page: storages that never throw (a full quota or a
 * SecurityError becomes a no-op, a missing storage lives in memory) and the cookie jar.
 */
import { attempt, type CookieJar, type DocumentLike, type StorageLike } from './browser';

function memoryStorage(): StorageLike {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

/** Wraps a storage so quota errors and SecurityErrors turn into no-ops. */
export function safeStorage(storage: StorageLike | undefined): StorageLike {
  const target = storage ?? memoryStorage();
  return {
    getItem: (key) => attempt(() => target.getItem(key), null),
    setItem: (key, value) => attempt(() => target.setItem(key, value), undefined),
    removeItem: (key) => attempt(() => target.removeItem(key), undefined),
  };
}

/** The JSON stored under `key`; null when there is none or it is not JSON (another script, a truncated write). */
export function readJson(storage: StorageLike, key: string): unknown {
  return attempt((): unknown => JSON.parse(storage.getItem(key) ?? 'null'), null);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
