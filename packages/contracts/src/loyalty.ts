import { z } from 'zod';
import { externalId, localDate } from './common';

/**
 * Membership and points (PRODUCT.md, row 10): the program a shop runs (growth value 成长值 and the tier
 * pyramid 普通 / 黄金 / 钻石 with benefits, points earned, pending, expiring and redeemed), a customer's
 * points and ledger, adjustments, the daily sign-in (签到) and the program's report.
 */

/** A rate per 元 (or the currency's major unit), with at most 4 decimals so points are computed exactly. */
const ratePerYuan = z.number({ error: 'must be a number' }).finite().min(0, { error: 'must not be negative' }).max(1000, { error: 'must be at most 1000' })
  .refine((v) => Math.abs(Math.round(v * 10_000) - v * 10_000) < 1e-6, { error: 'may have at most 4 decimals' });
const weight = z.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must not be negative' }).max(1_000_000);

/** How long growth counts: `365d` (the days before the moment it is read). */
export const growthWindow = z.string().regex(/^[1-9]\d{0,3}d$/, { error: 'must be a number of days such as 365d' })
  .refine((w) => Number(w.slice(0, -1)) <= 3650, { error: 'must be at most 3650d' });
/** When a lot of points expires: N months after it becomes available (`12m`), or 31 December of the next year. */
export const pointsExpiry = z.string().regex(/^([1-9]\d{0,2}m|year_end_next)$/, { error: 'must be a number of months such as 12m, or year_end_next' })
  .refine((e) => e === 'year_end_next' || Number(e.slice(0, -1)) <= 120, { error: 'must be at most 120m' });

export const tierBenefits = z.object({
  /** Member discount in percent off (5 = 5% off, 9.5折 is 5). */
  discountPct: z.number({ error: 'must be a number' }).finite().min(0, { error: 'must not be negative' }).max(100, { error: 'must be at most 100' }),
  /** Points given on the member's birthday. */
  birthdayPoints: weight,
  freeShipping: z.boolean({ error: 'must be true or false' }),
});
export type TierBenefits = z.infer<typeof tierBenefits>;

export const tierKey = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, { error: 'must be a short key of lower-case letters, digits and _ (gold)' });

export const loyaltyTier = z.object({
  key: tierKey,
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(50),
  minGrowth: weight.max(1_000_000_000),
  benefits: tierBenefits,
});
export type LoyaltyTier = z.infer<typeof loyaltyTier>;

const programShape = z.object({
  growth: z.object({
    perYuan: ratePerYuan,
    signIn: weight,
    review: weight,
    share: weight,
    window: growthWindow,
  }),
  tiers: z.array(loyaltyTier).min(1, { error: 'must have at least one tier' }).max(10, { error: 'may have at most 10 tiers' }),
  points: z.object({
    perYuan: ratePerYuan,
    pendingDays: z.number({ error: 'must be a whole number of days' }).int({ error: 'must be a whole number of days' }).min(0, { error: 'must not be negative' }).max(365),
    expiry: pointsExpiry,
    signIn: z.object({
      daily: weight,
      streak: z.array(z.object({
        days: z.number({ error: 'must be a whole number of days' }).int({ error: 'must be a whole number of days' }).min(2, { error: 'must be at least 2 days' }).max(366),
        points: weight,
      })).max(10),
    }),
    redeem: z.object({
      pointsPerYuan: z.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(1_000_000),
      maxShare: z.number({ error: 'must be a number' }).finite().gt(0, { error: 'must be above 0' }).max(1, { error: 'must be at most 1' }),
    }),
  }),
});

