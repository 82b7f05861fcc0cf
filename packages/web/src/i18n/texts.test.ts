import { describe, expect, it } from 'vitest';
import { textOf } from '@flywheel/contracts';
import { textIn } from './i18n';

/** Three Latin words in a row: an English sentence (ids such as paid_social and acronyms such as ROAS are not). */
const englishSentence = /[A-Za-z]+[ ,.;:]+[A-Za-z]+[ ,.;:]+[A-Za-z]+/;

// As the API carries them: an alert's `text` and a next action's `text.action` / `text.because`.
const alert = textOf('alert.roas_below_floor', { scope: 'scope.channel', channel: 'paid_social', campaign: '', currency: 'CNY', roas: 0.5, floor: 2, spend: 20_000, sales: 10_000 });
const action = textOf('action.cut_bids_move', { channel: 'paid_social', best: 'paid_search', bestRoas: 4 });
const because = textOf('because.roas_under_floor', { currency: 'CNY', channel: 'paid_social', roas: 0.5, spend: 20_000, floor: 2 });

describe('server texts in the console', () => {
  it('reads an alert and a next action in Chinese, with the console\'s channel names and the catalog\'s metric labels', () => {
    expect(textIn('zh-CN', alert, 'message')).toBe('渠道 信息流 本月至今投入产出比 (ROAS)为 0.50，低于底线 2.00（推广花费 ¥200.00，支付金额 ¥100.00）');
    expect(textIn('zh-CN', action, 'message')).toBe('降低出价或暂停 信息流 最弱的推广计划，并更新素材；把预算转到 付费搜索（投入产出比 (ROAS) 4.00）');
    for (const text of [alert, action, because]) expect(textIn('zh-CN', text, '')).not.toMatch(englishSentence);
  });

  it('reads them in English in the English console', () => {
    expect(textIn('en', alert, 'message')).toBe('ROAS of channel Paid social (feeds) is 0.50 month to date, under its floor of 2.00 (marketing spend ¥200.00, sales (paid) ¥100.00)');
    expect(textIn('en', because, '')).toBe('ROAS of Paid social (feeds) is 0.50 on ¥200.00 of spend (floor 2.00)');
  });

  it('shows the server\'s message for a text it has no key for', () => {
    expect(textIn('en', null, '旧的预警')).toBe('旧的预警');
    expect(textIn('en', { key: 'alert.from_a_newer_server', values: {} }, 'ROAS 太低')).toBe('ROAS 太低');
  });
});
