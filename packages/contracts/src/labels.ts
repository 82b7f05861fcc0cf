import { channels, type Channel } from './channels';
import { platforms } from './commerce';
import type { Locale } from './metric-catalog';
import { dimensions, type Dimension } from './metrics';

/**
 * What people call the ids the API answers with: channels, the dimensions a metric is cut by, order
 * platforms and customer types, in every language of the console, beside the metric catalog. The
 * console, the server's texts (alerts, the 复盘's risks and actions) and the 复盘 report read them
 * here, so nobody meets `paid_social` or `mini_program` on a page.
 */

type Labels<K extends string> = Readonly<Record<K, Readonly<Record<Locale, string>>>>;
const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

export const channelLabels: Labels<Channel> = {
  organic_search: t('自然搜索', 'Organic search'),
  paid_search: t('付费搜索', 'Paid search'),
  paid_social: t('信息流', 'Paid social (feeds)'),
  social: t('社交媒体', 'Social'),
  kol: t('达人 KOL', 'KOL'),
  private_domain: t('私域', 'Private domain'),
  email: t('邮件', 'Email'),
  sms: t('短信', 'SMS'),
  referral: t('推荐 / 外链', 'Referral'),
  affiliate: t('联盟推广', 'Affiliate'),
  direct: t('直接访问', 'Direct'),
  other: t('其他', 'Other'),
};

export const dimensionLabels: Labels<Dimension> = {
  channel: t('渠道', 'Channel'),
  category: t('类目', 'Category'),
  platform: t('平台', 'Platform'),
  campaign: t('活动', 'Campaign'),
  province: t('省份', 'Province'),
  customer_type: t('新老客', 'New / returning'),
  sku: t('SKU', 'SKU'),
  product: t('商品 (SPU)', 'Product (SPU)'),
  promotion: t('促销活动', 'Promotion'),
};

export type Platform = (typeof platforms)[number];
export const platformLabels: Labels<Platform> = {
  app: t('App', 'App'),
  mini_program: t('小程序', 'Mini program'),
  web: t('PC 网页', 'Web (desktop)'),
  h5: t('H5 手机网页', 'Mobile web (H5)'),
  third_party: t('第三方平台', 'Third-party platform'),
  other: t('其他', 'Other'),
};

export const customerTypes = ['new', 'returning'] as const;
export type CustomerType = (typeof customerTypes)[number];
export const customerTypeLabels: Labels<CustomerType> = {
  new: t('新客', 'New'),
  returning: t('老客', 'Returning'),
};

/**
 * The standard e-commerce events (tracking.ts's ecommerceEvents, Segment's names) and any page view,
 * as an operator calls them: a funnel reads 浏览商品 → 加入购物车 → 提交订单 → 支付成功.
 */
export const PAGEVIEW_EVENT = '$pageview';
export const eventLabels: Labels<string> = {
  [PAGEVIEW_EVENT]: t('浏览页面', 'Page view'),
  'Product Viewed': t('浏览商品', 'Product viewed'),
  'Product Added': t('加入购物车', 'Added to cart'),
  'Product Removed': t('移出购物车', 'Removed from cart'),
  'Product Added to Wishlist': t('收藏商品', 'Added to wishlist'),
  'Cart Viewed': t('查看购物车', 'Cart viewed'),
  'Checkout Started': t('提交订单', 'Checkout started'),
  'Order Completed': t('支付成功', 'Order paid'),
  'Products Searched': t('搜索商品', 'Searched'),
  'Coupon Applied': t('使用优惠券', 'Coupon applied'),
  'Signed Up': t('注册', 'Signed up'),
  'Signed In': t('登录', 'Signed in'),
  'Product Shared': t('分享商品', 'Product shared'),
  'Product Reviewed': t('评价商品', 'Product reviewed'),
};

/** An event by its operator's name; an event the shop made up is shown as the shop named it. */
export function eventLabel(event: string, locale: Locale): string {
  return has(eventLabels, event) ? eventLabels[event][locale] : event;
}

/** What the metric layer answers where a record names no value: a product without a category, an order without a campaign. */
const placeholderLabels: Labels<'unknown' | '(none)' | ''> = {
  unknown: t('未知', 'Unknown'),
  '(none)': t('无', 'None'),
  '': t('未知', 'Unknown'),
};

const has = <K extends string>(labels: Labels<K>, key: string): key is K => Object.prototype.hasOwnProperty.call(labels, key);

/** A channel's name; an id this catalog does not know (a newer server's) as it is, `unknown` as 未知. */
export function channelLabel(id: string, locale: Locale): string {
  return has(channelLabels, id) ? channelLabels[id][locale] : has(placeholderLabels, id) ? placeholderLabels[id][locale] : id;
}

export function dimensionLabel(id: string, locale: Locale): string {
  return has(dimensionLabels, id) ? dimensionLabels[id][locale] : id;
}

export function platformLabel(id: string, locale: Locale): string {
  return has(platformLabels, id) ? platformLabels[id][locale] : has(placeholderLabels, id) ? placeholderLabels[id][locale] : id;
}

/**
 * A breakdown key as people read it: channels, platforms and customer types by name, the metric
 * layer's placeholders (unknown, (none)) in words; categories, campaigns, provinces and products are
 * the shop's own names and stay as they are.
 */
export function dimensionValueLabel(dimension: string, value: string, locale: Locale): string {
  if (dimension === 'channel') return channelLabel(value, locale);
  if (dimension === 'platform') return platformLabel(value, locale);
  if (dimension === 'customer_type' && has(customerTypeLabels, value)) return customerTypeLabels[value][locale];
  return has(placeholderLabels, value) ? placeholderLabels[value][locale] : value;
}

/** Every id these labels name, for tests that look for raw ids on a page. */
export const labelledIds = { channels, dimensions, platforms, customerTypes } as const;
