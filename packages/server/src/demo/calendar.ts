/**
 * The demo shop's retail calendar (电商日历): how busy each local date is and which campaign runs.
 * Date based and year independent, so a demo ending in any year gets its 618, 双11 and 春节.
 *
 * `multiplier` is the day's purchase intensity relative to an ordinary weekday (1.0); the generator
 * multiplies every customer's purchase rate by it, so GMV follows it directly.
 */

export const demoCategories = ['服饰', '美妆', '数码', '食品', '家居', '母婴'] as const;
export type DemoCategory = (typeof demoCategories)[number];

/** 满减: every (or the first) `threshold` 分 of goods takes `off` 分 off the order. */
export interface FullReduction {
  threshold: number;
  off: number;
  /** 每满 (repeats per threshold) rather than a single 满 tier. */
  repeat: boolean;
}

/** 店铺满减 tiers (满500减30, 满1000减80): the shop's own, on top of the platform's 满减. */
export interface ShopReduction {
  tiers: { min: number; off: number }[];
}

/** A campaign coupon (店铺券) that buyers may have collected: `off` 分 once the goods reach `threshold`. */
export interface CampaignCoupon {
  code: string;
  threshold: number;
  off: number;
}

export type CampaignPhase = 'preheat' | 'sale' | 'peak' | 'encore';

export interface DayProfile {
  date: string;
  /** Purchase intensity relative to an ordinary weekday. */
  multiplier: number;
  /** Extra weight of a category in what people buy that day (情人节 美妆 x1.8...). */
  categoryBoost: Record<DemoCategory, number>;
  /** Visitor -> buyer conversion relative to normal: up on sale days, down during 预热 (people only add to cart). */
  conversionLift: number;
  /** Campaign running that day ('618大促', '双11预售'...), null on ordinary days. */
  campaign: string | null;
  phase: CampaignPhase | null;
  fullReduction: FullReduction | null;
  shopReduction: ShopReduction | null;
  coupon: CampaignCoupon | null;
  /** 预售: orders may be deposits (定金) whose balance (尾款) is paid on 11-11. */
  presale: boolean;
  /** 0 点开抢: a large share of the day's traffic lands right after midnight. */
  midnightRush: boolean;
  /** Ad auction price relative to normal: CPC climbs when every shop bids for the same sale. */
  adCostIndex: number;
}

// ---------------------------------------------------------------------------------------------
// Dates: local calendar dates as day numbers (days since 1970-01-01), independent of any time zone.

const DAY_MS = 86_400_000;

export function toDayNumber(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`not a date YYYY-MM-DD: ${date}`);
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
  if (fromDayNumber(day) !== date) throw new Error(`not a calendar date: ${date}`);
  return day;
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + days);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(date: string): number {
  return (toDayNumber(date) + 4) % 7; // 1970-01-01 was a Thursday
}

// ---------------------------------------------------------------------------------------------
// Movable holidays.

/** 春节 (Chinese New Year's day). Known dates; other years fall back to an astronomical estimate. */
const springFestivalTable: Record<number, string> = {
  2018: '2018-02-16', 2019: '2019-02-05', 2020: '2020-01-25', 2021: '2021-02-12', 2022: '2022-02-01', 2023: '2023-01-22',
  2024: '2024-02-10', 2025: '2025-01-29', 2026: '2026-02-17', 2027: '2027-02-06', 2028: '2028-01-26', 2029: '2029-02-13',
  2030: '2030-02-03', 2031: '2031-01-23', 2032: '2032-02-11', 2033: '2033-01-31', 2034: '2034-02-19', 2035: '2035-02-08',
};

export function springFestival(year: number): string {
  return springFestivalTable[year] ?? estimateSpringFestival(year);
}

/**
 * 春节 is (nearly always) the first new moon, Beijing time, on or after January 21. A mean lunation
 * from a known new moon can be off by about half a day, so this is a fallback, not a replacement
 * for the table.
 */
export function estimateSpringFestival(year: number): string {
  const knownNewMoon = Date.UTC(2000, 0, 6, 18, 14); // 2000-01-06 18:14 UTC
  const lunation = 29.530588853 * DAY_MS;
  const beijing = 8 * 3_600_000;
  const earliest = Date.UTC(year, 0, 21) - beijing; // Jan 21 00:00 in Beijing
  const k = Math.ceil((earliest - knownNewMoon) / lunation);
  const newMoon = knownNewMoon + k * lunation;
  return new Date(newMoon + beijing).toISOString().slice(0, 10);
}

/** 母亲节: the second Sunday of May. */
export function mothersDay(year: number): string {
  const first = `${year}-05-01`;
  const offset = (7 - weekday(first)) % 7;
  return addDays(first, offset + 7);
}

// ---------------------------------------------------------------------------------------------
// The profile of one day.

