import { describe, expect, it } from 'vitest';
import { formatMoney, formatRatio, minorDigits, toMajor } from './format';

describe('money from minor units', () => {
  it('uses the currency\'s own minor digits, not a hundred for every currency', () => {
    expect([minorDigits('CNY'), minorDigits('USD'), minorDigits('JPY'), minorDigits('KRW')]).toEqual([2, 2, 0, 0]);
    expect(formatMoney(12_345, 'CNY', 'zh-CN')).toBe('¥123.45');
    expect(formatMoney(12_345, 'JPY', 'zh-CN')).toBe('¥12,345');
    expect(formatMoney(12_345, 'KRW', 'en')).toBe('₩12,345');
    expect(formatMoney(-5_000, 'USD', 'en')).toBe('-$50.00');
    expect(toMajor(12_345, 'JPY')).toBe(12_345);
  });
});

describe('percentages', () => {
  it('keep their digits, so a column of them lines up', () => {
    expect([0.069, 0.0638, 0, 0.1].map((v) => formatRatio(v, 'zh-CN'))).toEqual(['6.90%', '6.38%', '0.00%', '10.00%']);
    expect(formatRatio(0.5, 'en', 1)).toBe('50.0%');
  });
});