export const loyaltyProgram = programShape.superRefine((program, ctx) => {
  const tiers = program.tiers;
  if (tiers.length > 0 && tiers[0].minGrowth !== 0) {
    ctx.addIssue({ code: 'custom', path: ['tiers', 0, 'minGrowth'], message: 'the first tier must start at 0: every member is in a tier' });
  }
  const keys = new Set<string>();
  tiers.forEach((tier, i) => {
    if (keys.has(tier.key)) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'key'], message: `is used by another tier (${tier.key})` });
    keys.add(tier.key);
    if (i > 0 && tier.minGrowth <= tiers[i - 1].minGrowth) {
      ctx.addIssue({ code: 'custom', path: ['tiers', i, 'minGrowth'], message: `must be above the tier before (${tiers[i - 1].minGrowth}): tiers go from the lowest up, thresholds must not overlap` });
    }
  });
  program.points.signIn.streak.forEach((rule, i, rules) => {
    if (i > 0 && rule.days <= rules[i - 1].days) ctx.addIssue({ code: 'custom', path: ['points', 'signIn', 'streak', i, 'days'], message: `must be above the rule before (${rules[i - 1].days}): streak rules go from the shortest up` });
  });
});
export type LoyaltyProgram = z.infer<typeof loyaltyProgram>;

/** The program a shop runs until it sets its own: the seeds' 普通 / 黄金 / 钻石 pyramid, 消费1元积1分. */
export const DEFAULT_LOYALTY_PROGRAM: LoyaltyProgram = {
  growth: { perYuan: 1, signIn: 5, review: 10, share: 5, window: '365d' },
  tiers: [
    { key: 'normal', name: '普通会员', minGrowth: 0, benefits: { discountPct: 0, birthdayPoints: 100, freeShipping: false } },
    { key: 'gold', name: '黄金会员', minGrowth: 2000, benefits: { discountPct: 5, birthdayPoints: 300, freeShipping: false } },
    { key: 'diamond', name: '钻石会员', minGrowth: 10000, benefits: { discountPct: 10, birthdayPoints: 1000, freeShipping: true } },
  ],
  points: { perYuan: 1, pendingDays: 7, expiry: '12m', signIn: { daily: 5, streak: [{ days: 7, points: 20 }] }, redeem: { pointsPerYuan: 100, maxShare: 0.5 } },
};

/** GET and PUT answer: the program in force now, its version (0: the default, never set) and since when it applies. */
export const loyaltyProgramResult = programShape.extend({
  version: z.number().int(),
  effectiveFrom: z.string().nullable(),
});
export type LoyaltyProgramResult = z.infer<typeof loyaltyProgramResult>;

export const pointsKinds = ['earn', 'redeem', 'expire', 'adjust', 'clawback', 'sign_in', 'birthday', 'referral', 'journey'] as const;
export type PointsKind = (typeof pointsKinds)[number];

export const pointsEntry = z.object({
  id: z.string(),
  /** Signed: an earning is positive, a redemption, expiry or clawback negative. */
  amount: z.number().int(),
  kind: z.enum(pointsKinds),
  /** What it came from: `order:SO-1`, `refund:RF-1`, `adjust:<key>`, `sign_in:2026-11-11`, `lot:<id>` (an expiry). */
  source: z.string(),
  createdAt: z.string(),
  /** The lot's expiry for an earning (null while it is pending). */
  expiresAt: z.string().nullable(),
});
export type PointsEntry = z.infer<typeof pointsEntry>;

export const customerPoints = z.object({
  available: z.number().int(),
  pending: z.number().int(),
  /** Clawed back beyond the balance: taken from the next earnings. */
  owed: z.number().int(),
  expiring: z.array(z.object({ amount: z.number().int(), expiresAt: z.string() })),
  /** Newest first. */
  ledger: z.array(pointsEntry),
});
export type CustomerPoints = z.infer<typeof customerPoints>;

export const customerPointsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

export const pointsAdjustRequest = z.object({
  customerId: externalId,
  /** Points to add (positive) or take (negative, a spend: refused beyond the balance). */
  amount: z.number({ error: 'must be a whole number of points' }).int({ error: 'must be a whole number of points' })
    .min(-1_000_000_000).max(1_000_000_000).refine((n) => n !== 0, { error: 'must not be 0' }),
  reason: z.string().trim().min(1, { error: 'must not be empty' }).max(200),
  idempotencyKey: z.string().trim().min(1, { error: 'must not be empty' }).max(200),
});
export type PointsAdjustRequest = z.infer<typeof pointsAdjustRequest>;

