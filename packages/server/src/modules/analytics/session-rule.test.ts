import fc from 'fast-check';
import { channels } from '@flywheel/contracts';
import { describe, expect, it } from 'vitest';
import { channelCode, channelRanks, fixedOffsetMinutes, SessionCut } from './session-rule';
import { referenceSessions, type ReferenceEvent, type ReferenceSession } from './sessions.reference';

describe('the session rule in memory (funnels)', () => {
  it('gives each event the channel of its session as the brute-force definition cuts them, also across a daylight-saving switch', () => {
    // Around New York's switch of 8 March 2026 (02:00 -> 03:00) and the local midnights on either side.
    const from = Date.parse('2026-03-07T20:00:00-05:00');
    const touches = ['direct', 'direct', 'direct', 'paid_search', 'email', 'social'] as const;
    const event = fc.record({ minute: fc.integer({ min: 0, max: 36 * 60 }), channel: fc.constantFrom(...touches) });
    fc.assert(fc.property(fc.array(event, { minLength: 1, maxLength: 40 }), fc.constantFrom('America/New_York', 'Asia/Shanghai'), (list, tz) => {
      const events: ReferenceEvent[] = list.map((e) => ({ person: 'p', ts: from + e.minute * 60_000, channel: e.channel, campaign: null, page: true, carted: false }));
      // Walk order: time, then touches before direct, by name.
      const code = (c: string) => channelCode(c as (typeof channels)[number]);
      const walk = [...events].sort((a, b) => a.ts - b.ts || channelRanks[code(a.channel)] - channelRanks[code(b.channel)]);
      const cut = new SessionCut(tz, from, from + 37 * 3600_000);
      const mine = walk.map((e) => channels[cut.next(e.ts, code(e.channel)) - 1]);
      // The reference's sessions, each event given its session's channel in the same order.
      const sessionOf = new Map<ReferenceEvent, ReferenceSession>();
      referenceSessions(events, tz, sessionOf);
      const theirs = walk.map((e) => sessionOf.get(e)!.channel);
      expect(mine).toEqual(theirs);
    }), { numRuns: 300 });
  });

  it('knows when a zone keeps one offset', () => {
    expect(fixedOffsetMinutes('Asia/Shanghai', Date.parse('2025-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z'))).toBe(480);
    expect(fixedOffsetMinutes('America/New_York', Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-20T00:00:00Z'))).toBeNull();
    expect(fixedOffsetMinutes('America/New_York', Date.parse('2026-04-01T00:00:00Z'), Date.parse('2026-05-01T00:00:00Z'))).toBe(-240);
  });
});
