/**
 * The levers' "now": the wall clock, except while history is replayed (the demo loading a year of a
 * shop): then it is the moment being replayed, so what reacts to that history (points becoming
 * available, expiring, tiers reviewed) happens when it would have. The API's own actions always use
 * the wall clock.
 */
export class Clock {
  private replaying: Date | null = null;

  now(): Date {
    return this.replaying ? new Date(this.replaying) : new Date();
  }

  /** From now until `release`, the clock reads `at`. */
  replay(at: Date) {
    this.replaying = at;
  }

  release() {
    this.replaying = null;
  }
}
