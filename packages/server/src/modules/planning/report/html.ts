import { changeColour, displayOf, renderText, type MetricName, type ReviewReport } from '@flywheel/contracts';
import { channelGap, dailySales, kpiAttainment, varianceWaterfall } from './charts';
import { driverRows, gapRows, headline, kpiRows, moverRows, periodLine, promotionRows, roiRows, salesChange, varianceNote, wordsOf } from './words';

/**
 * The 复盘 report as one self-contained HTML page (inline SVG charts, inline CSS), printable to PDF, in
 * the report's language. It is what a manager forwards to the boss: the first page says how the period
 * went (sales against target, attainment, change, risks and next actions), the pages after it why.
 */

const escape = (s: string | number) => String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

interface Cell { text: string; colour?: string; bar?: number | null }
const asCell = (v: string | Cell): Cell => (typeof v === 'string' ? { text: v } : v);

/** Columns from `numericFrom` on are numbers (right-aligned, not wrapped), up to `numericTo` (exclusive). */
function table(head: string[], rows: (string | Cell)[][], numericFrom = 1, numericTo = head.length): string {
  const numeric = (i: number) => i >= numericFrom && i < numericTo;
  const td = (v: string | Cell, i: number) => {
    const c = asCell(v);
    const bar = c.bar === undefined || c.bar === null ? '' : `<span class="bar"><span style="width:${Math.round(Math.max(0, Math.min(1, c.bar)) * 100)}%"></span></span>`;
    return `<td${numeric(i) ? ' class="num"' : ''}${c.colour ? ` style="color:${c.colour}"` : ''}>${bar}${escape(c.text)}</td>`;
  };
  return `<table><thead><tr>${head.map((h, i) => `<th${numeric(i) ? ' class="num"' : ''}>${escape(h)}</th>`).join('')}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('')}</tbody></table>`;
}

const CSS = `
@page { size: A4; margin: 14mm 12mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans SC", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f1f1f; margin: 24px auto; max-width: 960px; padding: 0 16px; font-size: 12px; line-height: 1.5; }
@media print { body { margin: 0; max-width: none; padding: 0; } }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 22px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #1677ff; break-after: avoid; } h3 { font-size: 13px; margin: 12px 0 4px; break-after: avoid; }
.meta { color: #595959; font-size: 11px; }
.cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 10px; margin: 16px 0 10px; }
.card { border: 1px solid #e8e8e8; border-radius: 6px; padding: 10px 12px; }
.card .title { color: #8c8c8c; font-size: 11px; } .card .value { font-size: 18px; font-weight: 600; margin-top: 2px; white-space: nowrap; }
.card .bar { display: block; width: 100%; margin-top: 6px; }
.headline { font-size: 13px; font-weight: 600; margin: 8px 0 4px; padding: 10px 12px; background: #f0f5ff; border-radius: 6px; }
.glance { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; break-inside: avoid; }
.glance ul, .glance ol { margin: 0; padding-left: 18px; } .glance li { margin: 4px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; } thead { display: table-header-group; } tr { break-inside: avoid; }
th, td { border-bottom: 1px solid #f0f0f0; padding: 4px 6px; text-align: left; vertical-align: top; } th { background: #fafafa; font-weight: 600; white-space: nowrap; } td:first-child { white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bar { display: inline-block; width: 48px; height: 6px; background: #f0f0f0; border-radius: 3px; margin-right: 6px; vertical-align: middle; overflow: hidden; }
.bar > span { display: block; height: 100%; background: #1677ff; }
.chart { margin: 4px 0; break-inside: avoid; } .chart svg { width: 100%; height: auto; }
.note { color: #8c8c8c; font-size: 11px; }
.severity { font-weight: 600; } li.critical .severity { color: #cf1322; } li.warning .severity { color: #d48806; }
.split { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.appendix { color: #8c8c8c; font-size: 10.5px; } .appendix h2 { color: #595959; border-bottom-color: #d9d9d9; }
`;

