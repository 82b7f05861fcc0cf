import { EMPTY, renderText, type MetricName, type ReviewReport } from '@flywheel/contracts';
import { count, metricValue, money, pct, signedPct } from '../format';
import { channelGap, dailySales, kpiAttainment, varianceWaterfall } from './charts';
import { driverRows, headline, periodLine, varianceNotes, wordsOf } from './markdown';

/** The 复盘 report as one self-contained HTML page (inline SVG charts, inline CSS), printable to PDF, in the report's language. */

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
  const { say, label, value, dimension } = wordsOf(r);
  const c = r.currency;
  const m = (minor: number | null) => money(minor, c, r.locale);
  const v = r.salesVariance;
  const parts: string[] = [];
  parts.push(`<h1>${escape(say('report.title', { shop: r.shopName, period: r.period.label }))}</h1><div class="meta">${escape(periodLine(r))}</div>`);
  parts.push(`<div class="headline ${gapClass(v.gap)}">${escape(headline(r))}</div>`);

  const attainment = kpiAttainment(r);
  parts.push(`<section><h2>${escape(say('report.kpis'))}</h2>${attainment ? `<div class="chart">${attainment}</div>` : ''}${table(
    [say('report.metric'), say('report.target'), say('report.actual'), say('report.gap'), say('report.attainment'), say('report.previous'), say('report.change'), say('report.target_from')],
    r.kpis.map((k) => [label(k.metric), metricValue(k.metric, k.target, c), metricValue(k.metric, k.actual, c), k.gap === null ? EMPTY : metricValue(k.metric, k.gap, c), pct(k.attainment), metricValue(k.metric, k.previous, c), signedPct(k.changePct), k.targetSourceText ? renderText(r.locale, k.targetSourceText) : EMPTY]),
  )}</section>`);

  parts.push(`<section><h2>${escape(say('report.variance'))}</h2><div class="chart">${varianceWaterfall(r)}</div>${table(
    [say('report.driver'), say(v.baseline === 'target' ? 'report.target' : 'report.previous'), say('report.actual'), say('report.effect')],
    driverRows(r),
  )}<p class="note">${escape(varianceNotes(r))}</p></section>`);

  const channels = channelGap(r);
  for (const [title, gap, chart, by] of [[say('report.by_channel'), r.gapByChannel, channels, 'channel'], [say('report.by_category'), r.gapByCategory, null, 'category']] as const) {
    parts.push(`<section><h2>${escape(title)}</h2><p class="note">${escape(say('report.split_target_from', { source: gap.targetSourceText ? renderText(r.locale, gap.targetSourceText) : say('report.no_split_target') }))}</p>${chart ? `<div class="chart">${chart}</div>` : ''}${
      gap.rows.length ? table([say('report.key'), say('report.target'), say('report.actual'), say('report.gap'), say('report.previous'), say('report.change')], gap.rows.map((x) => [value(by, x.key), m(x.target), m(x.actual), m(x.gap), m(x.previous), signedPct(x.changePct)])) : `<p>${escape(say('report.no_sales'))}</p>`}</section>`);
  }

  parts.push(`<section><h2>${escape(say('report.daily'))}</h2><div class="chart">${dailySales(r)}</div></section>`);

  parts.push(`<section><h2>${escape(say('report.movers'))}</h2>${r.topMovers.length ? table([say('report.dimension'), say('report.key'), say('report.metric'), say('report.current'), say('report.previous'), say('report.change')], r.topMovers.map((x) => {
    const metric = x.metric as MetricName;
    return [dimension(x.dimension), value(x.dimension, x.key), label(x.metric), metricValue(metric, x.current, c), metricValue(metric, x.previous, c), signedPct(x.changePct)];
  }), 3) : `<p>${escape(say('report.nothing_moved'))}</p>`}</section>`);

  parts.push(`<section><h2>${escape(say('report.roi'))}</h2>`);
  for (const [title, rows, by] of [[say('report.channels'), r.roi.channels, 'channel'], [say('report.campaigns'), r.roi.campaigns, 'campaign']] as const) {
    parts.push(`<h3>${escape(title)}</h3>${rows.length ? table([say('report.key'), label('spend'), label('sales'), label('roas'), say('report.floor'), label('new_buyers'), label('cac'), say('report.budget')], rows.map((x) => [
      value(by, x.key), m(x.spend), m(x.sales), x.roas === null ? EMPTY : x.roas.toFixed(2), x.roasFloor.toFixed(2), count(x.newBuyers), m(x.cac), m(x.budget),
    ])) : `<p>${escape(say('report.no_spend'))}</p>`}`);
  }
  parts.push('</section>');

  parts.push(`<section><h2>${escape(say('report.risks'))}</h2><ul>${r.risks.length ? r.risks.map((x) => `<li class="${x.severity}"><b>${escape(say(`severity.${x.severity}`))}</b> ${escape(x.message)}</li>`).join('') : `<li>${escape(say('report.no_risks'))}</li>`}</ul></section>`);
  parts.push(`<section><h2>${escape(say('report.actions'))}</h2><ol>${r.nextActions.map((a) => `<li>${escape(a.action)} <span class="note">— ${escape(say('report.because', { because: a.because }))}</span></li>`).join('')}</ol></section>`);

  return `<!doctype html><html lang="${r.locale}"><head><meta charset="utf-8"><title>${escape(say('report.doc_title', { shop: r.shopName, period: r.period.label }))}</title><style>${CSS}</style></head><body>${parts.join('\n')}</body></html>`;
}
