import { describe, expect, it } from 'vitest';
import { reconcile, type Condition, type OpenEpisode } from './episodes';

const roas: Condition = { key: 'roas_below_floor:2026-10:paid_social:', kind: 'roas_below_floor', severity: 'warning', text: { key: 'alert.roas_below_floor', values: { roas: 1.2 } }, data: {} };
const all = new Set(['roas_below_floor', 'kpi_anomaly'] as const);

/** Runs evaluations in sequence the way the service does and counts notifications. */
function simulate(holdsPerRound: boolean[], evaluated = all) {
  let open: OpenEpisode[] = [];
  let notifications = 0;
  let n = 0;
  for (const holds of holdsPerRound) {
    const r = reconcile(open, holds ? [roas] : [], evaluated);
    notifications += r.open.length;
    open = [...open.filter((e) => !r.close.includes(e)), ...r.open.map((c) => ({ id: `e${++n}`, key: c.key, kind: c.kind }))];
  }
  return { open, notifications };
}

describe('alert episodes', () => {
  it('opens once while a condition holds, closes when it clears, and opens anew when it returns', () => {
    expect(simulate([true, true, true]).notifications).toBe(1);
    expect(simulate([true, true, false]).open).toEqual([]);
    const again = simulate([true, false, true, true]);
    expect(again.notifications).toBe(2);
    expect(again.open.map((e) => e.id)).toEqual(['e2']);
  });

  it('refreshes the open episode instead of opening a second one, even if found twice in one round', () => {
    const open: OpenEpisode[] = [{ id: 'e1', key: roas.key, kind: roas.kind }];
    expect(reconcile(open, [roas, roas], all)).toEqual({ open: [], refresh: [{ episode: open[0], condition: roas }], close: [] });
    expect(reconcile([], [roas, roas], all).open).toHaveLength(1);
  });

  it('does not close episodes of a kind the evaluation did not look at', () => {
    expect(simulate([true, false], new Set(['kpi_anomaly'] as const)).open).toHaveLength(1);
  });
});
