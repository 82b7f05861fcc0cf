import { describe, expect, it } from 'vitest';
import { DedupeWindow } from './dedupe';
import { prepareCalls } from './prepare';

const now = Date.now();
const eventsWithIds = (...ids: string[]) =>
  prepareCalls({ source: { kind: 'calls', calls: ids.map((messageId) => ({ event: 'x', anonymousId: 'a', messageId })) }, defaultType: 'track', historical: false, receivedAt: now, mapping: null });

describe('the de-duplication window', () => {
  it('keeps the first of each messageId, within a call and across calls of the same shop', () => {
    const window = new DedupeWindow(24);
    const first = window.admit('s1', eventsWithIds('m1', 'm2', 'm1'), now, false);
    expect([...first.kept]).toEqual([1, 1, 0]);
    expect(first.duplicates).toBe(1);
    expect([...window.admit('s1', eventsWithIds('m2', 'm3'), now, false).kept]).toEqual([0, 1]);
    expect([...window.admit('s2', eventsWithIds('m1'), now, false).kept]).toEqual([1]);
  });

  it('forgets a call whose commit failed, so its retry is not a duplicate', () => {
    const window = new DedupeWindow(24);
    window.admit('s1', eventsWithIds('m1'), now, false).forget();
    expect(window.admit('s1', eventsWithIds('m1'), now, false).duplicates).toBe(0);
  });

  it('checks a backfill only against itself, and does not remember it', () => {
    const window = new DedupeWindow(24);
    window.admit('s1', eventsWithIds('m1'), now, false);
    expect([...window.admit('s1', eventsWithIds('m1', 'h1', 'h1'), now, true).kept]).toEqual([1, 1, 0]);
    expect(window.admit('s1', eventsWithIds('h1'), now, false).duplicates).toBe(0);
  });
});
