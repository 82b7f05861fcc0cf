import { describe, expect, it } from 'vitest';
import { changeColour, changeColours, dimensions, factDimensions, locales, metricCatalog, metricLabel, metricNames } from './index';

const cjk = /[\u4e00-\u9fff]/;

describe('the metric catalog', () => {
  it('names every metric of the contract in every language, one label per metric', () => {
    expect(Object.keys(metricCatalog).sort()).toEqual([...metricNames].sort());
    for (const locale of locales) {
      const labels = metricNames.map((m) => metricCatalog[m].label[locale]);
      for (const [i, label] of labels.entries()) {
        expect(label?.trim(), `${metricNames[i]} has no ${locale} label`).toBeTruthy();
        expect(cjk.test(label), `${metricNames[i]}: ${locale} label ${label}`).toBe(locale === 'zh-CN');
      }
      expect(new Set(labels).size, `two metrics share a ${locale} label`).toBe(labels.length);
    }
  });

  it('uses the terms a Chinese operator uses', () => {
    const zh = (m: keyof typeof metricCatalog) => metricLabel(m, 'zh-CN');
    expect([zh('sessions'), zh('spend'), zh('per_customer_spend'), zh('aov'), zh('repurchase_rate'), zh('bounce_rate')]).toEqual(['访问次数', '推广花费', '客单价', '笔单价', '复购率', '跳失率']);
    expect(metricLabel('happiness', 'en')).toBe('happiness');
  });

  it('says a ratio of money is not additive: a split of 客单价, 笔单价 or CAC need not sum to its parent', () => {
    for (const m of ['per_customer_spend', 'aov', 'cac'] as const) expect(metricCatalog[m]).toMatchObject({ unit: 'money', additive: false });
    for (const m of metricNames) if (metricCatalog[m].unit === 'ratio') expect(metricCatalog[m].additive, m).toBe(false);
    expect(metricNames.filter((m) => metricCatalog[m].good === 'down').sort()).toEqual(['bounce_rate', 'cac', 'lifecycle_churned', 'lifecycle_dormant', 'refund_rate', 'refunds', 'spend']);
  });

  it('breaks a metric down only by what every one of its facts can be cut by', () => {
    for (const m of metricNames) {
      const info = metricCatalog[m];
      for (const d of dimensions) expect(info.breakdowns.includes(d), `${m} by ${d}`).toBe(info.facts.every((f) => factDimensions[f].includes(d)));
    }
    expect(metricCatalog.roas.breakdowns).toEqual(['channel', 'campaign']);
  });

  it('colours a rise red and a fall green by default, whatever the language; good news green only where the shop says so', () => {
    expect(changeColour('sales', 1)).toBe(changeColours.red);
    expect(changeColour('refunds', -1)).toBe(changeColours.green);
    expect(changeColour('refunds', 1, 'red_up')).toBe(changeColours.red);
    // good news green only for a shop whose settings ask for it
    expect(changeColour('refunds', -1, 'good_green')).toBe(changeColours.green);
    expect(changeColour('refunds', 1, 'good_green')).toBe(changeColours.red);
    expect(changeColour('sales', -1, 'good_green')).toBe(changeColours.red);
    expect(changeColour('sales', 0, 'good_green')).toBeUndefined();
  });
});
