import { describe, expect, it } from 'vitest';
import { Sessionizer } from './sessions';

const TZ = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso).getTime();

describe('sessions', () => {
  it('splits after 30 minutes of inactivity and at local midnight', () => {
    const s = new Sessionizer();
    const a = s.assign('d1', at('2026-11-11T10:00:00+08:00'), TZ, 'paid_search');
    const b = s.assign('d1', at('2026-11-11T10:29:59+08:00'), TZ, 'direct');
    const c = s.assign('d1', at('2026-11-11T11:00:00+08:00'), TZ, 'direct');
    expect(b.sessionId).toBe(a.sessionId);
    expect(b.channel).toBe('paid_search'); // the entry channel carries through the visit
    expect(c.sessionId).not.toBe(a.sessionId);
    expect(c.channel).toBe('direct');
    const late = s.assign('d2', at('2026-11-11T23:59:50+08:00'), TZ, 'social');
    const early = s.assign('d2', at('2026-11-12T00:00:10+08:00'), TZ, 'direct');
    expect(early.sessionId).not.toBe(late.sessionId);
  });
  it('starts a new session when another campaign brings the visitor back', () => {
    const s = new Sessionizer();
    const a = s.assign('d', at('2026-11-11T10:00:00+08:00'), TZ, 'social');
    const b = s.assign('d', at('2026-11-11T10:05:00+08:00'), TZ, 'email');
    expect(b.sessionId).not.toBe(a.sessionId);
    expect(b.channel).toBe('email');
  });
  it('forgets idle sessions, then the devices seen first, beyond its size', () => {
    const s = new Sessionizer(2);
    const first = s.assign('d1', at('2026-11-11T10:00:00+08:00'), TZ, 'kol');
    s.assign('d2', at('2026-11-11T10:00:00+08:00'), TZ, 'kol');
    s.assign('d3', at('2026-11-11T10:00:00+08:00'), TZ, 'kol');
    expect(s.assign('d1', at('2026-11-11T10:01:00+08:00'), TZ, 'direct').sessionId).not.toBe(first.sessionId);
  });
  it('evicts idle sessions before open ones', () => {
    const s = new Sessionizer(10);
    const open = Array.from({ length: 9 }, (_, i) => s.assign(`d${i}`, at('2026-11-11T10:00:00+08:00'), TZ, 'kol'));
    s.assign('idle', at('2026-11-11T08:00:00+08:00'), TZ, 'kol'); // started last, but idle for two hours
    s.assign('new', at('2026-11-11T10:05:00+08:00'), TZ, 'kol'); // 11 devices: the idle one goes, then the one seen first
    expect(s.assign('d1', at('2026-11-11T10:06:00+08:00'), TZ, 'direct').sessionId).toBe(open[1].sessionId);
    expect(s.assign('d0', at('2026-11-11T10:06:00+08:00'), TZ, 'direct').sessionId).not.toBe(open[0].sessionId);
  });
});
