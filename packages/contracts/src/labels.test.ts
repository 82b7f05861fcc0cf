import { describe, expect, it } from 'vitest';
import {
  channelLabel, channels, customerTypes, dimensionLabel, dimensions, dimensionValueLabel, ecommerceEvents, eventLabel, locales, platformLabel, platforms,
} from './index';

const cjk = /[\u4e00-\u9fff]/;

describe('names of channels, dimensions, platforms and customer types', () => {
  it('has every id in zh-CN and English, never the id itself', () => {
    for (const locale of locales) {
      for (const c of channels) expect(channelLabel(c, locale), `${locale} ${c}`).not.toBe(c);
      for (const d of dimensions.filter((d) => d !== 'sku')) expect(dimensionLabel(d, locale), `${locale} ${d}`).not.toBe(d);
      for (const p of platforms.filter((p) => p !== 'app')) expect(platformLabel(p, locale), `${locale} ${p}`).not.toBe(p);
      for (const k of customerTypes) expect(dimensionValueLabel('customer_type', k, locale)).not.toBe(k);
    }
  });

  it('writes Chinese names in Chinese and English ones without Chinese', () => {
    for (const c of channels) {
      expect(channelLabel(c, 'zh-CN'), c).toMatch(cjk);
      expect(channelLabel(c, 'en'), c).not.toMatch(cjk);
    }
    for (const p of platforms.filter((p) => p !== 'app')) expect(platformLabel(p, 'zh-CN'), p).toMatch(cjk);
    expect(platformLabel('mini_program', 'zh-CN')).toBe('小程序');
    expect(platformLabel('h5', 'en')).toBe('Mobile web (H5)');
  });

  it('names breakdown keys by their dimension, the metric layer\'s placeholders in words, the shop\'s own names as they are', () => {
    expect(dimensionValueLabel('channel', 'paid_social', 'zh-CN')).toBe('信息流');
    expect(dimensionValueLabel('platform', 'mini_program', 'en')).toBe('Mini program');
    expect(dimensionValueLabel('customer_type', 'returning', 'zh-CN')).toBe('老客');
    expect(dimensionValueLabel('category', 'unknown', 'zh-CN')).toBe('未知');
    expect(dimensionValueLabel('campaign', '(none)', 'en')).toBe('None');
    expect(dimensionValueLabel('category', '服饰', 'en')).toBe('服饰');
    expect(channelLabel('a_channel_of_a_newer_server', 'en')).toBe('a_channel_of_a_newer_server');
  });

  it('names the standard e-commerce events in Chinese, and leaves a shop\'s own events as it named them', () => {
    for (const e of [...ecommerceEvents, '$pageview']) expect(eventLabel(e, 'zh-CN'), e).toMatch(cjk);
    expect(['$pageview', 'Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'].map((e) => eventLabel(e, 'zh-CN'))).toEqual(['浏览页面', '浏览商品', '加入购物车', '提交订单', '支付成功']);
    expect(eventLabel('Lucky Draw Entered', 'zh-CN')).toBe('Lucky Draw Entered');
  });
});
