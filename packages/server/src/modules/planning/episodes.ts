import type { AlertKind, LocalizedText } from '@flywheel/contracts';

/**
 * Alert episodes. A condition (ROAS of paid_social under its floor, target X off track ...) has a
 * stable key. While it holds, one episode stays open and is notified once; when an evaluation finds it
 * no longer holds, the episode closes; if it holds again later, a new episode opens and notifies again.
 *
 *   (none) --holds--> open --holds--> open (refreshed, no new notification)
 *                      \--clears--> closed    (a later "holds" opens a new episode)
 *
 * Only kinds the evaluation actually looked at can close: a check that could not run (no budgets this
 * month, a failed query) must not end an episode it did not see.
 */
export interface Condition {
  key: string;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  /** What people read: a text of contracts' texts.ts, stored with the episode and rendered in the reader's language. */
  text: LocalizedText;
  data: Record<string, unknown>;
}

export interface OpenEpisode {
  id: string;
  key: string;
  kind: AlertKind;
}

export interface Reconciliation {
  open: Condition[];
  refresh: { episode: OpenEpisode; condition: Condition }[];
  close: OpenEpisode[];
}

export function reconcile(openEpisodes: readonly OpenEpisode[], holding: readonly Condition[], evaluatedKinds: ReadonlySet<AlertKind>): Reconciliation {
  const byKey = new Map(openEpisodes.map((e) => [e.key, e]));
  const seen = new Set<string>();
  const out: Reconciliation = { open: [], refresh: [], close: [] };
  for (const condition of holding) {
    if (seen.has(condition.key)) continue; // the same condition found twice in one evaluation is one condition
    seen.add(condition.key);
    const episode = byKey.get(condition.key);
    if (episode) out.refresh.push({ episode, condition });
    else out.open.push(condition);
  }
  for (const episode of openEpisodes) {
    if (!seen.has(episode.key) && evaluatedKinds.has(episode.kind)) out.close.push(episode);
  }
  return out;
}