/** Shoppers buy more at the weekend, most on Sunday evening. */
const weekdayFactor = [1.12, 0.97, 0.95, 0.96, 0.97, 0.95, 1.07];
/** Summer lull (暑期), a slightly busier 换季 spring and Q4. */
const monthFactor = [1.0, 0.95, 1.02, 0.97, 1.0, 1.0, 0.9, 0.9, 1.0, 0.97, 1.05, 1.05];

const noBoost = (): Record<DemoCategory, number> => ({ 服饰: 1, 美妆: 1, 数码: 1, 食品: 1, 家居: 1, 母婴: 1 });

interface Effect {
  multiplier: number;
  categories?: Partial<Record<DemoCategory, number>>;
  campaign?: string;
  phase?: CampaignPhase;
  fullReduction?: FullReduction;
  shopReduction?: ShopReduction;
  coupon?: CampaignCoupon;
  presale?: boolean;
  midnightRush?: boolean;
  conversionLift?: number;
}

const yuan = (v: number) => v * 100;

/** 618 (年中大促): 预热 from 05-20, 开门红 on 06-01, the peak on 06-18, 返场 to 06-20. */
function effect618(month: number, day: number): Effect | null {
  const sale = { campaign: '618大促', fullReduction: { threshold: yuan(300), off: yuan(40), repeat: true }, coupon: { code: '618-50', threshold: yuan(399), off: yuan(50) } };
  const categories = { 数码: 1.4, 家居: 1.2, 美妆: 1.1 };
  if (month === 5 && day >= 20 && day <= 30) return { multiplier: 1.15, campaign: '618大促', phase: 'preheat', conversionLift: 0.85, categories: { 数码: 1.2 } };
  if (month === 5 && day === 31) return { multiplier: 1.4, ...sale, phase: 'sale', categories };
  if (month !== 6) return null;
  if (day === 1) return { multiplier: 2.6, ...sale, phase: 'peak', midnightRush: true, categories };
  if (day <= 15) return { multiplier: 1.35, ...sale, phase: 'sale', categories };
  if (day <= 17) return { multiplier: 1.8, ...sale, phase: 'sale', categories };
  if (day === 18) return { multiplier: 4.6, ...sale, phase: 'peak', midnightRush: true, categories };
  if (day <= 20) return { multiplier: 1.2, ...sale, phase: 'encore', categories };
  return { multiplier: 0.9 }; // after the sale people have bought what they needed
}

/** 双11: 预售 (deposits) from 10-20, 第一波 on 11-01, the year's biggest day on 11-11. */
function effectDouble11(month: number, day: number): Effect | null {
  const sale = {
    campaign: '双11', fullReduction: { threshold: yuan(300), off: yuan(50), repeat: true }, coupon: { code: 'D11-80', threshold: yuan(599), off: yuan(80) },
    shopReduction: { tiers: [{ min: yuan(400), off: yuan(30) }, { min: yuan(800), off: yuan(80) }] },
  };
  const categories = { 美妆: 1.4, 服饰: 1.3, 母婴: 1.3, 数码: 1.2 };
  if (month === 10 && day >= 1 && day <= 7) return { multiplier: 0.85 }; // 国庆 golden week: people travel
  if (month === 10 && day >= 20) return { multiplier: 1.3, campaign: '双11预售', phase: 'preheat', presale: true, conversionLift: 0.9, categories: { 美妆: 1.4, 服饰: 1.2 } };
  if (month !== 11) return null;
  if (day === 1) return { multiplier: 2.4, ...sale, phase: 'peak', midnightRush: true, categories };
  if (day <= 3) return { multiplier: 1.6, ...sale, phase: 'sale', categories };
  if (day <= 9) return { multiplier: 1.3, ...sale, phase: 'sale', presale: true, categories };
  if (day === 10) return { multiplier: 1.9, ...sale, phase: 'sale', presale: true, categories };
  if (day === 11) return { multiplier: 7.5, ...sale, phase: 'peak', midnightRush: true, categories };
  if (day <= 13) return { multiplier: 1.35, ...sale, phase: 'encore', categories };
  if (day <= 20) return { multiplier: 0.85 }; // 透支: the week after 双11 is quiet
  return null;
}

function effectDouble12(month: number, day: number): Effect | null {
  if (month !== 12 || day < 8 || day > 12) return null;
  const sale = { campaign: '双12', fullReduction: { threshold: yuan(200), off: yuan(20), repeat: false }, coupon: { code: 'D12-30', threshold: yuan(299), off: yuan(30) } };
  if (day < 12) return { multiplier: 1.15, ...sale, phase: 'preheat' };
  return { multiplier: 2.3, ...sale, phase: 'peak' };
}

