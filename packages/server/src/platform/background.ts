import type { Logger } from 'pino';

/**
 * Work repeated in the background of a listening server (the outbox projector, the visits roll-up,
 * alert evaluation): never two runs at once, a failed run logged and tried again on the next tick,
 * and never the reason a process stays alive. Tests and one-off commands call the work directly.
 */
export class Repeating {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly log: Logger,
    /** When the first run starts: at once (catching up), or after one interval. */
    private readonly firstDelayMs = 0,
  ) {}

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      this.running = this.work().catch((error) => this.log.error({ err: error, task: this.name }, `${this.name} failed; will retry`));
      await this.running;
      this.running = undefined;
      if (!this.stopped) this.schedule(tick, this.intervalMs);
    };
    this.schedule(tick, this.firstDelayMs);
  }

  private schedule(tick: () => Promise<void>, ms: number) {
    this.timer = setTimeout(tick, ms);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

/**
 * Work per key taken in turns: a call for a key starts once the one before it for that key has
 * settled (resolved or failed), and calls for different keys run side by side.
 */
export class Turns {
  private readonly last = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.last.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const settled = result.then(() => undefined, () => undefined);
    this.last.set(key, settled);
    void settled.then(() => { if (this.last.get(key) === settled) this.last.delete(key); });
    return result;
  }
}
