import type { Channel, ChannelMapping, ChannelRule } from '@flywheel/contracts';

/**
 * The default mapping from utm_source / utm_medium / referrer to a channel. A shop edits its own copy;
 * rules are tried in order and the first match wins. Chinese platforms are named by their usual utm
 * spellings and domains: 微信/企业微信/小程序 -> private_domain, 抖音/小红书/微博 -> social (organic)
 * or paid_social (信息流) when the medium says it was paid.
 */
export const defaultChannelRules: ChannelRule[] = [
  { medium: ['cpc', 'ppc', 'sem', 'paid_search', 'paidsearch'], channel: 'paid_search' },
  { medium: ['cpm', 'feed', 'paid_social', 'paidsocial', 'ocpm', 'display', 'banner', 'xinxiliu', '信息流'], channel: 'paid_social' },
  { medium: ['kol', 'influencer', 'koc', '达人'], channel: 'kol' },
  { medium: ['email', 'edm', 'e-mail', 'newsletter'], channel: 'email' },
  { medium: ['sms', 'text', '短信'], channel: 'sms' },
  { medium: ['affiliate', 'cps', 'taobaoke', '淘宝客'], channel: 'affiliate' },
  { medium: ['referral', 'invite', 'share', 'fission', '裂变'], channel: 'referral' },
  { medium: ['private', 'private_domain', 'community', 'group', '私域', '社群'], channel: 'private_domain' },
  { source: ['wechat', 'weixin', 'wx', 'wecom', 'work_wechat', 'qywx', 'miniprogram', 'mini_program', 'mp', 'official_account', 'gzh', '微信', '企业微信', '小程序', '公众号'], channel: 'private_domain' },
  { source: ['douyin', 'tiktok', 'xiaohongshu', 'xhs', 'redbook', 'weibo', 'bilibili', 'kuaishou', 'zhihu', '抖音', '小红书', '微博', '快手', 'b站', '知乎'], channel: 'social' },
  { medium: ['social', 'social_media', 'sns', 'organic_social'], channel: 'social' },
  { source: ['baidu', 'google', 'bing', 'sogou', 'so', '360', 'sm', 'shenma', 'toutiao_search'], medium: ['organic', 'seo'], channel: 'organic_search' },
  { referrerHost: ['baidu.com', 'google.com', 'bing.com', 'sogou.com', 'so.com', 'sm.cn', 'm.sm.cn', 'duckduckgo.com', 'yandex.ru'], channel: 'organic_search' },
  { referrerHost: ['weixin.qq.com', 'wx.qq.com', 'work.weixin.qq.com', 'servicewechat.com'], channel: 'private_domain' },
  { referrerHost: ['douyin.com', 'xiaohongshu.com', 'xhslink.com', 'weibo.com', 'weibo.cn', 'bilibili.com', 'kuaishou.com', 'zhihu.com'], channel: 'social' },
];

export interface TouchPoint {
  source?: string | null;
  medium?: string | null;
  referrer?: string | null;
  /** The host of the shop's own pages, so internal navigation is not counted as a referral. */
  ownHost?: string | null;
}

function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try { return new URL(url).hostname.toLowerCase(); } catch { return null; }
}

function hostMatches(host: string, patterns: string[]): boolean {
  return patterns.some((p) => host === p.toLowerCase() || host.endsWith(`.${p.toLowerCase()}`));
}

function ruleMatches(rule: ChannelRule, source: string, medium: string, host: string | null): boolean {
  if (!rule.source && !rule.medium && !rule.referrerHost) return false;
  if (rule.source && !rule.source.some((s) => s.toLowerCase() === source)) return false;
  if (rule.medium && !rule.medium.some((m) => m.toLowerCase() === medium)) return false;
  if (rule.referrerHost && (!host || !hostMatches(host, rule.referrerHost))) return false;
  return true;
}

/** The channel of a touch point: shop rules first, then the defaults; `direct` only when nothing is known. */
export function deriveChannel(touch: TouchPoint, mapping?: ChannelMapping | null): Channel {
  const source = (touch.source ?? '').trim().toLowerCase();
  const medium = (touch.medium ?? '').trim().toLowerCase();
  let host = hostOf(touch.referrer);
  if (host && touch.ownHost && (host === touch.ownHost.toLowerCase())) host = null;
  if (!source && !medium && !host) return 'direct';
  for (const rule of [...(mapping?.rules ?? []), ...defaultChannelRules]) {
    if (ruleMatches(rule, source, medium, host)) return rule.channel;
  }
  // Tagged but unknown to every rule: the shop can map it; an untagged visit from another site is a referral.
  return source || medium ? 'other' : 'referral';
}

/** utm_* parameters of a landing URL. */
export function utmOf(url: string | null | undefined): { source?: string; medium?: string; campaign?: string } {
  if (!url) return {};
  try {
    const q = new URL(url).searchParams;
    return { source: q.get('utm_source') ?? undefined, medium: q.get('utm_medium') ?? undefined, campaign: q.get('utm_campaign') ?? undefined };
  } catch {
    return {};
  }
}
