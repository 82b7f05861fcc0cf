import type { LoyaltyProgram } from '@flywheel/contracts';

/** The program as the settings form edits it: the growth window as a number of days, the rest as the API has it. */
export interface ProgramDraft extends Omit<LoyaltyProgram, 'growth'> {
  growth: Omit<LoyaltyProgram['growth'], 'window'> & { windowDays: number };
}

export function draftOf(program: LoyaltyProgram): ProgramDraft {
  const { window, ...growth } = program.growth;
  return { ...program, growth: { ...growth, windowDays: Number(window.slice(0, -1)) } };
}

export function programOf(draft: ProgramDraft): LoyaltyProgram {
  const { windowDays, ...growth } = draft.growth;
  return {
    growth: { ...growth, window: `${windowDays}d` },
    tiers: draft.tiers.map((t) => ({ ...t, benefits: { ...t.benefits, freeShipping: !!t.benefits.freeShipping } })),
    points: { ...draft.points, signIn: { ...draft.points.signIn, streak: draft.points.signIn.streak ?? [] } },
  };
}

/** The form field the server named in a 400 (`tiers[1].minGrowth`, `growth.window`), as the form's name path. */
export function formFieldOf(field: string): (string | number)[] {
  const path = field.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (path[0] === 'growth' && path[1] === 'window') return ['growth', 'windowDays'];
  return path;
}

/** Tiers climb from 0: what is wrong with tier `index`'s threshold, or null (the server checks the same). */
export function thresholdProblem(tiers: readonly { minGrowth?: number | null }[], index: number): 'first_zero' | 'not_above' | null {
  const value = tiers[index]?.minGrowth;
  if (value === undefined || value === null) return null;
  if (index === 0) return value === 0 ? null : 'first_zero';
  const before = tiers[index - 1]?.minGrowth;
  return before !== undefined && before !== null && value <= before ? 'not_above' : null;
}
