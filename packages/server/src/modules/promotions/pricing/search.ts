import type { UnitAmounts } from './cart';

/** One promotion (or coupon) of a stage, valued on the stage's input amounts. */
export interface Candidate {
  /** Per-unit discounts it would give. */
  discounts: UnitAmounts;
  /** What it is worth besides discounts (a gift at its catalogue price): counted, never capped. */
  bonus: number;
}

/** Beyond this many steps the search keeps the best combination found so far (the greedy one is the first it finds). */
export const SEARCH_STEPS = 20_000;

/**
 * The combination of candidates with the largest total for the customer, among those where no two
 * candidates conflict. The total is what the units give up together, each unit capped at its amount
 * left (`left`), plus the bonuses. Candidates that conflict with none are always in (adding one
 * never lowers the total); the others are searched branch and bound, the most valuable first, so
 * a tie goes to the combination holding the more valuable (then the earlier) candidates.
 * Returns the indices chosen, in the order they should be applied.
 */
export function bestCombination(candidates: readonly Candidate[], conflicts: (a: number, b: number) => boolean, left: readonly number[], steps = SEARCH_STEPS): number[] {
  const n = candidates.length;
  const worth = candidates.map((c) => c.bonus + c.discounts.amounts.reduce((s, a) => s + a, 0));
  const byWorth = Array.from({ length: n }, (_, i) => i).sort((a, b) => worth[b] - worth[a] || a - b);
  const neighbours: number[][] = candidates.map(() => []);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (conflicts(i, j)) { neighbours[i].push(j); neighbours[j].push(i); }

  const taken = new Map<number, number>();
  const add = (c: number, sign: 1 | -1): number => {
    const { units, amounts } = candidates[c].discounts;
    let delta = 0;
    for (let k = 0; k < units.length; k++) {
      const u = units[k];
      const before = taken.get(u) ?? 0;
      const after = before + sign * amounts[k];
      taken.set(u, after);
      delta += Math.min(left[u], after) - Math.min(left[u], before);
    }
    return delta + sign * candidates[c].bonus;
  };

  const free = byWorth.filter((c) => neighbours[c].length === 0);
  const contested = byWorth.filter((c) => neighbours[c].length > 0);
  let base = 0;
  for (const c of free) base += add(c, 1);

  const suffix = new Array<number>(contested.length + 1).fill(0);
  for (let i = contested.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + worth[contested[i]];
  const blocked = new Array<number>(n).fill(0);
  const chosen: number[] = [];
  let best = -1;
  let bestSet: number[] = [];
  let visited = 0;

  const search = (i: number, current: number) => {
    visited++;
    if (current > best) { best = current; bestSet = [...chosen]; }
    if (i === contested.length || visited > steps || current + suffix[i] <= best) return;
    const c = contested[i];
    if (blocked[c] === 0) {
      const delta = add(c, 1);
      chosen.push(c);
      for (const j of neighbours[c]) blocked[j]++;
      search(i + 1, current + delta);
      for (const j of neighbours[c]) blocked[j]--;
      chosen.pop();
      add(c, -1);
    }
    search(i + 1, current);
  };
  search(0, base);
  const picked = new Set([...free, ...bestSet]);
  return byWorth.filter((c) => picked.has(c));
}
