import { describe, expect, it } from 'vitest';
import { acceptedChoices, importFieldName, importProblemKeys, importText, type ImportTextKey } from './imports';

describe('the import catalog', () => {
  it('says every text in zh-CN and English with the same placeholders, and no English in the Chinese', () => {
    const keys = [...importProblemKeys, 'cli.money_hint', 'cli.summary', 'csv.reason'] as ImportTextKey[];
    for (const key of keys) {
      const zh = importText('zh-CN', key, {});
      const en = importText('en', key, {});
      const placeholders = (text: string) => [...text.matchAll(/\{(\w+)[:}]/g)].map((m) => m[1]).sort();
      expect(placeholders(zh), key).toEqual(placeholders(en));
      // What is left once placeholders and the option names are out is Chinese.
      expect(zh.replace(/\{[^}]+\}|--money( major| minor)?|API|JSON|CNY|ID|SKU|\d|[.:]/g, ''), key).not.toMatch(/[A-Za-z]/);
    }
  });

  it('lists the Chinese words a status may be written in, and the codes in English', () => {
    expect(acceptedChoices('orderStatus', 'zh-CN')).toContain('交易成功');
    expect(acceptedChoices('orderStatus', 'zh-CN').some((w) => /[a-z]/.test(w))).toBe(false);
    // platforms without a Chinese word (app, h5) are listed by their code
    expect(acceptedChoices('platform', 'zh-CN')).toEqual(['小程序', '微信小程序', '网页', '官网', '第三方', '其他', '其它', 'app', 'h5']);
    expect(acceptedChoices('orderStatus', 'en')).toEqual(['placed', 'paid', 'shipped', 'completed', 'cancelled']);
  });

  it('names a field the file has no column for as a shop names it', () => {
    expect(importFieldName('orders', 'items[2].quantity', 'zh-CN')).toBe('数量');
    expect(importFieldName('orders', 'paidAmount', 'en')).toBe('paidAmount');
    expect(importText('zh-CN', 'missing_column', { entity: 'orders', field: 'status', column: null })).toBe('文件中没有“订单状态”列');
    expect(importText('en', 'refund_exceeds', { order: 'T1', total: 5000, paid: 4900, currency: 'CNY' })).toBe('refunds of order T1 would total ¥50.00, more than the ¥49.00 paid');
  });
});