/** 年货节 before 春节, then the 春节 dip: couriers stop (快递停运) about a week before and restart after 初七. */
function effectSpringFestival(date: string, year: number): Effect | null {
  // The window around 春节 can cross the year boundary (late-January 春节 and its 年货节 in early January).
  for (const y of [year, year + 1]) {
    const offset = toDayNumber(date) - toDayNumber(springFestival(y));
    if (offset >= -28 && offset <= -10) {
      const ramp = 1.15 + 0.2 * ((offset + 28) / 18);
      return {
        multiplier: ramp, campaign: '年货节', phase: offset >= -12 ? 'peak' : 'sale',
        categories: { 食品: 2.2, 家居: 1.3 },
        fullReduction: { threshold: yuan(199), off: yuan(20), repeat: false },
        coupon: { code: 'NY-20', threshold: yuan(299), off: yuan(20) },
      };
    }
    if (offset >= -9 && offset <= -1) return { multiplier: 0.8 - 0.45 * ((offset + 9) / 8), categories: { 食品: 1.5 } };
    if (offset >= 0 && offset <= 5) return { multiplier: 0.35 + 0.03 * offset };
    if (offset >= 6 && offset <= 14) return { multiplier: 0.6 + 0.04 * (offset - 6) };
  }
  return null;
}

function effectSmallFestivals(date: string, month: number, day: number): Effect | null {
  if (month === 2 && day >= 10 && day <= 14) {
    return {
      multiplier: [1.1, 1.1, 1.15, 1.25, 1.35][day - 10], campaign: '情人节', phase: day >= 13 ? 'peak' : 'sale',
      categories: { 美妆: 1.8, 服饰: 1.4, 食品: 1.2 },
      coupon: { code: 'LOVE214', threshold: yuan(214), off: yuan(20) },
    };
  }
  if (month === 3 && day >= 5 && day <= 8) {
    return {
      multiplier: [1.15, 1.2, 1.3, 1.6][day - 5], campaign: '女神节', phase: day === 8 ? 'peak' : 'sale',
      categories: { 美妆: 2.0, 服饰: 1.5 },
      fullReduction: { threshold: yuan(238), off: yuan(38), repeat: false },
      coupon: { code: 'QUEEN38', threshold: yuan(199), off: yuan(38) },
    };
  }
  if (month === 5) {
    const offset = toDayNumber(date) - toDayNumber(mothersDay(Number(date.slice(0, 4))));
    if (offset >= -5 && offset <= 0) {
      return {
        multiplier: 1.1 + 0.03 * (offset + 5), campaign: '母亲节', phase: offset >= -1 ? 'peak' : 'sale',
        categories: { 美妆: 1.6, 母婴: 1.5, 家居: 1.4 },
        coupon: { code: 'MOM30', threshold: yuan(299), off: yuan(30) },
      };
    }
  }
  return null;
}

const cache = new Map<string, DayProfile>();

export function dayProfile(date: string): DayProfile {
  const cached = cache.get(date);
  if (cached) return cached;
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const profile: DayProfile = {
    date,
    multiplier: weekdayFactor[weekday(date)] * monthFactor[month - 1],
    categoryBoost: noBoost(),
    conversionLift: 1,
    campaign: null,
    phase: null,
    fullReduction: null,
    shopReduction: null,
    coupon: null,
    presale: false,
    midnightRush: false,
    adCostIndex: 1,
  };
  // The big sales first: when festivals overlap, the first campaign named wins the name and offers.
  const effects = [effectDouble11(month, day), effect618(month, day), effectDouble12(month, day), effectSpringFestival(date, year), effectSmallFestivals(date, month, day)];
  for (const effect of effects) if (effect) apply(profile, effect);
  if (profile.phase && profile.conversionLift === 1) profile.conversionLift = Math.min(1.8, Math.pow(profile.multiplier, 0.35));
  profile.adCostIndex = profile.phase === 'peak' ? 1.6 : profile.phase === 'sale' || profile.phase === 'encore' ? 1.3 : profile.phase === 'preheat' ? 1.15 : 1;
  cache.set(date, profile);
  return profile;
}

function apply(profile: DayProfile, effect: Effect): void {
  profile.multiplier *= effect.multiplier;
  for (const [category, boost] of Object.entries(effect.categories ?? {}) as [DemoCategory, number][]) profile.categoryBoost[category] *= boost;
  if (effect.conversionLift) profile.conversionLift *= effect.conversionLift;
  if (effect.presale) profile.presale = true;
  if (effect.midnightRush) profile.midnightRush = true;
  if (effect.campaign && !profile.campaign) {
    profile.campaign = effect.campaign;
    profile.phase = effect.phase ?? null;
    profile.fullReduction = effect.fullReduction ?? null;
    profile.shopReduction = effect.shopReduction ?? null;
    profile.coupon = effect.coupon ?? null;
  }
}

/** The day's purchase intensity relative to an ordinary weekday. */
export function dayMultiplier(date: string): number {
  return dayProfile(date).multiplier;
}

/** The day's intensity for one category (the day's multiplier times the category's festival boost). */
export function categoryMultiplier(date: string, category: DemoCategory): number {
  const profile = dayProfile(date);
  return profile.multiplier * profile.categoryBoost[category];
}

/** The campaign running on a date, or null. */
export function campaignOn(date: string): string | null {
  return dayProfile(date).campaign;
}
