/**
 * The demo shop's customers (用户画像): who they are, where they live, when and through which
 * channel they signed up, and, hidden from the records, how often they buy and how soon they
 * stop (a BG/NBD-like process: a Gamma-distributed purchase rate and a Beta-distributed chance
 * to drop out after each purchase).
 */
import type { Channel, CustomerRecord } from '@flywheel/contracts';
import type { DemoCategory } from './calendar';
import { dayProfile, demoCategories, fromDayNumber, toDayNumber } from './calendar';
import type { ShopClock } from './clock';
import { drawSecondOfDay } from './clock';
import { Rng, WeightedTable, hash32, seed32 } from './random';
import type { TrafficPlan } from './traffic';
import { channelIndex, channelProfiles } from './traffic';

interface City {
  province: string;
  city: string;
  /** 1 一线, 2 新一线, 3 二线, 4 三线及以下 */
  tier: 1 | 2 | 3 | 4;
  weight: number;
}

const city = (province: string, name: string, tier: City['tier'], weight: number): City => ({ province, city: name, tier, weight });

export const cities: City[] = [
  city('北京', '北京', 1, 5), city('上海', '上海', 1, 5.5), city('广东', '广州', 1, 3.5), city('广东', '深圳', 1, 3.5),
  city('四川', '成都', 2, 3), city('浙江', '杭州', 2, 3), city('重庆', '重庆', 2, 2.6), city('湖北', '武汉', 2, 2.4), city('陕西', '西安', 2, 2),
  city('江苏', '苏州', 2, 2.2), city('江苏', '南京', 2, 2.2), city('天津', '天津', 2, 1.8), city('湖南', '长沙', 2, 1.9), city('河南', '郑州', 2, 1.8),
  city('广东', '东莞', 2, 1.6), city('山东', '青岛', 2, 1.6), city('安徽', '合肥', 2, 1.5), city('广东', '佛山', 2, 1.5), city('浙江', '宁波', 2, 1.5),
  city('云南', '昆明', 3, 1.3), city('辽宁', '沈阳', 3, 1.3), city('江苏', '无锡', 3, 1.3), city('福建', '厦门', 3, 1.2), city('福建', '福州', 3, 1.2),
  city('山东', '济南', 3, 1.2), city('辽宁', '大连', 3, 1.1), city('浙江', '温州', 3, 1.1), city('黑龙江', '哈尔滨', 3, 1.1), city('吉林', '长春', 3, 1),
  city('广西', '南宁', 3, 1), city('河北', '石家庄', 3, 1), city('贵州', '贵阳', 3, 0.9), city('江西', '南昌', 3, 0.9), city('福建', '泉州', 3, 0.9),
  city('浙江', '金华', 3, 0.9), city('江苏', '常州', 3, 0.9), city('广东', '惠州', 3, 0.8), city('浙江', '嘉兴', 3, 0.8), city('山西', '太原', 3, 0.8),
  city('甘肃', '兰州', 3, 0.6), city('海南', '海口', 3, 0.5), city('新疆', '乌鲁木齐', 3, 0.5),
  city('河南', '洛阳', 4, 0.7), city('江西', '赣州', 4, 0.7), city('四川', '绵阳', 4, 0.6), city('广西', '桂林', 4, 0.6), city('贵州', '遵义', 4, 0.6),
  city('湖北', '宜昌', 4, 0.6), city('湖北', '襄阳', 4, 0.6), city('湖南', '岳阳', 4, 0.6), city('湖南', '常德', 4, 0.5), city('广东', '揭阳', 4, 0.6),
  city('河南', '商丘', 4, 0.6), city('河南', '周口', 4, 0.6), city('山东', '临沂', 4, 0.8), city('山东', '潍坊', 4, 0.7), city('河北', '保定', 4, 0.7),
  city('河北', '邯郸', 4, 0.6), city('四川', '南充', 4, 0.5), city('云南', '曲靖', 4, 0.5), city('广东', '湛江', 4, 0.6), city('江苏', '盐城', 4, 0.6),
  city('安徽', '阜阳', 4, 0.6), city('陕西', '榆林', 4, 0.4), city('黑龙江', '大庆', 4, 0.4), city('内蒙古', '包头', 4, 0.4),
];
const cityTable = new WeightedTable(cities.map((c) => c.weight));
const tierOfCity = new Map(cities.map((c) => [c.city, c.tier]));

