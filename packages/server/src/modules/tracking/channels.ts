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

interface ParsedUrl { host?: string; source?: string; medium?: string; campaign?: string }

// Storefront traffic repeats the same landing pages and referrers, and parsing a URL costs more than
// the rest of an event's channel work, so recent parses are remembered.
const parsedUrls = new Map<string, ParsedUrl>();
function parseUrl(url: string): ParsedUrl {
  let parsed = parsedUrls.get(url);
  if (parsed) return parsed;
  try {
    const u = new URL(url);
    const q = u.searchParams;
    parsed = { host: u.hostname.toLowerCase(), source: q.get('utm_source') ?? undefined, medium: q.get('utm_medium') ?? undefined, campaign: q.get('utm_campaign') ?? undefined };
  } catch {
    parsed = {};
  }
  if (parsedUrls.size >= 10_000) parsedUrls.clear();
  parsedUrls.set(url, parsed);
  return parsed;
}

const hostOf = (url: string | null | undefined): string | null => (url ? parseUrl(url).host ?? null : null);

interface CompiledRule { source?: Set<string>; medium?: Set<string>; hosts?: string[]; channel: Channel }

const lower = (list: string[] | undefined) => (list ? new Set(list.map((x) => x.toLowerCase())) : undefined);
const compile = (rules: ChannelRule[]): CompiledRule[] =>
  rules
    .filter((r) => r.source || r.medium || r.referrerHost)
    .map((r) => ({ source: lower(r.source), medium: lower(r.medium), hosts: r.referrerHost?.map((h) => h.toLowerCase()), channel: r.channel }));

// Tracking derives a channel for every event, so each mapping is compiled once.
const compiledDefaults = compile(defaultChannelRules);
const compiledMappings = new WeakMap<ChannelMapping, CompiledRule[]>();
function rulesOf(mapping: ChannelMapping | null | undefined): CompiledRule[] {
  if (!mapping) return compiledDefaults;
  let rules = compiledMappings.get(mapping);
  if (!rules) compiledMappings.set(mapping, (rules = [...compile(mapping.rules), ...compiledDefaults]));
  return rules;
}

function ruleMatches(rule: CompiledRule, source: string, medium: string, host: string | null): boolean {
  if (rule.source && !rule.source.has(source)) return false;
  if (rule.medium && !rule.medium.has(medium)) return false;
  if (rule.hosts && (!host || !rule.hosts.some((p) => host === p || host.endsWith(`.${p}`)))) return false;
  return true;
}

/** The channel of a touch point: shop rules first, then the defaults; `direct` only when nothing is known. */
export function deriveChannel(touch: TouchPoint, mapping?: ChannelMapping | null): Channel {
  const source = (touch.source ?? '').trim().toLowerCase();
  const medium = (touch.medium ?? '').trim().toLowerCase();
  let host = hostOf(touch.referrer);
  if (host && touch.ownHost && host === touch.ownHost.toLowerCase()) host = null;
  if (!source && !medium && !host) return 'direct';
  for (const rule of rulesOf(mapping)) {
    if (ruleMatches(rule, source, medium, host)) return rule.channel;
  }
  // Tagged but unknown to every rule: the shop can map it; an untagged visit from another site is a referral.
  return source || medium ? 'other' : 'referral';
}

/** The host and utm_* parameters of a landing URL. */
export function utmOf(url: string | null | undefined): Readonly<ParsedUrl> {
  return url ? parseUrl(url) : {};
}
