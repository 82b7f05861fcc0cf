import { describe, expect, it } from 'vitest';
import { deriveChannel, utmOf } from './channels';

describe('channel derivation', () => {
  it('maps Chinese platforms the way an operations team reads them', () => {
    expect(deriveChannel({ source: 'wechat', medium: 'private' })).toBe('private_domain');
    expect(deriveChannel({ source: '企业微信' })).toBe('private_domain');
    expect(deriveChannel({ source: 'miniprogram' })).toBe('private_domain');
    expect(deriveChannel({ source: 'douyin', medium: 'social' })).toBe('social');
    expect(deriveChannel({ source: 'xiaohongshu' })).toBe('social');
    expect(deriveChannel({ source: 'douyin', medium: 'feed' })).toBe('paid_social');
    expect(deriveChannel({ source: 'li_jiaqi', medium: 'kol' })).toBe('kol');
  });
  it('tells paid search from organic search', () => {
    expect(deriveChannel({ source: 'baidu', medium: 'cpc' })).toBe('paid_search');
    expect(deriveChannel({ referrer: 'https://www.baidu.com/s?wd=连衣裙' })).toBe('organic_search');
    expect(deriveChannel({ referrer: 'https://www.google.com/' })).toBe('organic_search');
  });
  it('is direct only when nothing is known, and ignores the shop’s own pages as referrer', () => {
    expect(deriveChannel({})).toBe('direct');
    expect(deriveChannel({ referrer: 'https://shop.example.com/list', ownHost: 'shop.example.com' })).toBe('direct');
    expect(deriveChannel({ referrer: 'https://some-blog.cn/post/1' })).toBe('referral');
  });
  it('lets the shop mapping override the defaults', () => {
    const mapping = { rules: [{ source: ['douyin'], channel: 'kol' as const }] };
    expect(deriveChannel({ source: 'douyin', medium: 'social' }, mapping)).toBe('kol');
    expect(deriveChannel({ source: 'weibo', medium: 'social' }, mapping)).toBe('social');
  });
  it('reads utm parameters from a landing URL', () => {
    expect(utmOf("https://s.cn/p/1?utm_source=baidu&utm_medium=cpc&utm_campaign=618")).toEqual({ host: "s.cn", source: 'baidu', medium: 'cpc', campaign: '618' });
    expect(utmOf('not a url')).toEqual({});
  });
});
