import * as echarts from 'echarts';
import { changeColour, formatMoney, minorDigits, toMajor, type ReviewReport } from '@flywheel/contracts';
import { wordsOf } from './words';

/**
 * The review's charts, rendered to SVG on the server with ECharts' SSR renderer, so the HTML report
 * (and the PDF printed from it) carries its charts inline with no script and no network.
 */
const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
const COLORS = ['#1677ff', '#52c41a', '#faad14', '#ff4d4f', '#722ed1', '#13c2c2'];

/** Chart values are major units of the report's currency (元 for CNY, whole yen for JPY). */
const majorOf = (r: ReviewReport) => (minor: number) => toMajor(Math.round(minor), r.currency);
/** A money axis reads ¥7万 / ¥70K, not 70,000 (chart values are major units). */
const moneyAxis = (r: ReviewReport) => ({
  type: 'value',
  axisLabel: { formatter: (major: number) => formatMoney(Math.round(major * 10 ** minorDigits(r.currency)), r.currency, r.locale, { compact: true, whole: true }) },
});

function render(option: echarts.EChartsCoreOption, width = 720, height = 300): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: COLORS, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Target -> UV effect -> conversion effect -> 客单价 effect -> actual, as a waterfall (元). */
export function varianceWaterfall(r: ReviewReport): string {
  const v = r.salesVariance;
  const major = majorOf(r);
  const { say, label } = wordsOf(r);
  const steps = [
    { name: say(v.baseline === 'target' ? 'report.target' : 'report.previous'), value: v.target, total: true },
    { name: label('uv'), value: v.uvEffect, total: false },
    { name: label('conversion_rate'), value: v.conversionEffect, total: false },
    { name: label('per_customer_spend'), value: v.perCustomerSpendEffect, total: false },
    { name: say('report.actual'), value: v.actual, total: true },
  ];
  let level = 0;
  const base: number[] = [];
  const up: (number | string)[] = [];
  const down: (number | string)[] = [];
  for (const s of steps) {
    if (s.total) { base.push(0); up.push(major(s.value)); down.push('-'); level = s.value; continue; }
    const next = level + s.value;
    base.push(major(Math.min(level, next)));
    if (s.value >= 0) { up.push(major(s.value)); down.push('-'); } else { up.push('-'); down.push(major(-s.value)); }
    level = next;
  }
  const short = (minor: number) => formatMoney(minor, r.currency, r.locale, { compact: true });
  const barLabel = (i: number) => (steps[i].total ? short(steps[i].value) : `${steps[i].value > 0 ? '+' : ''}${short(steps[i].value)}`);
  return render({
    grid: { left: 16, right: 20, top: 28, bottom: 16, containLabel: true },
    xAxis: { type: 'category', data: steps.map((s) => s.name), axisLabel: { interval: 0, width: 110, overflow: 'break' } },
    yAxis: moneyAxis(r),
    series: [
      { type: 'bar', stack: 'w', data: base, itemStyle: { color: 'transparent' }, silent: true },
      { type: 'bar', stack: 'w', name: 'up', data: up.map((v, i) => (steps[i].total ? { value: v, itemStyle: { color: COLORS[0] } } : v)), itemStyle: { color: changeColour('sales', 1, r.changeColours) }, label: { show: true, position: 'top', formatter: (p: { dataIndex: number }) => barLabel(p.dataIndex) } },
      { type: 'bar', stack: 'w', name: 'down', data: down, itemStyle: { color: changeColour('sales', -1, r.changeColours) }, label: { show: true, position: 'bottom', formatter: (p: { dataIndex: number }) => barLabel(p.dataIndex) } },
    ],
  });
}

/** Attainment (actual / target) of each KPI that has a target, against the 100% line. */
export function kpiAttainment(r: ReviewReport): string | null {
  const rows = r.kpis.filter((k) => k.attainment !== null);
  if (rows.length === 0) return null;
  const { label } = wordsOf(r);
  return render({
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: rows.map((k) => label(k.metric)), inverse: true },
    series: [{
      type: 'bar',
      data: rows.map((k) => ({ value: Math.round(k.attainment! * 1000) / 10, itemStyle: { color: k.attainment! >= 0.97 ? '#52c41a' : k.attainment! >= 0.9 ? '#faad14' : '#ff4d4f' } })),
      label: { show: true, position: 'right', formatter: '{c}%' },
      markLine: { symbol: 'none', data: [{ xAxis: 100 }], lineStyle: { color: '#555', type: 'dashed' }, label: { show: false } },
    }],
  }, 720, Math.max(160, 60 + rows.length * 28));
}

/** Sales by channel: target against actual. */
export function channelGap(r: ReviewReport): string | null {
  const rows = r.gapByChannel.rows.slice(0, 10);
  const major = majorOf(r);
  if (rows.length === 0) return null;
  const { say, value } = wordsOf(r);
  return render({
    legend: { bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 36, containLabel: true },
    xAxis: { type: 'category', data: rows.map((x) => value('channel', x.key)), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: moneyAxis(r),
    series: [
      { type: 'bar', name: say('report.target'), itemStyle: { color: '#91caff' }, data: rows.map((x) => (x.target === null ? '-' : major(x.target))) },
      { type: 'bar', name: say('report.actual'), itemStyle: { color: COLORS[0] }, data: rows.map((x) => major(x.actual)) },
    ],
  });
}

/** Daily sales of the period beside the same day of the previous one. */
export function dailySales(r: ReviewReport): string {
  const major = majorOf(r);
  const { say } = wordsOf(r);
  return render({
    legend: { bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 36, containLabel: true },
    xAxis: { type: 'category', data: r.daily.map((d) => d.date.slice(5)) },
    yAxis: moneyAxis(r),
    series: [
      { type: 'line', name: r.period.label, data: r.daily.map((d) => major(d.sales)), showSymbol: false, itemStyle: { color: COLORS[0] } },
      { type: 'line', name: say('report.previous'), data: r.daily.map((d) => (d.previous === null ? '-' : major(d.previous))), showSymbol: false, itemStyle: { color: '#8c8c8c' }, lineStyle: { type: 'dashed' } },
    ],
  });
}
