/**
 * The persisted queue: every call waits here, mirrored to storage under `fw_queue`, until a batch
 * carrying it was delivered or refused, so a reload or a crash loses nothing. Calls are told apart
 * by their messageId, which never changes across retries.
 */
import type { StorageLike } from './browser';
import { isPlainObject, readJson } from './storage';

const QUEUE_KEY = 'fw_queue';
/** Upper bound of the persisted queue: localStorage holds ~5 MB and a dead endpoint must not fill it. */
const MAX_QUEUE_LENGTH = 5000;

export interface PersistentQueue<T> {
  readonly length: number;
  /** The queued calls, oldest first. */
  items(): readonly T[];
  /** Appends a call; answers how many of the oldest calls were dropped to stay within the bound. */
  push(message: T): number;
  /** Takes out the calls with these messageIds. */
  remove(sent: readonly T[]): void;
  /** Writes the queue to storage now rather than at the end of the task. */
  persistNow(): void;
}

/** The queue left in `storage` by earlier pages (entries without a messageId are not ours: skipped). */
export function loadQueue<T extends { messageId?: string }>(storage: StorageLike): PersistentQueue<T> {
  const stored = readJson(storage, QUEUE_KEY);
  let queue: T[] = Array.isArray(stored) ? stored.filter((m): m is T => isPlainObject(m) && typeof m.messageId === 'string') : [];
  let persistScheduled = false;

  function persist(): void {
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
    queueMicrotask(persist);
  }

  return {
    get length() {
      return queue.length;
    },
    items: () => queue,
    push(message) {
      queue.push(message);
      const dropped = Math.max(0, queue.length - MAX_QUEUE_LENGTH);
      if (dropped > 0) queue.splice(0, dropped);
      schedulePersist();
      return dropped;
    },
    remove(sent) {
      const ids = new Set(sent.map((m) => m.messageId));
      queue = queue.filter((m) => !ids.has(m.messageId));
      schedulePersist();
    },
    persistNow: persist,
  };
}