const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹'];
const surnameTable = new WeightedTable(surnames.map((_, i) => 1 / (i + 3)));
const femaleChars = ['婷', '雨', '欣', '佳', '怡', '静', '雪', '琳', '晓', '梦', '思', '涵', '悦', '诗', '嘉', '彤', '颖', '慧', '丽', '芳', '萱', '可', '心', '然'];
const maleChars = ['伟', '浩', '宇', '杰', '俊', '磊', '强', '鹏', '涛', '明', '轩', '子', '博', '文', '斌', '辉', '晨', '昊', '凯', '阳', '一', '然', '嘉', '思'];
const phonePrefixes = ['138', '139', '135', '136', '137', '150', '151', '152', '158', '159', '186', '187', '188', '177', '176', '199', '189', '180', '181', '133', '153'];

/** 18-24, 25-34, 35-44, 45-60: the age bands the category affinities are given for. */
export function ageBand(age: number): number {
  return age < 25 ? 0 : age < 35 ? 1 : age < 45 ? 2 : 3;
}

const affinity: Record<'female' | 'male', number[][]> = {
  //        服饰 美妆 数码 食品 家居 母婴
  female: [[1.4, 1.6, 0.8, 1.0, 0.6, 0.3], [1.3, 1.4, 0.6, 1.0, 1.0, 1.8], [1.1, 1.1, 0.6, 1.1, 1.4, 1.2], [1.0, 0.8, 0.5, 1.3, 1.5, 0.6]],
  male: [[0.9, 0.4, 2.4, 1.0, 0.5, 0.2], [0.8, 0.4, 2.0, 1.0, 0.8, 1.0], [0.8, 0.3, 1.8, 1.2, 1.0, 0.7], [0.7, 0.3, 1.5, 1.4, 1.1, 0.3]],
};

/** 12 segments: gender (female, male, unknown) x age band. */
export const SEGMENTS = 12;
export function segmentOf(gender: CustomerRecord['gender'], age: number): number {
  const g = gender === 'female' ? 0 : gender === 'male' ? 1 : 2;
  return g * 4 + ageBand(age);
}
export function segmentAffinity(segment: number, category: DemoCategory): number {
  const g = Math.floor(segment / 4);
  if (g === 2) return 1;
  return affinity[g === 0 ? 'female' : 'male'][segment % 4][demoCategories.indexOf(category)];
}

/** Share of new customers who buy in the session they sign up in (新人首单). */
export const SIGN_UP_BUYERS = 0.28;

/** Share of customers who signed up before the generated history (the shop is not new). */
const EARLIER_CUSTOMERS = 0.22;
/** How far back the earlier customers go. */
const EARLIER_SPAN_DAYS = 900;

interface Registration {
  day: number;
  second: number;
  channel: Channel;
}

/**
 * When people sign up: spread over the history, more on busy days (big sales bring new customers)
 * and KOL days, growing over time; about a fifth signed up before the history starts.
 * Sorted by time, so customer numbers grow with sign-up time as auto-increment ids do.
 */
