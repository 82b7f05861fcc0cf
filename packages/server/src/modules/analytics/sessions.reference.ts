/**
 * For tests: the sessions of PRODUCT.md computed by brute force from the events as `tracked_events`
 * gives them (person after identity stitching), independently of session-rule.ts: each person's events
 * sorted by time (touches first at one instant, then by channel and campaign), a new session after
 * more than 30 minutes, at local midnight, or at a touch naming a channel other than the session's.
 */
import type { AnalyticsStore } from '../../platform/analytics-store';
import { localDateOf } from '../../platform/timezone';

export interface ReferenceEvent { person: string; ts: number; channel: string; campaign: string | null; page: boolean; carted: boolean }
export interface ReferenceSession { person: string; day: string; start: number; end: number; events: number; pages: number; carted: boolean; channel: string; campaign: string | null }

export async function referenceEvents(store: AnalyticsStore, shopId: string): Promise<ReferenceEvent[]> {
  const rows = await store.all<{ person: string; ts: number; channel: string | null; campaign: string | null; page: boolean; carted: boolean }>(
    `select person_id as person, epoch_ms(ts) as ts, channel, utm_campaign as campaign, type = 'page' as page, coalesce(event = 'Product Added', false) as carted
     from tracked_events where shop_id = ?`, [shopId]);
  return rows.map((r) => ({ ...r, ts: Number(r.ts), channel: r.channel ?? 'direct' }));
}

const order = (a: ReferenceEvent, b: ReferenceEvent) =>
  a.ts - b.ts || Number(a.channel === 'direct') - Number(b.channel === 'direct') || (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0)
  || ((a.campaign ?? '\uffff') < (b.campaign ?? '\uffff') ? -1 : (a.campaign ?? '\uffff') > (b.campaign ?? '\uffff') ? 1 : 0);

/** `sessionOf`, when given, receives each event's session. */
export function referenceSessions(events: readonly ReferenceEvent[], timezone: string, sessionOf?: Map<ReferenceEvent, ReferenceSession>): ReferenceSession[] {
  const byPerson = new Map<string, ReferenceEvent[]>();
  for (const e of events) byPerson.set(e.person, [...(byPerson.get(e.person) ?? []), e]);
  const sessions: ReferenceSession[] = [];
  for (const [person, list] of byPerson) {
    let open: ReferenceSession | undefined;
    for (const e of [...list].sort(order)) {
      const day = localDateOf(e.ts, timezone);
      const continues = open !== undefined && e.ts - open.end <= 30 * 60_000 && day === open.day && (e.channel === 'direct' || e.channel === open.channel);
      if (!continues) {
        open = { person, day, start: e.ts, end: e.ts, events: 0, pages: 0, carted: false, channel: e.channel, campaign: e.campaign };
        sessions.push(open);
      }
      sessionOf?.set(e, open!);
      open!.end = e.ts;
      open!.events++;
      if (e.page) open!.pages++;
      if (e.carted) open!.carted = true;
    }
  }
  return sessions;
}

/** Sessions, bounce rate and average duration (seconds) of the sessions starting in [start, end), as PRODUCT.md defines them. */
export function referenceMetrics(sessions: readonly ReferenceSession[], start: number, end: number) {
  const inPeriod = sessions.filter((s) => s.start >= start && s.start < end);
  const n = inPeriod.length;
  return {
    sessions: n,
    bounce_rate: n === 0 ? null : inPeriod.filter((s) => s.events === 1 && s.pages === 1).length / n,
    avg_session_duration: n === 0 ? null : inPeriod.reduce((sum, s) => sum + (s.end - s.start) / 1000, 0) / n,
  };
}

/** Visitors, page views and add-to-cart rate per channel of their sessions, in [start, end). */
export function referenceVisitorsByChannel(sessions: readonly ReferenceSession[], start: number, end: number) {
  const byChannel = new Map<string, { people: Set<string>; pv: number; carted: Set<string> }>();
  for (const s of sessions) {
    if (s.start < start || s.start >= end) continue;
    const c = byChannel.get(s.channel) ?? { people: new Set(), pv: 0, carted: new Set() };
    c.people.add(s.person);
    c.pv += s.pages;
    if (s.carted) c.carted.add(s.person);
    byChannel.set(s.channel, c);
  }
  return Object.fromEntries([...byChannel].map(([channel, c]) => [channel, { uv: c.people.size, pv: c.pv, add_to_cart_rate: c.carted.size / c.people.size }]));
}
