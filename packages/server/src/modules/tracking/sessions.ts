import type { Channel } from '@flywheel/contracts';
import { offsetMinutesAt } from '../../platform/timezone';

export const SESSION_GAP_MS = 30 * 60_000;

interface OpenSession { id: string; last: number; day: number; channel: Channel }

/**
 * Splits each device's events into sessions as they arrive: a new session after 30 minutes without
 * events, at local midnight, or when a new campaign/referrer brings the visitor back (as analytics
 * tools do). Later events of a session carry the channel it was entered by, so per-channel visitors,
 * sessions and attribution need no window over all events at query time.
 */
export class Sessionizer {
  private readonly open = new Map<string, OpenSession>();
  private readonly offsets = new Map<string, number>();

  constructor(private readonly maxDevices = 1_000_000) {}

  private localDay(ms: number, timezone: string): number {
    const hourKey = `${timezone}|${Math.floor(ms / 3600_000)}`;
    let offset = this.offsets.get(hourKey);
    if (offset === undefined) {
      if (this.offsets.size > 100_000) this.offsets.clear();
      this.offsets.set(hourKey, (offset = offsetMinutesAt(ms, timezone)));
    }
    return Math.floor((ms + offset * 60_000) / 86_400_000);
  }

  /** `channel` is what this event alone says (direct when it has no campaign or outside referrer). */
  assign(device: string, ms: number, timezone: string, channel: Channel): { sessionId: string; channel: Channel } {
    const day = this.localDay(ms, timezone);
    const s = this.open.get(device);
    const continues = s !== undefined && Math.abs(ms - s.last) <= SESSION_GAP_MS && day === s.day && (channel === 'direct' || channel === s.channel);
    if (continues) {
      s.last = Math.max(s.last, ms);
      this.open.delete(device); // keep the map in recency order for eviction
      this.open.set(device, s);
      return { sessionId: s.id, channel: s.channel };
    }
    const session: OpenSession = { id: `${device}:${ms.toString(36)}`, last: ms, day, channel };
    this.open.delete(device);
    this.open.set(device, session);
    if (this.open.size > this.maxDevices) this.open.delete(this.open.keys().next().value!);
    return { sessionId: session.id, channel };
  }

  /** Restores a session still open when the process stopped. */
  restore(device: string, id: string, last: number, timezone: string, channel: Channel) {
    this.open.set(device, { id, last, day: this.localDay(last, timezone), channel });
  }
}