export function renderHtml(r: ReviewReport): string {
  const w = wordsOf(r);
  const { say, label, dimension } = w;
  const v = r.salesVariance;
  // Rises and falls in the shop's colours (涨红跌绿 unless its settings say otherwise).
  const colourOf = (metric: string, change: number | null) => (change === null ? undefined : changeColour(metric as MetricName, change, r.changeColours));
  const parts: string[] = [];

  // Page one: how the period went.
  parts.push(`<h1>${escape(say('report.title', { shop: r.shopName, period: r.period.label }))}</h1><div class="meta">${escape(periodLine(r))}</div>`);
  const sales = r.kpis.find((k) => k.metric === 'sales');
  const attainment = v.target > 0 ? v.actual / v.target : null;
  const card = (title: string, value: string, extra = '', colour?: string) => `<div class="card"><div class="title">${escape(title)}</div><div class="value"${colour ? ` style="color:${colour}"` : ''}>${escape(value)}</div>${extra}</div>`;
  parts.push(`<div class="cards" data-section="summary">${[
    card(label('sales'), w.money(v.actual)),
    card(say(v.baseline === 'target' ? 'report.target' : 'report.previous'), w.money(v.target)),
    card(say('report.attainment'), w.ratio(attainment), attainment === null ? '' : `<span class="bar"><span style="width:${Math.round(Math.min(1, Math.max(0, attainment)) * 100)}%"></span></span>`),
    card(`${say('report.change')} · ${label('sales')}`, salesChange(r), '', sales ? colourOf('sales', sales.changePct) : undefined),
  ].join('')}</div>`);
  parts.push(`<div class="headline">${escape(headline(r))}</div>`);
  parts.push(`<section class="glance"><div><h2>${escape(say('report.risks'))}</h2><ul>${r.risks.length
    ? r.risks.map((x) => `<li class="${x.severity}"><span class="severity">${escape(say(`severity.${x.severity}`))}</span> ${escape(x.message)}</li>`).join('')
    : `<li>${escape(say('report.no_risks'))}</li>`}</ul></div><div><h2>${escape(say('report.actions'))}</h2><ol>${
    r.nextActions.map((a) => `<li>${escape(a.action)}<div class="note">${escape(say('report.because', { because: a.because }))}</div></li>`).join('')}</ol></div></section>`);

  parts.push(`<h2>${escape(say('report.kpis'))}</h2>`);
  const withTargets = r.kpis.filter((k) => k.attainment !== null).length;
  if (withTargets >= 3) parts.push(`<div class="chart">${kpiAttainment(r)}</div>`);
  parts.push(table(
    [say('report.metric'), say('report.target'), say('report.actual'), say('report.gap'), say('report.attainment'), say('report.previous'), say('report.change'), say('report.target_from')],
    kpiRows(r).map((row, i) => {
      const k = r.kpis[i];
      const moved = displayOf(k.metric) === 'percent' ? (k.actual !== null && k.previous !== null ? k.actual - k.previous : null) : k.changePct;
      return row.cells.map((text, c) => (c === 4 ? { text, bar: row.attainment } : c === 6 ? { text, colour: colourOf(k.metric, moved) } : text));
    }),
    1, 7,
  ));

  // Why: the gap by driver, by channel and category, day by day, what moved.
  parts.push(`<h2>${escape(say('report.variance'))}</h2><div class="chart">${varianceWaterfall(r)}</div>${table(
    [say('report.driver'), say(v.baseline === 'target' ? 'report.target' : 'report.previous'), say('report.actual'), say('report.effect')],
    driverRows(r),
  )}${varianceNote(r) ? `<p class="note">${escape(varianceNote(r))}</p>` : ''}`);

  const channels = channelGap(r);
  for (const [title, gap, chart, by] of [[say('report.by_channel'), r.gapByChannel, channels, 'channel'], [say('report.by_category'), r.gapByCategory, null, 'category']] as const) {
    parts.push(`<h2>${escape(title)}</h2><p class="note">${escape(say('report.split_target_from', { source: gap.targetSourceText ? renderText(r.locale, gap.targetSourceText) : say('report.no_split_target') }))}</p>${chart ? `<div class="chart">${chart}</div>` : ''}${
      gap.rows.length ? table([dimension(by), say('report.target'), say('report.actual'), say('report.gap'), say('report.previous'), say('report.change')], gapRows(r, gap.rows, by).map((row, i) => row.map((text, c) => (c === 5 ? { text, colour: colourOf('sales', gap.rows[i].changePct) } : text)))) : `<p>${escape(say('report.no_sales'))}</p>`}`);
  }

  parts.push(`<h2>${escape(say('report.daily'))}</h2><div class="chart">${dailySales(r)}</div>`);

  parts.push(`<h2>${escape(say('report.movers'))}</h2>${r.topMovers.length
    ? table([say('report.dimension'), say('report.key'), say('report.metric'), say('report.current'), say('report.previous'), say('report.change')], moverRows(r).map((row, i) => {
      const x = r.topMovers[i];
      return row.map((text, c) => (c === 5 ? { text, colour: colourOf(x.metric, displayOf(x.metric) === 'percent' ? x.change : x.changePct) } : text));
    }), 3)
    : `<p>${escape(say('report.nothing_moved'))}</p>`}`);

  parts.push(`<h2>${escape(say('report.roi'))}</h2>`);
  for (const [title, rows, by] of [[say('report.channels'), r.roi.channels, 'channel'], [say('report.campaigns'), r.roi.campaigns, 'campaign']] as const) {
    parts.push(`<h3>${escape(title)}</h3>${rows.length ? table([dimension(by), label('spend'), label('sales'), label('roas'), say('report.floor'), label('new_buyers'), label('cac'), say('report.budget')], roiRows(r, rows, by)) : `<p>${escape(say('report.no_spend'))}</p>`}`);
  }

  parts.push(`<h2>${escape(say('report.promotions'))}</h2>${r.promotions.length
    ? table([say('report.promotion'), label('orders'), label('sales'), say('report.discount_cost'), say('report.sales_per_discount')], promotionRows(r))
    : `<p>${escape(say('report.no_promotions'))}</p>`}`);

  parts.push(`<section class="appendix"><h2>${escape(say('report.appendix'))}</h2><p>${escape(say('report.method'))}</p><p>${escape(say('report.generated', { asOf: r.asOf, timezone: r.timezone }))}</p></section>`);

  return `<!doctype html><html lang="${r.locale}"><head><meta charset="utf-8"><title>${escape(say('report.doc_title', { shop: r.shopName, period: r.period.label }))}</title><style>${CSS}</style></head><body>${parts.join('\n')}</body></html>`;
}

