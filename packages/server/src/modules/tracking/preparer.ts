import { Worker } from 'node:worker_threads';
import type { PreparedEvents, PrepareInput } from './prepare';

/**
 * Runs `prepareCalls` in a worker thread: JSON parsing, validation and row building are most of the
 * per-event work, and on the main thread they would compete with HTTP and the DuckDB appends. The
 * worker starts on first use, keeps the process alive only while it has work, and is restarted if it
 * dies (whatever it held is answered with an error).
 */
export class Preparer {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: PreparedEvents) => void; reject: (e: Error) => void }>();

  prepare(input: PrepareInput): Promise<PreparedEvents> {
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) worker.ref();
      // A request body that owns its memory moves to the worker instead of being copied.
      const { source } = input;
      const bytes = source.kind === 'batch' ? source.body : undefined;
      const movable = bytes !== undefined && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
      worker.postMessage({ id, input }, movable ? [bytes.buffer as ArrayBuffer] : []);
    });
  }

  private start(): Worker {
    const worker = new Worker(new URL('./prepare-worker.mjs', import.meta.url));
    worker.unref();
    worker.on('message', (m: { id: number; result?: PreparedEvents; error?: string }) => {
      const waiter = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) worker.unref();
      if (m.error !== undefined) waiter?.reject(new Error(`preparing events failed: ${m.error}`));
      else waiter?.resolve(m.result!);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', (error) => fail(error));
    worker.on('exit', (code) => fail(new Error(`the event preparation worker stopped (exit code ${code})`)));
    return worker;
  }

  async close() {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
