/**
 * Overlaps consecutive async steps by one: `push` starts waiting for the previous step only once the
 * next one is under way, so at most two run at a time (say, one chunk committing in DuckDB while the
 * next is validated). A step's failure surfaces from the `push` after it, or from `drain`.
 */
export class OneAhead {
  private last: Promise<unknown> = Promise.resolve();

  async push(step: Promise<unknown>): Promise<void> {
    step.catch(() => undefined); // observed here; awaited by the next push or by drain
    const previous = this.last;
    this.last = step;
    await previous;
  }

  async drain(): Promise<void> { await this.last; }
}