function registrations(rng: Rng, count: number, startDay: number, days: number, plan: TrafficPlan): Registration[] {
  const earlier = Math.round(count * EARLIER_CUSTOMERS);
  const out: Registration[] = [];
  const acquisition = new WeightedTable(channelProfiles.map((p) => p.acquisition));
  for (let i = 0; i < earlier; i++) {
    const back = 1 + Math.floor(EARLIER_SPAN_DAYS * Math.pow(rng.next(), 1.5));
    out.push({ day: startDay - back, second: drawSecondOfDay(rng, false), channel: channelProfiles[acquisition.draw(rng)].channel });
  }
  const weights = new Float64Array(days);
  let total = 0;
  for (let d = 0; d < days; d++) {
    weights[d] = Math.pow(dayProfile(fromDayNumber(startDay + d)).multiplier, 0.6) * (1 + (0.8 * d) / days) * plan.lift(d);
    total += weights[d];
  }
  // Deterministic apportionment: the running expected count, rounded, so the total is exact.
  const inWindow = count - earlier;
  let cumulative = 0;
  let assigned = 0;
  for (let d = 0; d < days; d++) {
    cumulative += weights[d];
    const upTo = Math.round((inWindow * cumulative) / total);
    const profile = dayProfile(fromDayNumber(startDay + d));
    const dayAcquisition = new WeightedTable(channelProfiles.map((p, c) => p.acquisition * plan.boost(d, c)));
    for (; assigned < upTo; assigned++) {
      out.push({ day: startDay + d, second: drawSecondOfDay(rng, profile.midnightRush), channel: channelProfiles[dayAcquisition.draw(rng)].channel });
    }
  }
  return out.sort((a, b) => a.day - b.day || a.second - b.second);
}

function chineseName(rng: Rng, gender: CustomerRecord['gender']): string {
  const chars = gender === 'male' ? maleChars : gender === 'female' ? femaleChars : rng.chance(0.5) ? maleChars : femaleChars;
  const given = rng.chance(0.7) ? rng.pick(chars) + rng.pick(chars) : rng.pick(chars);
  return surnames[surnameTable.draw(rng)] + given;
}

/** Ages 18-60, most between 22 and 40. */
function drawAge(rng: Rng): number {
  return 18 + Math.floor(42 * rng.beta(2.2, 3.6));
}

export function generateCustomerRecords(seed: number, count: number, startDay: number, days: number, plan: TrafficPlan, clock: ShopClock): CustomerRecord[] {
  const rng = new Rng(seed, 'customers');
  const endYear = Number(fromDayNumber(startDay + days).slice(0, 4));
  const regs = registrations(rng, count, startDay, days, plan);
  const out = new Array<CustomerRecord>(count);
  for (let i = 0; i < count; i++) {
    const reg = regs[i];
    const id = `c${i + 1}`;
    const gender = rng.next() < 0.61 ? 'female' : rng.next() < 0.93 ? 'male' : 'unknown';
    const age = drawAge(rng);
    const home = cities[cityTable.draw(rng)];
    const month = 1 + rng.int(12);
    const day = 1 + rng.int(month === 2 ? 28 : 30);
    const record: CustomerRecord = {
      externalId: id,
      name: chineseName(rng, gender),
      gender,
      birthday: `${endYear - age}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`,
      province: home.province,
      city: home.city,
      registeredAt: clock.timestamp(reg.day, reg.second),
      channel: reg.channel,
    };
    // Masked (脱敏) phones and example.com addresses: a demo must never text or mail a real person.
    if (rng.chance(0.75)) record.phone = `${rng.pick(phonePrefixes)}****${String(rng.int(10000)).padStart(4, '0')}`;
    if (rng.chance(0.3)) record.email = `${id}@example.com`;
    const tags: string[] = [];
    if (reg.channel === 'private_domain' || rng.chance(0.18)) tags.push('企微好友');
    if (rng.chance(0.1)) tags.push('社群成员');
    if (age < 23 && rng.chance(0.3)) tags.push('学生');
    if (tags.length > 0) record.tags = tags;
    out[i] = record;
  }
  return out;
}

