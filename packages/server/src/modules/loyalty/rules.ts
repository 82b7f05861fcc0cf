import { minorDigits, type LoyaltyProgram, type LoyaltyTier } from '@flywheel/contracts';
import { addMonths, instantOf, localDateOf, startOfLocalDay } from '../../platform/timezone';

/**
 * The program's rules as plain functions (no I/O): what an amount is worth in points and growth, which
 * tier a growth value reaches, when a lot becomes available and when it expires, what a sign-in gives.
 */

/** Rates have at most 4 decimals (the contract refuses more), so they are kept as integers ×10,000. */
export const RATE_SCALE = 10_000;
export const scaledRate = (perYuan: number) => Math.round(perYuan * RATE_SCALE);

/** The currency's major unit in minor units: 100 分 a 元, 1 for JPY. */
export const unitOf = (currency: string) => 10 ** minorDigits(currency);

/** floor(amount / unit × rate), exactly (BigInt: amounts up to 10^12 times rates up to 10^7 pass 2^53). */
export function worth(amountMinor: number, rateScaled: number, unit: number): number {
  if (amountMinor <= 0 || rateScaled <= 0) return 0;
  return Number((BigInt(amountMinor) * BigInt(rateScaled)) / (BigInt(unit) * BigInt(RATE_SCALE)));
}

/** An order's points at any moment: floor((paidAmount − refunded) / 100 × perYuan). */
export function orderPoints(paidAmount: number, refunded: number, rateScaled: number, unit: number): number {
  return worth(Math.max(0, paidAmount - refunded), rateScaled, unit);
}

/** The growth window in milliseconds (`365d`). */
export const windowMs = (window: string) => Number(window.slice(0, -1)) * 86_400_000;

/** The tier a growth value reaches: the highest whose minGrowth it reaches (the first starts at 0). */
export function tierFor(growth: number, tiers: readonly LoyaltyTier[]): LoyaltyTier {
  let reached = tiers[0];
  for (const tier of tiers) if (growth >= tier.minGrowth) reached = tier;
  return reached;
}

/** A tier's rank in the program (0 the lowest); -1 for a key the program no longer has. */
export const rankOf = (key: string, tiers: readonly LoyaltyTier[]) => tiers.findIndex((t) => t.key === key);

export type TierDecision =
  | { kind: 'stay' }
  | { kind: 'upgrade'; to: LoyaltyTier }
  /** Below the tier held: reviewed (and taken down) on the 1st of the next month. */
  | { kind: 'below'; to: LoyaltyTier };

/**
 * What a growth value means for the tier held: an upgrade applies at once, a value below the tier
 * waits for the monthly review. A held tier the program no longer has is replaced at once by the one
 * the value reaches.
 */
export function decideTier(held: string, growth: number, tiers: readonly LoyaltyTier[]): TierDecision {
  const reached = tierFor(growth, tiers);
  const heldRank = rankOf(held, tiers);
  const reachedRank = rankOf(reached.key, tiers);
  if (heldRank < 0 || reachedRank > heldRank) return { kind: 'upgrade', to: reached };
  if (reachedRank < heldRank) return { kind: 'below', to: reached };
  return { kind: 'stay' };
}

/** The first instant of the month after the one `at` falls in, in the shop's zone: when a downgrade is reviewed. */
export function nextMonthStart(at: Date, timezone: string): Date {
  const local = localDateOf(at, timezone);
  return startOfLocalDay(addMonths(`${local.slice(0, 7)}-01`, 1), timezone);
}

/** The first instant of the month `at` falls in. */
export function monthStart(at: Date, timezone: string): Date {
  return startOfLocalDay(`${localDateOf(at, timezone).slice(0, 7)}-01`, timezone);
}

/** When an order's points become available: `pendingDays` after payment. */
export const availableAt = (paidAt: Date, pendingDays: number) => new Date(paidAt.getTime() + pendingDays * 86_400_000);

/**
 * When a lot expires, counted from when it becomes available: `12m` is the same local time twelve
 * months on (the last day of a shorter month for the 31st), `year_end_next` the end of 31 December of
 * the next year (the first instant of the year after).
 */
export function expiresAt(available: Date, expiry: string, timezone: string): Date {
  const local = localDateOf(available, timezone);
  const year = Number(local.slice(0, 4));
  if (expiry === 'year_end_next') return startOfLocalDay(`${year + 2}-01-01`, timezone);
  const months = Number(expiry.slice(0, -1));
  const dayStart = startOfLocalDay(local, timezone).getTime();
  const timeOfDay = available.getTime() - dayStart;
  const [y, m, d] = addMonths(local, months).split('-').map(Number);
  return new Date(instantOf({ year: y, month: m, day: d, hour: 0, minute: 0, second: 0, millisecond: 0 }, timezone) + timeOfDay);
}

/** Days in a row after a sign-in on `today`, given the last one (yesterday continues the streak, anything else starts again). */
export function nextStreak(lastSignIn: string | null, streak: number, today: string, yesterday: string): number {
  return lastSignIn === yesterday ? streak + 1 : 1;
}

/** The streak bonuses a sign-in earns: each rule pays on every multiple of its days (7, 14, 21 ...). */
export function streakBonuses(streak: number, rules: LoyaltyProgram['points']['signIn']['streak']): { days: number; points: number }[] {
  return rules.filter((r) => r.points > 0 && streak > 0 && streak % r.days === 0);
}

/** This year's occurrence of a birthday (YYYY-MM-DD), 29 February falling on the 28th in other years. */
export function birthdayIn(year: number, birthday: string): string {
  const [, month, day] = birthday.split('-').map(Number);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const d = month === 2 && day === 29 && !leap ? 28 : day;
  return `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The next birthday from a local date on (today's if it is today). */
export function nextBirthday(today: string, birthday: string): string {
  const year = Number(today.slice(0, 4));
  const thisYear = birthdayIn(year, birthday);
  return thisYear >= today ? thisYear : birthdayIn(year + 1, birthday);
}

/** What points are worth in money (minor units) at the program's pointsPerYuan. */
export const pointsValue = (points: number, pointsPerYuan: number, unit: number) => Math.round((points * unit) / pointsPerYuan);
