/**
 * Group commit: whatever arrived while the previous commit ran goes into the next one, so a burst of
 * calls costs one transaction, not one each. `add` resolves once its item is committed (or rejects
 * with the commit's error), so an acknowledged call survives `kill -9`.
 */
export class GroupCommit<T> {
  private pending: { item: T; done: (error?: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly commit: (items: T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, done: (error) => (error ? reject(error) : resolve()) });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop() {
    while (this.pending.length > 0) {
      const group = this.pending.splice(0);
      try {
        await this.commit(group.map((p) => p.item));
        for (const p of group) p.done();
      } catch (error) {
        for (const p of group) p.done(error);
      }
    }
    this.flushing = undefined;
  }

  /** Resolves once nothing is waiting to be committed. */
  async drain() { while (this.flushing) await this.flushing; }
}