/** What the simulation knows about every customer, in typed arrays (1,000,000 customers fit). */
export interface CustomerTraits {
  count: number;
  /** Day number and local second of sign-up. */
  regDay: Int32Array;
  regSecond: Int32Array;
  /** Purchases per day while active, before the day's multiplier. */
  rate: Float64Array;
  /** Chance to stop buying after each purchase. */
  dropout: Float32Array;
  segment: Uint8Array;
  /** Acquisition channel (index into channelProfiles). */
  channel: Uint8Array;
  /** Index into demoPlatforms of the platform they use most. */
  platform: Uint8Array;
  /** Buys in the sign-up session (新人首单). */
  buysAtSignUp: Uint8Array;
  /** Still a customer when the history starts (earlier customers only). */
  activeAtStart: Uint8Array;
}

const dayNumberCache = new Map<string, number>();
function cachedDayNumber(date: string): number {
  let day = dayNumberCache.get(date);
  if (day === undefined) {
    day = toDayNumber(date);
    dayNumberCache.set(date, day);
  }
  return day;
}

/**
 * Derives the hidden traits from the records (as generateCustomers made them) and the seed, so
 * generateDays needs nothing but what the loader already holds.
 */
export function customerTraits(seed: number, customers: CustomerRecord[], startDay: number, endYear: number): CustomerTraits {
  const n = customers.length;
  const traits: CustomerTraits = {
    count: n,
    regDay: new Int32Array(n), regSecond: new Int32Array(n), rate: new Float64Array(n), dropout: new Float32Array(n),
    segment: new Uint8Array(n), channel: new Uint8Array(n), platform: new Uint8Array(n), buysAtSignUp: new Uint8Array(n), activeAtStart: new Uint8Array(n),
  };
  const rng = new Rng(seed, 'traits');
  const platformTable = new WeightedTable([0.45, 0.3, 0.1, 0.15]);
  const tierRate = [1, 1.15, 1.05, 1, 0.9];
  for (let i = 0; i < n; i++) {
    const c = customers[i];
    const registeredAt = c.registeredAt ?? `${fromDayNumber(startDay)}T00:00:00+08:00`;
    traits.regDay[i] = cachedDayNumber(registeredAt.slice(0, 10));
    traits.regSecond[i] = Number(registeredAt.slice(11, 13)) * 3600 + Number(registeredAt.slice(14, 16)) * 60 + Number(registeredAt.slice(17, 19));
    const age = c.birthday ? endYear - Number(c.birthday.slice(0, 4)) : 30;
    traits.segment[i] = segmentOf(c.gender, age);
    traits.channel[i] = channelIndex.get((c.channel ?? 'direct') as Channel) ?? channelIndex.get('direct') ?? 0;
    traits.platform[i] = platformTable.draw(rng);
    // Heterogeneous buyers: most buy a few times a year, a few every couple of weeks.
    const rate = rng.gamma(0.75, 0.008) * tierRate[tierOfCity.get(c.city ?? '') ?? 3];
    traits.rate[i] = rate;
    const dropout = rng.beta(1.1, 2.6);
    traits.dropout[i] = dropout;
    traits.buysAtSignUp[i] = rng.chance(SIGN_UP_BUYERS) ? 1 : 0;
    // Earlier customers may already have dropped out after purchases the history does not show.
    const tenure = startDay - traits.regDay[i];
    if (tenure > 0) {
      const pastPurchases = rng.poisson(rate * tenure * 0.5 + SIGN_UP_BUYERS);
      traits.activeAtStart[i] = rng.next() < Math.pow(1 - dropout, pastPurchases) ? 1 : 0;
    }
  }
  return traits;
}

/** The anonymousId of a customer's own phone / browser, stable across sessions. */
export function deviceId(seed: number, customer: number): string {
  return `anon-${hash32(seed32(seed), customer, 11).toString(16).padStart(8, '0')}-${customer.toString(36)}`;
}

/** The anonymousId of an anonymous visitor number k. */
export function visitorId(seed: number, k: number): string {
  return `anon-${hash32(seed32(seed), k, 13).toString(16).padStart(8, '0')}-v${k.toString(36)}`;
}
