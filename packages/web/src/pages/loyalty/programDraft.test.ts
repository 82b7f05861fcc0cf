import { describe, expect, it } from 'vitest';
import { DEFAULT_LOYALTY_PROGRAM, loyaltyProgram } from '@flywheel/contracts';
import { draftOf, formFieldOf, programOf, thresholdProblem } from './programDraft';

describe('the program form', () => {
  it('edits the window as days and gives back the API program unchanged', () => {
    const draft = draftOf(DEFAULT_LOYALTY_PROGRAM);
    expect(draft.growth.windowDays).toBe(365);
    expect(programOf(draft)).toEqual(DEFAULT_LOYALTY_PROGRAM);
    expect(loyaltyProgram.safeParse(programOf(draft)).success).toBe(true);
  });

  it('puts the server\'s field on the form field', () => {
    expect(formFieldOf('tiers[1].minGrowth')).toEqual(['tiers', 1, 'minGrowth']);
    expect(formFieldOf('points.signIn.streak[0].days')).toEqual(['points', 'signIn', 'streak', 0, 'days']);
    expect(formFieldOf('growth.window')).toEqual(['growth', 'windowDays']);
    expect(formFieldOf('tiers[2].benefits.discountPct')).toEqual(['tiers', 2, 'benefits', 'discountPct']);
  });

  it('wants tiers from 0 up, each above the one before', () => {
    const tiers = [{ minGrowth: 0 }, { minGrowth: 2000 }, { minGrowth: 2000 }];
    expect([0, 1, 2].map((i) => thresholdProblem(tiers, i))).toEqual([null, null, 'not_above']);
    expect(thresholdProblem([{ minGrowth: 5 }], 0)).toBe('first_zero');
  });
});
