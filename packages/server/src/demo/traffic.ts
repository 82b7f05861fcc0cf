/**
 * Where the demo shop's visitors come from: channel mix, conversion and bounce by channel,
 * the UTM / referrer each channel leaves (so the platform's channel mapping derives it), the
 * platform (app / 小程序 / web / h5) people use, KOL posts, and what marketing costs.
 */
import type { Channel } from '@flywheel/contracts';
import type { DayProfile, DemoCategory } from './calendar';
import { fromDayNumber, toDayNumber, dayProfile } from './calendar';
import { Rng, WeightedTable } from './random';

export const demoPlatforms = ['app', 'mini_program', 'web', 'h5'] as const;
export type DemoPlatform = (typeof demoPlatforms)[number];

export interface ChannelProfile {
  channel: Channel;
  /** Share of sessions on an ordinary day. */
  visits: number;
  /** Session -> purchase on an ordinary day. */
  conversion: number;
  /** Share of sessions that see one page and leave. */
  bounce: number;
  /** Weight as the channel people sign up through (注册渠道). */
  acquisition: number;
  /** Weight among returning customers' purchase sessions: they come back by 私域, 直接访问, 短信... */
  loyal: number;
  /** Session weights by platform: app, mini_program, web, h5. */
  platforms: [number, number, number, number];
}

/** Paid search and 信息流 bring volume at low conversion; 私域 converts best and costs little. */
export const channelProfiles: ChannelProfile[] = [
  { channel: 'paid_search', visits: 0.15, conversion: 0.024, bounce: 0.43, acquisition: 0.15, loyal: 0.05, platforms: [0.15, 0, 0.5, 0.35] },
  { channel: 'organic_search', visits: 0.12, conversion: 0.03, bounce: 0.45, acquisition: 0.12, loyal: 0.07, platforms: [0.05, 0, 0.55, 0.4] },
  { channel: 'paid_social', visits: 0.17, conversion: 0.012, bounce: 0.6, acquisition: 0.17, loyal: 0.04, platforms: [0.35, 0.1, 0, 0.55] },
  { channel: 'social', visits: 0.13, conversion: 0.016, bounce: 0.53, acquisition: 0.12, loyal: 0.05, platforms: [0.3, 0.15, 0.05, 0.5] },
  { channel: 'kol', visits: 0.04, conversion: 0.022, bounce: 0.47, acquisition: 0.06, loyal: 0.03, platforms: [0.3, 0.15, 0, 0.55] },
  { channel: 'private_domain', visits: 0.07, conversion: 0.08, bounce: 0.25, acquisition: 0.07, loyal: 0.3, platforms: [0.1, 0.8, 0, 0.1] },
  { channel: 'email', visits: 0.02, conversion: 0.04, bounce: 0.4, acquisition: 0, loyal: 0.06, platforms: [0.2, 0, 0.5, 0.3] },
  { channel: 'sms', visits: 0.02, conversion: 0.045, bounce: 0.41, acquisition: 0, loyal: 0.06, platforms: [0.4, 0.2, 0, 0.4] },
  { channel: 'referral', visits: 0.04, conversion: 0.035, bounce: 0.4, acquisition: 0.09, loyal: 0.04, platforms: [0.3, 0.4, 0.1, 0.2] },
  { channel: 'affiliate', visits: 0.06, conversion: 0.03, bounce: 0.45, acquisition: 0.06, loyal: 0.05, platforms: [0.2, 0.1, 0.3, 0.4] },
  { channel: 'direct', visits: 0.18, conversion: 0.045, bounce: 0.33, acquisition: 0.16, loyal: 0.25, platforms: [0.7, 0.1, 0.15, 0.05] },
];

export const channelIndex = new Map<Channel, number>(channelProfiles.map((p, i) => [p.channel, i]));
export const platformTables = channelProfiles.map((p) => new WeightedTable(p.platforms));

// ---------------------------------------------------------------------------------------------
// KOL posts: a few big days a month, more before 618 and 双11.

export interface KolPost {
  day: number;
  handle: string;
  category: DemoCategory;
  /** Extra KOL traffic on the post day, in multiples of the ordinary KOL traffic. */
  size: number;
}

