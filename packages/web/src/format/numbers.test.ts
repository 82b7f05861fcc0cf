import { describe, expect, it } from 'vitest';
import { formatChangePct, formatCount, formatMetric, formatMoney, formatPointChange, formatRatio, toMajor } from './numbers';

describe('numbers in the locale habit', () => {
  it('abbreviates with 万 and 亿 in Chinese, K and M in English, from ten thousand on', () => {
    expect(formatCount(9999, 'zh-CN', { compact: true })).toBe('9,999');
    expect(formatCount(12_345_678, 'zh-CN', { compact: true })).toBe('1234.57万');
    expect(formatCount(123_456_789, 'zh-CN', { compact: true })).toBe('1.23亿');
    expect(formatCount(12_345_678, 'en', { compact: true })).toBe('12.35M');
    expect(formatCount(12_345_678, 'zh-CN')).toBe('12,345,678');
  });

  it('reads money as integer minor units of the shop currency', () => {
    expect(formatMoney(12345, 'CNY', 'zh-CN')).toBe('¥123.45');
    expect(formatMoney(12345, 'CNY', 'en')).toBe('¥123.45');
    expect(formatMoney(3_210_000, 'CNY', 'zh-CN', { compact: true })).toBe('¥3.21万');
    expect(formatMoney(12345, 'JPY', 'en')).toBe('¥12,345');
    expect(toMajor(19900, 'CNY')).toBe(199);
    expect(formatMoney(null, 'CNY', 'zh-CN')).toBe('—');
    expect(formatMoney(180000, 'CNY', 'zh-CN', { compact: true, whole: true })).toBe('¥1,800');
  });

  it('shows ratios as percentages and their changes as points', () => {
    expect(formatRatio(0.0345, 'zh-CN')).toBe('3.45%');
    expect(formatMetric('conversion_rate', 0.5, { lang: 'en', currency: 'CNY' })).toBe('50.00%');
    expect(formatPointChange(0.012, 'zh-CN')).toBe('+1.2个百分点');
    expect(formatPointChange(-0.012, 'en')).toBe('-1.2 pp');
    expect(formatChangePct(0.0667, 'en')).toBe('+6.7%');
    expect(formatMetric('roas', 2.137, { lang: 'zh-CN', currency: 'CNY' })).toBe('2.14');
  });
});
