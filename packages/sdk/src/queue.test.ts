import { describe, expect, it } from 'vitest';
import type { StorageLike } from './browser';
import { loadQueue } from './queue';

function fakeStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value), removeItem: (key) => void data.delete(key) };
}

interface Call {
  messageId: string;
  event: string;
}

/** The queue is written once the current task's calls are in. */
const endOfTask = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('persisted queue', () => {
  it('keeps queued calls for the next page until they are removed', async () => {
    const storage = fakeStorage();
    const queue = loadQueue<Call>(storage);
    queue.push({ messageId: 'm-1', event: 'Product Viewed' });
    queue.push({ messageId: 'm-2', event: 'Product Added' });
    await endOfTask();

    const nextPage = loadQueue<Call>(storage);
    expect(nextPage.items().map((c) => c.messageId)).toEqual(['m-1', 'm-2']);
    nextPage.remove([{ messageId: 'm-1', event: 'Product Viewed' }]);
    expect(nextPage.items().map((c) => c.messageId)).toEqual(['m-2']);
    nextPage.remove(nextPage.items());
    await endOfTask();
    expect(storage.data.has('fw_queue')).toBe(false);
  });

  it('drops the oldest calls beyond 5000 and says how many', () => {
    const queue = loadQueue<Call>(fakeStorage());
    for (let i = 0; i < 5000; i++) expect(queue.push({ messageId: `m-${i}`, event: 'Product Viewed' })).toBe(0);
    expect(queue.push({ messageId: 'm-5000', event: 'Product Viewed' })).toBe(1);
    expect(queue.length).toBe(5000);
    expect(queue.items()[0].messageId).toBe('m-1');
  });

  it('starts empty from storage that is not a queue of calls', () => {
    const storage = fakeStorage();
    storage.data.set('fw_queue', '{not json');
    expect(loadQueue<Call>(storage).length).toBe(0);
    storage.data.set('fw_queue', JSON.stringify([{ messageId: 'm-1', event: 'Cart Viewed' }, { event: 'no id' }, 'text', null]));
    expect(loadQueue<Call>(storage).items()).toEqual([{ messageId: 'm-1', event: 'Cart Viewed' }]);
  });

  it('writes now when asked, before the task ends', () => {
    const storage = fakeStorage();
    const queue = loadQueue<Call>(storage);
    queue.push({ messageId: 'm-1', event: 'Checkout Started' });
    queue.persistNow();
    expect(JSON.parse(storage.data.get('fw_queue') ?? '[]')).toEqual([{ messageId: 'm-1', event: 'Checkout Started' }]);
  });
});
