import { z } from 'zod';

/** Traffic channels of PRODUCT.md. private_domain = 私域 (微信社群, 企业微信, 公众号, 小程序). */
export const channels = [
  'organic_search',
  'paid_search',
  'paid_social',
  'social',
  'kol',
  'private_domain',
  'email',
  'sms',
  'referral',
  'affiliate',
  'direct',
  'other',
] as const;
export type Channel = (typeof channels)[number];

/**
 * One rule of a shop's channel mapping. Every given condition must match (case-insensitive);
 * `source`/`medium` match utm_source/utm_medium exactly or as a list, `referrerHost` matches the
 * referrer's host or any parent domain. The first matching rule wins.
 */
export const channelRule = z.object({
  source: z.array(z.string().min(1)).optional(),
  medium: z.array(z.string().min(1)).optional(),
  referrerHost: z.array(z.string().min(1)).optional(),
  channel: z.enum(channels),
});
export type ChannelRule = z.infer<typeof channelRule>;

export const channelMapping = z.object({ rules: z.array(channelRule).max(500) });
export type ChannelMapping = z.infer<typeof channelMapping>;

/** The shop's rules and, tried after them, the defaults. */
export const channelMappingResult = z.object({ rules: z.array(channelRule), defaults: z.array(channelRule) });
export type ChannelMappingResult = z.infer<typeof channelMappingResult>;
