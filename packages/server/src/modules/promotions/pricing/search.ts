import type { UnitAmounts } from './cart';

/** One promotion (or coupon) of a stage, valued on the stage's input amounts. */
export interface Candidate {
  /** Per-unit discounts it would give. */
  discounts: UnitAmounts;
  /** What it is worth besides discounts (a gift at its catalogue price): counted, never capped. */
  bonus: number;
  /** What it occupies: the cart lines it takes (the order, for coupons). */
  keys: readonly number[];
  group: string;
  exclusive: boolean;
}

/** The most contested candidates searched exactly; beyond them the rest are added greedily. */
export const EXACT_CANDIDATES = 20;
/** Beyond this many steps the search keeps the best combination found so far (the greedy one is the first it finds). */
export const SEARCH_STEPS = 20_000;

/** Two candidates conflict when they share a key and are of one group, or either is exclusive. */
export function conflicts(a: Candidate, b: Candidate): boolean {
  if (a.group !== b.group && !a.exclusive && !b.exclusive) return false;
  for (const k of a.keys) if (b.keys.includes(k)) return true;
  return false;
}

/**
 * The combination of candidates with the largest total for the customer, among those where no two
 * conflict. The total is what the units give up together, each unit capped at its amount left
 * (`left`), plus the bonuses. Candidates that conflict with none are always in (adding one never
 * lowers the total); of the others, the EXACT_CANDIDATES most valuable are searched branch and
 * bound (the most valuable first, so a tie goes to the combination holding the more valuable, then
 * earlier, candidates), and any beyond them join greedily where they conflict with nothing chosen.
 * Returns the indices chosen, in the order they should be applied (the most valuable first).
 */
export function bestCombination(candidates: readonly Candidate[], left: readonly number[], steps = SEARCH_STEPS): number[] {
  const n = candidates.length;
  const worth = candidates.map((c) => c.bonus + c.discounts.amounts.reduce((s, a) => s + a, 0));
  const byWorth = Array.from({ length: n }, (_, i) => i).sort((a, b) => worth[b] - worth[a] || a - b);

  // Who may conflict, counted per (group, key) without comparing every pair; groups as small numbers.
  const groups = new Map<string, number>();
  for (const c of candidates) if (!groups.has(c.group)) groups.set(c.group, groups.size);
  const slot = (c: Candidate, k: number) => k * groups.size + groups.get(c.group)!;
  const perGroup = new Map<number, number>();
  const exclusives = new Map<number, number>();
  const anyone = new Map<number, number>();
  for (const c of candidates) {
    for (const k of c.keys) {
      const g = slot(c, k);
      perGroup.set(g, (perGroup.get(g) ?? 0) + 1);
      anyone.set(k, (anyone.get(k) ?? 0) + 1);
      if (c.exclusive) exclusives.set(k, (exclusives.get(k) ?? 0) + 1);
    }
  }
  const isContested = (c: Candidate) => c.keys.some((k) => (perGroup.get(slot(c, k)) ?? 0) > 1
    || (exclusives.get(k) ?? 0) - (c.exclusive ? 1 : 0) > 0
    || (c.exclusive && (anyone.get(k) ?? 0) > 1));

  // What the chosen candidates take of each unit, in one array for the cart's units.
  const taken = new Float64Array(left.length);
  const add = (c: number, sign: 1 | -1): number => {
    const { units, amounts } = candidates[c].discounts;
    let delta = 0;
    for (let k = 0; k < units.length; k++) {
      const u = units[k];
      const before = taken[u];
      const after = before + sign * amounts[k];
      taken[u] = after;
      delta += Math.min(left[u], after) - Math.min(left[u], before);
    }
    return delta + sign * candidates[c].bonus;
  };

  const free = byWorth.filter((c) => !isContested(candidates[c]));
  const contested = byWorth.filter((c) => isContested(candidates[c]));
  const exact = contested.slice(0, EXACT_CANDIDATES);
  const rest = contested.slice(EXACT_CANDIDATES);
  let base = 0;
  for (const c of free) base += add(c, 1);

  const neighbours = exact.map((a) => exact.map((b, j) => (a !== b && conflicts(candidates[a], candidates[b]) ? j : -1)).filter((j) => j >= 0));
  const suffix = new Array<number>(exact.length + 1).fill(0);
  for (let i = exact.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + worth[exact[i]];
  const blocked = new Array<number>(exact.length).fill(0);
  const chosen: number[] = [];
  let best = -1;
  let bestSet: number[] = [];
  let visited = 0;

  const search = (i: number, current: number) => {
    visited++;
    if (current > best) { best = current; bestSet = [...chosen]; }
    if (i === exact.length || visited > steps || current + suffix[i] <= best) return;
    if (blocked[i] === 0) {
      const delta = add(exact[i], 1);
      chosen.push(exact[i]);
      for (const j of neighbours[i]) blocked[j]++;
      search(i + 1, current + delta);
      for (const j of neighbours[i]) blocked[j]--;
      chosen.pop();
      add(exact[i], -1);
    }
    search(i + 1, current);
  };
  search(0, base);

  // The rest, most valuable first, where they conflict with nothing chosen (occupancy by key, not pair by pair).
  const set = new Set([...free, ...bestSet]);
  const groupKeys = new Set<number>();
  const usedKeys = new Set<number>();
  const exclusiveKeys = new Set<number>();
  const occupy = (c: Candidate) => { for (const k of c.keys) { groupKeys.add(slot(c, k)); usedKeys.add(k); if (c.exclusive) exclusiveKeys.add(k); } };
  for (const c of set) occupy(candidates[c]);
  for (const c of rest) {
    const candidate = candidates[c];
    const clash = candidate.exclusive ? candidate.keys.some((k) => usedKeys.has(k)) : candidate.keys.some((k) => groupKeys.has(slot(candidate, k)) || exclusiveKeys.has(k));
    if (!clash) { set.add(c); occupy(candidate); }
  }
  return byWorth.filter((c) => set.has(c));
}