const kolHandles: { handle: string; category: DemoCategory }[] = [
  { handle: 'xhs_小鹿穿搭日记', category: '服饰' },
  { handle: 'dy_阿七爱测评', category: '数码' },
  { handle: 'xhs_成分党Lily', category: '美妆' },
  { handle: 'dy_宝妈小雨', category: '母婴' },
  { handle: 'bili_家居改造王', category: '家居' },
  { handle: 'dy_吃货老周', category: '食品' },
  { handle: 'wb_数码老张', category: '数码' },
  { handle: 'xhs_通勤穿搭Mia', category: '服饰' },
  { handle: 'dy_护肤课代表', category: '美妆' },
];

/** Decay of a post's traffic over the following days (a post lives two or three days). */
const postDecay = [1, 0.45, 0.2];

export class TrafficPlan {
  readonly startDay: number;
  readonly days: number;
  readonly posts: KolPost[] = [];
  /** Per window day, per channel: traffic relative to an ordinary day. */
  private readonly boosts: Float64Array;
  private readonly postOfDay: (KolPost | null)[];

  constructor(seed: number, startDay: number, days: number) {
    this.startDay = startDay;
    this.days = days;
    const rng = new Rng(seed, 'kol');
    const extended = days + 3;
    for (let d = -2; d < extended; d++) {
      const profile = dayProfile(fromDayNumber(startDay + d));
      const inBigSale = profile.campaign === '618大促' || profile.campaign === '双11预售' || profile.campaign === '双11';
      // About two posts a month, about one every three days before the big sales (种草).
      if (rng.chance(inBigSale ? 0.3 : 0.065)) {
        const who = rng.pick(kolHandles);
        this.posts.push({ day: d, handle: who.handle, category: who.category, size: Math.min(40, rng.logNormal(inBigSale ? 9 : 6, 0.6)) });
      }
    }
    this.boosts = new Float64Array(days * channelProfiles.length).fill(1);
    this.postOfDay = new Array<KolPost | null>(days).fill(null);
    const kol = channelIndex.get('kol') ?? 0;
    for (const post of this.posts) {
      postDecay.forEach((share, k) => {
        const d = post.day + k;
        if (d < 0 || d >= days) return;
        this.boosts[d * channelProfiles.length + kol] += post.size * share;
        const current = this.postOfDay[d];
        if (!current || current.size * share < post.size) this.postOfDay[d] = post;
      });
    }
    for (let d = 0; d < days; d++) {
      const profile = dayProfile(fromDayNumber(startDay + d));
      // 私域 and 触达 (email / SMS) are pushed on campaign days.
      const push = profile.phase === 'peak' ? 2.5 : profile.phase ? 1.5 : 1;
      this.boosts[d * channelProfiles.length + (channelIndex.get('private_domain') ?? 0)] *= push;
      for (const c of ['email', 'sms'] as const) this.boosts[d * channelProfiles.length + (channelIndex.get(c) ?? 0)] *= profile.phase === 'peak' || profile.phase === 'preheat' ? 3 : profile.phase ? 1.5 : 1;
    }
  }

  boost(day: number, channel: number): number {
    return this.boosts[day * channelProfiles.length + channel];
  }

  /** The KOL post driving a day's KOL traffic, if any. */
  kolPost(day: number): KolPost | null {
    return this.postOfDay[day] ?? null;
  }

  /** Buyers brought by the day's channel boosts, relative to an ordinary day's mix (>= 1 on KOL days). */
  lift(day: number): number {
    let boosted = 0;
    let base = 0;
    channelProfiles.forEach((p, c) => {
      base += p.visits * p.conversion;
      boosted += p.visits * p.conversion * this.boost(day, c);
    });
    // 私域 / 触达 pushes move buyers between channels more than they create new ones.
    return 1 + 0.35 * (boosted / base - 1);
  }
}

export function windowStart(endDate: string, days: number): number {
  return toDayNumber(endDate) - days;
}

// ---------------------------------------------------------------------------------------------
// Attribution as the storefront sees it: UTM parameters and the referrer.

export interface Attribution {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  referrer?: string;
}

const searchKeywords = ['连衣裙', '防晒霜', '蓝牙耳机', '坚果礼盒', '四件套', '纸尿裤', '精华液', '口红', '充电宝', '茶叶', '运动鞋', '奶粉'];

