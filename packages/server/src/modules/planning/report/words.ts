import {
  dayRangeLabel, dimensionLabel, dimensionValueLabel, displayOf, EMPTY, formatChangePct, formatCount, formatMetric, formatMoney,
  formatPointChange, formatRatio, metricLabel, renderText, textOf, type DateRange, type ReviewReport, type TextKey, type TextValues,
} from '@flywheel/contracts';

/**
 * The report's words and numbers, in the report's language, for the Markdown, the HTML (and so the
 * PDF) and the charts alike: texts of contracts' texts.ts, the metric catalog's labels, labels.ts's
 * names of channels and platforms, and contracts' formatters. A ratio's change is in percentage
 * points (+1.98个百分点), as the console writes it, never a percent of itself.
 */
export function wordsOf(r: ReviewReport) {
  const lang = r.locale;
  const currency = r.currency;
  const say = (key: TextKey, values: TextValues = {}) => renderText(lang, textOf(key, { currency, ...values }));
  const label = (metric: string) => metricLabel(metric, lang);
  /** A breakdown key by name (channels, platforms), and a dimension. */
  const value = (dimension: string, key: string) => dimensionValueLabel(dimension, key, lang);
  const dimension = (id: string) => dimensionLabel(id, lang);
  const money = (minor: number | null) => formatMoney(minor, currency, lang);
  const signedMoney = (minor: number | null) => (minor === null ? EMPTY : `${minor > 0 ? '+' : ''}${money(minor)}`);
  const metric = (id: string, v: number | null) => formatMetric(id, v, { lang, currency });
  const count = (v: number | null) => formatCount(v, lang);
  const ratio = (v: number | null, digits = 1) => formatRatio(v, lang, digits);
  /** The change of a metric on its baseline: points for ratios, percent otherwise. */
  const change = (id: string, current: number | null, previous: number | null, changePct: number | null) =>
    (displayOf(id) === 'percent' ? formatPointChange(current === null || previous === null ? null : current - previous, lang) : formatChangePct(changePct, lang));
  /** A gap to target: points for ratios, the metric's own unit otherwise, with its sign. */
  const gap = (id: string, v: number | null) => {
    if (v === null) return EMPTY;
    if (displayOf(id) === 'percent') return formatPointChange(v, lang);
    const shown = metric(id, v);
    return v > 0 ? `+${shown}` : shown;
  };
  const days = (p: DateRange) => dayRangeLabel(p);
  return { lang, say, label, value, dimension, money, signedMoney, metric, count, ratio, change, gap, days };
}

export type Words = ReturnType<typeof wordsOf>;

export function periodLine(r: ReviewReport): string {
  const { say, days } = wordsOf(r);
  return say('report.period_line', {
    period: days(r.period), timezone: r.timezone, previous: days(r.previous),
    plan: r.plan ? r.plan.name : say('report.no_plan'),
    progress: r.measured.to < r.period.to ? 'report.in_progress' : 'phrase.none', measured: days(r.measured), share: r.targetShare,
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
  const { say, label, money, signedMoney, count, ratio } = wordsOf(r);
  const v = r.salesVariance;
  const rounded = (x: number | null) => (x === null ? null : Math.round(x));
  return [
    [label('uv'), count(v.drivers.uv.target), count(v.drivers.uv.actual), signedMoney(v.uvEffect)],
    [label('conversion_rate'), ratio(v.drivers.conversionRate.target, 2), ratio(v.drivers.conversionRate.actual, 2), signedMoney(v.conversionEffect)],
    [label('per_customer_spend'), money(rounded(v.drivers.perCustomerSpend.target)), money(rounded(v.drivers.perCustomerSpend.actual)), signedMoney(v.perCustomerSpendEffect)],
    [bold(say('report.gap')), money(v.target), money(v.actual), bold(signedMoney(v.gap))],
  ];
}

/** The notes under the variance table (the method goes to the report's notes at its end). */
export function varianceNote(r: ReviewReport): string {
  const v = r.salesVariance;
  return v.note ? wordsOf(r).say('report.note', { note: v.note }) : '';
}

/** Sales against its baseline: the change in percent (for the summary). */
export function salesChange(r: ReviewReport): string {
  const sales = r.kpis.find((k) => k.metric === 'sales');
  return sales ? wordsOf(r).change('sales', sales.actual, sales.previous, sales.changePct) : EMPTY;
}

/** The KPI table's rows: metric, target, actual, gap, attainment, previous, change, where the target came from. */
export function kpiRows(r: ReviewReport): { cells: string[]; attainment: number | null }[] {
  const w = wordsOf(r);
  return r.kpis.map((k) => ({
    attainment: k.attainment,
    cells: [
      w.label(k.metric), w.metric(k.metric, k.target), w.metric(k.metric, k.actual), w.gap(k.metric, k.gap), w.ratio(k.attainment),
      w.metric(k.metric, k.previous), w.change(k.metric, k.actual, k.previous, k.changePct), k.targetSourceText ? renderText(r.locale, k.targetSourceText) : EMPTY,
    ],
  }));
}

export function moverRows(r: ReviewReport): string[][] {
  const w = wordsOf(r);
  return r.topMovers.map((x) => [w.dimension(x.dimension), w.value(x.dimension, x.key), w.label(x.metric), w.metric(x.metric, x.current), w.metric(x.metric, x.previous), w.change(x.metric, x.current, x.previous, x.changePct)]);
}

export function gapRows(r: ReviewReport, rows: ReviewReport['gapByChannel']['rows'], by: 'channel' | 'category'): string[][] {
  const w = wordsOf(r);
  return rows.map((x) => [w.value(by, x.key), w.money(x.target), w.money(x.actual), w.signedMoney(x.gap), w.money(x.previous), w.change('sales', x.actual, x.previous, x.changePct)]);
}

export function promotionRows(r: ReviewReport): string[][] {
  const w = wordsOf(r);
  return r.promotions.map((x) => [x.name, w.count(x.orders), w.money(x.sales), w.money(x.discountCost), w.metric('roas', x.salesPerDiscount)]);
}

export function roiRows(r: ReviewReport, rows: ReviewReport['roi']['channels'], by: 'channel' | 'campaign'): string[][] {
  const w = wordsOf(r);
  return rows.map((x) => [w.value(by, x.key), w.money(x.spend), w.money(x.sales), w.metric('roas', x.roas), w.metric('roas', x.roasFloor), w.count(x.newBuyers), w.money(x.cac), w.money(x.budget)]);
}
