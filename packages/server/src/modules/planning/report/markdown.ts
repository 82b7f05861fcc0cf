import { renderText, type ReviewReport } from '@flywheel/contracts';
import { driverRows, gapRows, headline, kpiRows, moverRows, periodLine, promotionRows, roiRows, varianceNote, wordsOf } from './words';

/** The 复盘 report as Markdown: the same sections as the HTML, tables instead of charts, in the report's language. */

export { wordsOf } from './words';

const cell = (s: string | number) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

export function renderMarkdown(r: ReviewReport): string {
  const { say, label, dimension } = wordsOf(r);
  const v = r.salesVariance;
  const out: string[] = [];
  out.push(`# ${say('report.title', { shop: r.shopName, period: r.period.label })}`, '', periodLine(r), '', `**${headline(r)}**`, '');

  out.push(`## ${say('report.risks')}`, '');
  out.push(r.risks.length ? r.risks.map((x) => `- **${say(`severity.${x.severity}`)}** ${x.message}`).join('\n') : `- ${say('report.no_risks')}`, '');
  out.push(`## ${say('report.actions')}`, '');
  out.push(r.nextActions.map((a, i) => `${i + 1}. ${a.action}（${say('report.because', { because: a.because })}）`).join('\n'), '');

  out.push(`## ${say('report.kpis')}`, '');
  out.push(table(['report.metric', 'report.target', 'report.actual', 'report.gap', 'report.attainment', 'report.previous', 'report.change', 'report.target_from'].map((k) => say(k as 'report.metric')), kpiRows(r).map((k) => k.cells)), '');

  out.push(`## ${say('report.variance')}`, '');
  out.push(table([say('report.driver'), say(v.baseline === 'target' ? 'report.target' : 'report.previous'), say('report.actual'), say('report.effect')], driverRows(r, (s) => `**${s}**`)), '');
  if (varianceNote(r)) out.push(varianceNote(r), '');

  for (const [title, gap, by] of [[say('report.by_channel'), r.gapByChannel, 'channel'], [say('report.by_category'), r.gapByCategory, 'category']] as const) {
    out.push(`## ${title}`, '', say('report.split_target_from', { source: gap.targetSourceText ? renderText(r.locale, gap.targetSourceText) : say('report.no_split_target') }), '');
    out.push(gap.rows.length ? table([dimension(by), say('report.target'), say('report.actual'), say('report.gap'), say('report.previous'), say('report.change')], gapRows(r, gap.rows, by)) : `_${say('report.no_sales')}_`, '');
  }

  out.push(`## ${say('report.movers')}`, '');
  out.push(r.topMovers.length ? table([say('report.dimension'), say('report.key'), say('report.metric'), say('report.current'), say('report.previous'), say('report.change')], moverRows(r)) : `_${say('report.nothing_moved')}_`, '');

  out.push(`## ${say('report.roi')}`, '');
  for (const [title, rows, by] of [[say('report.channels'), r.roi.channels, 'channel'], [say('report.campaigns'), r.roi.campaigns, 'campaign']] as const) {
    out.push(`### ${title}`, '');
    out.push(rows.length ? table([dimension(by), label('spend'), label('sales'), label('roas'), say('report.floor'), label('new_buyers'), label('cac'), say('report.budget')], roiRows(r, rows, by)) : `_${say('report.no_spend')}_`, '');
  }

  out.push(`## ${say('report.promotions')}`, '');
  out.push(r.promotions.length ? table([say('report.promotion'), label('orders'), label('sales'), say('report.discount_cost'), say('report.sales_per_discount')], promotionRows(r)) : `_${say('report.no_promotions')}_`, '');

  out.push(`## ${say('report.appendix')}`, '', say('report.method'), '', say('report.generated', { asOf: r.asOf, timezone: r.timezone }), '');
  return out.join('\n');
}
