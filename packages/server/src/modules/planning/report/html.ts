import type { MetricName, ReviewReport } from '@flywheel/contracts';
import { count, metricValue, money, pct, signedPct } from '../format';
import { channelGap, dailySales, kpiAttainment, varianceWaterfall } from './charts';
import { headline, periodLine } from './markdown';

/** The 复盘 report as one self-contained HTML page (inline SVG charts, inline CSS), printable to PDF. */

const escape = (s: string | number) => String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
const table = (head: string[], rows: (string | number)[][], numericFrom = 1) => `<table><thead><tr>${head.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${
  rows.map((r) => `<tr>${r.map((v, i) => `<td${i >= numericFrom ? ' class="num"' : ''}>${escape(v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
const gapClass = (v: number | null) => (v === null ? '' : v < 0 ? 'neg' : 'pos');

const CSS = `
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f1f1f; margin: 32px auto; max-width: 960px; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 2px solid #1677ff; padding-bottom: 4px; } h3 { font-size: 15px; }
.meta { color: #666; font-size: 12px; } .headline { font-size: 16px; font-weight: 600; margin: 16px 0; padding: 12px; background: #f0f5ff; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; margin: 8px 0; } th, td { border-bottom: 1px solid #eee; padding: 4px 6px; text-align: left; }
th { background: #fafafa; } td.num { text-align: right; font-variant-numeric: tabular-nums; } .neg { color: #cf1322; } .pos { color: #389e0d; }
.chart { margin: 8px 0; page-break-inside: avoid; } .note { color: #666; font-size: 12px; }
li.critical::marker { color: #cf1322; } li.warning::marker { color: #d48806; }
section { page-break-inside: avoid; }
`;

export function renderHtml(r: ReviewReport): string {
  const c = r.currency;
  const v = r.salesVariance;
  const parts: string[] = [];
  parts.push(`<h1>复盘 Review: ${escape(r.shopName)} — ${escape(r.period.label)}</h1><div class="meta">${escape(periodLine(r))}</div>`);
  parts.push(`<div class="headline ${gapClass(v.gap)}">${escape(headline(r))}</div>`);

  const attainment = kpiAttainment(r);
  parts.push(`<section><h2>KPIs 指标: target vs actual</h2>${attainment ? `<div class="chart">${attainment}</div>` : ''}${table(
    ['Metric', 'Target', 'Actual', 'Gap', 'Attainment', 'Previous', 'Change', 'Target from'],
    r.kpis.map((k) => [`${k.metric} · ${k.label}`, metricValue(k.metric, k.target, c), metricValue(k.metric, k.actual, c), k.gap === null ? '–' : metricValue(k.metric, k.gap, c), pct(k.attainment), metricValue(k.metric, k.previous, c), signedPct(k.changePct), k.targetSource ?? '–']),
  )}</section>`);

  parts.push(`<section><h2>Sales gap by driver 差距拆解</h2><div class="chart">${varianceWaterfall(r)}</div>${table(
    ['Driver', v.baseline === 'target' ? 'Target' : 'Previous', 'Actual', 'Effect on sales'],
    [
      ['UV 访客数', count(v.drivers.uv.target), count(v.drivers.uv.actual), money(v.uvEffect, c)],
      ['Conversion 支付转化率', pct(v.drivers.conversionRate.target, 2), pct(v.drivers.conversionRate.actual, 2), money(v.conversionEffect, c)],
      ['客单价 per buyer', money(v.drivers.perCustomerSpend.target === null ? null : Math.round(v.drivers.perCustomerSpend.target), c), money(v.drivers.perCustomerSpend.actual === null ? null : Math.round(v.drivers.perCustomerSpend.actual), c), money(v.perCustomerSpendEffect, c)],
      ['Gap 差距', money(v.target, c), money(v.actual, c), money(v.gap, c)],
    ],
  )}<p class="note">Method: ${escape(v.method)}.${v.note ? ` Note: ${escape(v.note)}.` : ''}</p></section>`);

  const channels = channelGap(r);
  for (const [title, gap, chart] of [['Gap by channel 渠道', r.gapByChannel, channels], ['Gap by category 类目', r.gapByCategory, null]] as const) {
    parts.push(`<section><h2>${title}</h2><p class="note">Target from: ${escape(gap.targetSource ?? 'no target for this split')}</p>${chart ? `<div class="chart">${chart}</div>` : ''}${
      gap.rows.length ? table(['Key', 'Target', 'Actual', 'Gap', 'Previous', 'Change'], gap.rows.map((x) => [x.key, money(x.target, c), money(x.actual, c), money(x.gap, c), money(x.previous, c), signedPct(x.changePct)])) : '<p>No sales.</p>'}</section>`);
  }

  parts.push(`<section><h2>Daily sales 每日销售</h2><div class="chart">${dailySales(r)}</div></section>`);

  parts.push(`<section><h2>Top movers 变化最大 (vs previous period)</h2>${r.topMovers.length ? table(['Dimension', 'Key', 'Metric', 'Current', 'Previous', 'Change'], r.topMovers.map((x) => {
    const metric = x.metric as MetricName;
    return [x.dimension, x.key, x.metric, metricValue(metric, x.current, c), metricValue(metric, x.previous, c), signedPct(x.changePct)];
  }), 3) : '<p>Nothing moved.</p>'}</section>`);

  parts.push('<section><h2>ROI 投入产出</h2>');
  for (const [title, rows] of [['Channels 渠道', r.roi.channels], ['Campaigns 活动', r.roi.campaigns]] as const) {
    parts.push(`<h3>${title}</h3>${rows.length ? table(['Key', 'Spend', 'Sales', 'ROAS', 'Floor', 'New buyers', 'CAC', 'Budget'], rows.map((x) => [
      x.key, money(x.spend, c), money(x.sales, c), x.roas === null ? '–' : x.roas.toFixed(2), x.roasFloor.toFixed(2), count(x.newBuyers), money(x.cac, c), money(x.budget, c),
    ])) : '<p>No spend.</p>'}`);
  }
  parts.push('</section>');

  parts.push(`<section><h2>Risks 风险</h2><ul>${r.risks.length ? r.risks.map((x) => `<li class="${x.severity}"><b>${x.severity}</b> ${escape(x.message)}</li>`).join('') : '<li>None found.</li>'}</ul></section>`);
  parts.push(`<section><h2>Next actions 下一步</h2><ol>${r.nextActions.map((a) => `<li>${escape(a.action)} <span class="note">— because ${escape(a.because)}</span></li>`).join('')}</ol></section>`);

  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>复盘 ${escape(r.period.label)} — ${escape(r.shopName)}</title><style>${CSS}</style></head><body>${parts.join('\n')}</body></html>`;
}
