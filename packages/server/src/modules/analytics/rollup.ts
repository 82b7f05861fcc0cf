/**
 * What the rollups (`visits`, `sessions`) share: one roll-up at a time (a second call waits for the
 * first, then runs), everything at once when asked (`refresh`: tests, `flywheel demo`, benchmarks),
 * and in the background only once `minRows` new events wait (bigger batches roll up tighter).
 */
export abstract class Rollup {
  private running: Promise<number> | undefined;

  constructor(protected readonly minRows: number) {}

  /** Rolls up everything committed so far; resolves with the number of events rolled up. */
  refresh(): Promise<number> {
    return this.oneAtATime(0);
  }

  /** The background's roll-up: only once at least `minRows` new events wait. */
  rollUpBatch(): Promise<number> {
    return this.oneAtATime(this.minRows);
  }

  /** Rolls up what waits, if at least `minRows` events do (0: anything); the number of events rolled up. */
  protected abstract rollUp(minRows: number): Promise<number>;

  private async oneAtATime(minRows: number): Promise<number> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.rollUp(minRows);
    try { return await this.running; } finally { this.running = undefined; }
  }
}