/** The UTM and referrer of a session from `channel`; `campaign` is the utm_campaign when the channel is a marketing one. */
export function attributionFor(channel: Channel, rng: Rng, campaign: string, kolPost: KolPost | null): Attribution {
  switch (channel) {
    case 'paid_search': {
      const engine = rng.weighted([0.72, 0.14, 0.14]);
      const source = ['baidu', 'sogou', '360'][engine];
      return { source, medium: 'cpc', campaign, term: rng.pick(searchKeywords), referrer: ['https://www.baidu.com/', 'https://www.sogou.com/', 'https://www.so.com/'][engine] };
    }
    case 'organic_search':
      return { referrer: ['https://www.baidu.com/', 'https://www.sogou.com/', 'https://www.so.com/', 'https://cn.bing.com/'][rng.weighted([0.65, 0.1, 0.1, 0.15])] };
    case 'paid_social': {
      // 信息流广告: 巨量引擎 (抖音), 广点通 (腾讯), 磁力引擎 (快手)
      const [source, medium] = ([['douyin', 'feed'], ['tencent', 'cpm'], ['kuaishou', 'feed']] as const)[rng.weighted([0.5, 0.3, 0.2])];
      return { source, medium, campaign };
    }
    case 'social': {
      const which = rng.weighted([0.5, 0.25, 0.25]);
      return { source: ['xiaohongshu', 'weibo', 'douyin'][which], medium: 'social', referrer: ['https://www.xiaohongshu.com/', 'https://weibo.com/', 'https://www.douyin.com/'][which] };
    }
    case 'kol':
      return { source: kolPost?.handle ?? 'koc_seeding', medium: 'kol', campaign };
    case 'private_domain':
      return { source: ['wechat', 'wecom', 'miniprogram'][rng.weighted([0.45, 0.35, 0.2])], medium: 'private', campaign };
    case 'email':
      return { source: 'edm', medium: 'email', campaign };
    case 'sms':
      return { source: 'sms', medium: 'sms', campaign };
    case 'referral':
      // 老带新 invite links, and deal sites (什么值得买) linking to the shop
      return rng.chance(0.6) ? { source: 'invite', medium: 'referral', campaign: '老带新' } : { source: 'smzdm', medium: 'referral', referrer: 'https://www.smzdm.com/' };
    case 'affiliate':
      return { source: rng.pick(['cps_union', 'fanli', 'duoduo_cps']), medium: 'affiliate', campaign };
    default:
      return {};
  }
}

/** Marketing channels tag sessions with the running campaign most of the time, else 'always_on'. */
export function campaignTag(channel: Channel, profile: DayProfile, rng: Rng): string {
  if (!isMarketingChannel(channel)) return '';
  if (profile.campaign && rng.chance(0.7)) return profile.campaign;
  return 'always_on';
}

export function isMarketingChannel(channel: Channel): boolean {
  return channel === 'paid_search' || channel === 'paid_social' || channel === 'kol' || channel === 'private_domain' || channel === 'email' || channel === 'sms' || channel === 'affiliate';
}

// ---------------------------------------------------------------------------------------------
// What marketing costs (分).

/**
 * What each channel costs is set so that the shop reads like a real one: paid search and 信息流 at a
 * ROAS of 1.5-2, KOL about 2-3, 私域 and 内容 about 4-7 once their people and gifts are paid, and
 * the whole shop at 3-4 (marketing about a quarter of sales).
 */
/** Cost per click; the day's adCostIndex raises it in big sales. */
export const costPerClick: Partial<Record<Channel, number>> = {
  paid_search: 290,
  paid_social: 170,
};
/** Click-through rate, to report impressions. */
export const clickThroughRate: Partial<Record<Channel, number>> = { paid_search: 0.035, paid_social: 0.012, kol: 0.02, email: 0.03, sms: 0.02 };
/**
 * Cost per session of the channels paid otherwise than by the click: 私域 is not free (the 企业微信
 * team's pay, the SCRM tool, 社群红包 and 福利券: about 5元 a visit), 内容种草 on 小红书 / 抖音 / 微博
 * (notes, videos, 薯条 boosts: about 2元), deal sites' placement fees (什么值得买), sends of email and SMS.
 */
export const costPerSession: Partial<Record<Channel, number>> = { private_domain: 520, social: 220, referral: 40, email: 60, sms: 300 };
/** KOL fee per expected visit of a post, paid on the post day. */
export const kolCostPerVisit = 450;
/** KOC seeding: a fee per visit the small creators bring, every day. */
export const kocCostPerVisit = 90;
/** CPS commission on affiliate sales (淘宝客-style: commission and the platform's service fee). */
export const affiliateCommission = 0.15;
/** 老带新 reward (both sides) per new buyer from an invite. */
export const referralReward = 5000;
