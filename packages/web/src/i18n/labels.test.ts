import { describe, expect, it } from 'vitest';
import { channelLabels, channels, dimensionLabels, dimensions, locales, metricCatalog, metricNames, platformLabels, platforms } from '@flywheel/contracts';
import { en } from './en';
import { labelIn } from './i18n';
import { zhCN } from './zh-CN';

const messages = { 'zh-CN': zhCN, en } as const;
/** Names the console once showed for metrics beside the catalog's (会话数 for 访问次数, 营销花费 for 推广花费 ...). */
const retired = ['会话数', '营销花费', 'Spend per customer'];

describe('metric labels in the console', () => {
  it('come from the metric catalog, in both languages', () => {
    for (const lang of locales) {
      for (const m of metricNames) expect(labelIn(lang, 'metric', m)).toBe(metricCatalog[m].label[lang]);
    }
    expect(labelIn('en', 'metric', 'a_metric_of_a_newer_server')).toBe('a_metric_of_a_newer_server');
  });

  it('are never copied into the messages, under the catalog\'s name or another', () => {
    for (const lang of locales) {
      const catalog = new Set(metricNames.map((m) => metricCatalog[m].label[lang]));
      for (const [key, text] of Object.entries(messages[lang])) {
        expect(key.startsWith('metric.'), `${lang} ${key}: metric labels live in the catalog`).toBe(false);
        // import.entity.* names a kind of record (refunds, spend), not a metric.
        if (!key.startsWith('import.entity.')) expect(catalog.has(text), `${lang} ${key} = ${text}: look the metric up with label('metric', …)`).toBe(false);
        for (const word of retired) expect(text.includes(word), `${lang} ${key} = ${text}`).toBe(false);
      }
    }
  });
});

describe('channel, dimension and platform names in the console', () => {
  it('come from contracts (the server\'s texts and the 复盘 report read the same), in both languages', () => {
    for (const lang of locales) {
      for (const c of channels) expect(labelIn(lang, 'channel', c)).toBe(channelLabels[c][lang]);
      for (const d of dimensions) expect(labelIn(lang, 'dimension', d)).toBe(dimensionLabels[d][lang]);
      for (const p of platforms) expect(labelIn(lang, 'platform', p)).toBe(platformLabels[p][lang]);
    }
    expect(labelIn('zh-CN', 'platform', 'mini_program')).toBe('小程序');
  });

  it('are not kept in the messages too', () => {
    for (const lang of locales) {
      for (const key of Object.keys(messages[lang])) expect(/^(channel|dimension|platform|customerType)\./.test(key), `${lang} ${key}`).toBe(false);
    }
  });
});