export const pointsBalance = z.object({ available: z.number().int(), pending: z.number().int(), owed: z.number().int() });
export type PointsBalance = z.infer<typeof pointsBalance>;

export const pointsAdjustResult = z.object({ entry: pointsEntry, balance: pointsBalance, replayed: z.boolean() });
export type PointsAdjustResult = z.infer<typeof pointsAdjustResult>;

export const signInRequest = z.object({ customerId: externalId });
export const signInResult = z.object({
  alreadySignedIn: z.boolean(),
  /** The shop's local day of this sign-in. */
  date: localDate,
  /** Days in a row, today included. */
  streak: z.number().int(),
  /** Points given by this call (0 when already signed in today). */
  points: z.number().int(),
  entries: z.array(pointsEntry),
  balance: pointsBalance,
});
export type SignInResult = z.infer<typeof signInResult>;

export const tierChangeReasons = ['growth_reached', 'growth_below', 'program_changed'] as const;
export type TierChangeReason = (typeof tierChangeReasons)[number];

export const tierChange = z.object({
  at: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  reason: z.enum(tierChangeReasons),
  /** The growth value that decided it. */
  growth: z.number().int(),
  source: z.string().nullable(),
});
export type TierChange = z.infer<typeof tierChange>;

/** A member as the console and the levers read them: tier, growth value, the next tier, benefits and the tier history. */
export const loyaltyMember = z.object({
  customerId: z.string(),
  tier: z.string(),
  tierName: z.string(),
  tierSince: z.string(),
  growth: z.number().int(),
  nextTier: z.object({ key: z.string(), name: z.string(), minGrowth: z.number().int(), missing: z.number().int() }).nullable(),
  benefits: tierBenefits,
  /** Set when the growth value is below the tier: the day the downgrade is reviewed (the 1st of next month). */
  downgradeReviewAt: z.string().nullable(),
  changes: z.array(tierChange),
  balance: pointsBalance,
});
export type LoyaltyMember = z.infer<typeof loyaltyMember>;

export const loyaltyReportQuery = z.object({ from: localDate, to: localDate })
  .refine((q) => q.from < q.to, { error: 'to must be after from (periods are [from, to))', path: ['to'] });

export const loyaltyReport = z.object({
  from: z.string(),
  to: z.string(),
  currency: z.string(),
  /** Members in each tier at the end of the period, lowest tier first, with the sales of the period by them. */
  tiers: z.array(z.object({
    key: z.string(), name: z.string(), minGrowth: z.number().int(),
    members: z.number().int(),
    /** Members who paid an order in the period. */
    buyers: z.number().int(),
    /** Paid amount (minor units) of orders paid in the period by the tier's members. */
    sales: z.number().int(),
    /** sales / members; null when the tier has none. */
    salesPerMember: z.number().nullable(),
  })),
  tierMoves: z.object({
    upgrades: z.number().int(),
    downgrades: z.number().int(),
    moves: z.array(z.object({ from: z.string().nullable(), to: z.string(), reason: z.enum(tierChangeReasons), count: z.number().int() })),
  }),
  points: z.object({
    /** Every positive entry of the period (earn, sign-in, birthday, adjustment up ...). */
    issued: z.number().int(),
    redeemed: z.number().int(),
    expired: z.number().int(),
    clawedBack: z.number().int(),
    /** Adjustments down by hand. */
    adjustedOut: z.number().int(),
    /** Available and pending at the end of the period. */
    outstanding: z.number().int(),
    pending: z.number().int(),
    /** What the outstanding points are worth at the program's pointsPerYuan, in minor units. */
    liability: z.number().int(),
  }),
  /** The outstanding points and their liability at the start of each month of the period and at its end. */
  liabilitySeries: z.array(z.object({ date: z.string(), outstanding: z.number().int(), liability: z.number().int() })),
});
export type LoyaltyReport = z.infer<typeof loyaltyReport>;

/** What the customers module shows of a member in its list and profile. */
export interface MemberSummary {
  tier: string;
  tierName: string;
  /** Available points. */
  points: number;
}
