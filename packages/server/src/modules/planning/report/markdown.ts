import { dimensionLabel, dimensionValueLabel, EMPTY, metricLabel, renderText, textOf, type MetricName, type ReviewReport, type TextKey, type TextValues } from '@flywheel/contracts';
import { count, metricValue, money, pct, signedPct } from '../format';

/** The 复盘 report as Markdown: the same sections as the HTML, tables instead of charts, in the report's language. */

const cell = (s: string | number) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

/** The report's words: a text of contracts' texts.ts in the report's language, with its currency. */
export function wordsOf(r: ReviewReport) {
  const say = (key: TextKey, values: TextValues = {}) => renderText(r.locale, textOf(key, { currency: r.currency, ...values }));
  const label = (metric: string) => metricLabel(metric, r.locale);
  /** A breakdown key by name (channels, platforms), and a dimension. */
  const value = (dimension: string, key: string) => dimensionValueLabel(dimension, key, r.locale);
  const dimension = (id: string) => dimensionLabel(id, r.locale);
  return { say, label, value, dimension };
}

export function periodLine(r: ReviewReport): string {
  const { say } = wordsOf(r);
  return say('report.period_line', {
    from: r.period.from, to: r.period.to, timezone: r.timezone, previousFrom: r.previous.from, previousTo: r.previous.to,
    plan: r.plan ? `${r.plan.name} (${r.plan.id})` : say('report.no_plan'),
    progress: r.measured.to < r.period.to ? 'report.in_progress' : 'phrase.none', measuredFrom: r.measured.from, measuredTo: r.measured.to, share: r.targetShare,
  });
}

export function headline(r: ReviewReport): string {
  const v = r.salesVariance;
  return wordsOf(r).say('report.headline', {
    actual: v.actual, target: v.target, gap: v.gap, against: `baseline.${v.baseline}`,
    attainment: v.target > 0 ? v.actual / v.target : null, reached: v.target > 0 ? 'report.headline.reached' : 'phrase.none',
  });
}

/** The sales variance table: each driver's target, actual and effect on sales, then the gap. */
export function driverRows(r: ReviewReport, bold: (s: string) => string = (s) => s): string[][] {
  const { say, label } = wordsOf(r);
  const c = r.currency;
  const v = r.salesVariance;
  const rounded = (x: number | null) => (x === null ? null : Math.round(x));
  return [
    [label('uv'), count(v.drivers.uv.target), count(v.drivers.uv.actual), money(v.uvEffect, c, r.locale)],
    [label('conversion_rate'), pct(v.drivers.conversionRate.target, 2), pct(v.drivers.conversionRate.actual, 2), money(v.conversionEffect, c, r.locale)],
    [label('per_customer_spend'), money(rounded(v.drivers.perCustomerSpend.target), c, r.locale), money(rounded(v.drivers.perCustomerSpend.actual), c, r.locale), money(v.perCustomerSpendEffect, c, r.locale)],
    [bold(say('report.gap')), money(v.target, c, r.locale), money(v.actual, c, r.locale), bold(money(v.gap, c, r.locale))],
  ];
}

/** The method and the notes under the variance table. */
export function varianceNotes(r: ReviewReport): string {
  const { say } = wordsOf(r);
  const v = r.salesVariance;
  return [say('report.method'), v.note ? say('report.note', { note: v.note }) : ''].filter(Boolean).join(' ');
}

export function renderMarkdown(r: ReviewReport): string {
  const { say, label, value, dimension } = wordsOf(r);
  const c = r.currency;
  const m = (minor: number | null) => money(minor, c, r.locale);
  const v = r.salesVariance;
  const out: string[] = [];
  out.push(`# ${say('report.title', { shop: r.shopName, period: r.period.label })}`, '', periodLine(r), '', `**${headline(r)}**`, '');

  out.push(`## ${say('report.kpis')}`, '');
  out.push(table(['report.metric', 'report.target', 'report.actual', 'report.gap', 'report.attainment', 'report.previous', 'report.change', 'report.target_from'].map((k) => say(k as TextKey)), r.kpis.map((k) => [
    label(k.metric), metricValue(k.metric, k.target, c), metricValue(k.metric, k.actual, c),
    k.gap === null ? EMPTY : metricValue(k.metric, k.gap, c), pct(k.attainment), metricValue(k.metric, k.previous, c), signedPct(k.changePct), k.targetSourceText ? renderText(r.locale, k.targetSourceText) : EMPTY,
  ])), '');

  out.push(`## ${say('report.variance')}`, '');
  out.push(table([say('report.driver'), say(v.baseline === 'target' ? 'report.target' : 'report.previous'), say('report.actual'), say('report.effect')], driverRows(r, (s) => `**${s}**`)), '');
  out.push(varianceNotes(r), '');

  for (const [title, gap, by] of [[say('report.by_channel'), r.gapByChannel, 'channel'], [say('report.by_category'), r.gapByCategory, 'category']] as const) {
    out.push(`## ${title}`, '', say('report.split_target_from', { source: gap.targetSourceText ? renderText(r.locale, gap.targetSourceText) : say('report.no_split_target') }), '');
    out.push(gap.rows.length ? table([say('report.key'), say('report.target'), say('report.actual'), say('report.gap'), say('report.previous'), say('report.change')], gap.rows.map((x) => [value(by, x.key), m(x.target), m(x.actual), m(x.gap), m(x.previous), signedPct(x.changePct)])) : `_${say('report.no_sales')}_`, '');
  }

  out.push(`## ${say('report.movers')}`, '');
  out.push(r.topMovers.length ? table([say('report.dimension'), say('report.key'), say('report.metric'), say('report.current'), say('report.previous'), say('report.change')], r.topMovers.map((x) => {
    const metric = x.metric as MetricName;
    return [dimension(x.dimension), value(x.dimension, x.key), label(x.metric), metricValue(metric, x.current, c), metricValue(metric, x.previous, c), `${metric === 'conversion_rate' ? '' : `${m(x.change)} / `}${signedPct(x.changePct)}`];
  })) : `_${say('report.nothing_moved')}_`, '');

  out.push(`## ${say('report.roi')}`, '');
  for (const [title, rows, by] of [[say('report.channels'), r.roi.channels, 'channel'], [say('report.campaigns'), r.roi.campaigns, 'campaign']] as const) {
    out.push(`### ${title}`, '');
    out.push(rows.length ? table([say('report.key'), label('spend'), label('sales'), label('roas'), say('report.floor'), label('new_buyers'), label('cac'), say('report.budget')], rows.map((x) => [
      value(by, x.key), m(x.spend), m(x.sales), x.roas === null ? EMPTY : x.roas.toFixed(2), x.roasFloor.toFixed(2), count(x.newBuyers), m(x.cac), m(x.budget),
    ])) : `_${say('report.no_spend')}_`, '');
  }

  out.push(`## ${say('report.risks')}`, '');
  out.push(r.risks.length ? r.risks.map((x) => `- **${say(`severity.${x.severity}`)}** ${x.message}`).join('\n') : `- ${say('report.no_risks')}`, '');
  out.push(`## ${say('report.actions')}`, '');
  out.push(r.nextActions.map((a, i) => `${i + 1}. ${a.action} — ${say('report.because', { because: a.because })}`).join('\n'), '');
  return out.join('\n');
}
