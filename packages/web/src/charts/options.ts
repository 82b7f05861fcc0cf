import type { ChartOption } from './EChart';
import { formatBucket } from '../format/dates';
import type { Format } from '../format/useFormat';
import { displayOf, formatRatio, plainMetricValue } from '../format/numbers';
import { html, trusted } from './html';

export interface SeriesPoint { start: string; values: Record<string, number | null> }

/** Axis labels in the metric's unit: ¥1.2万 for money, 3.4% for ratios. */
export function axisFormatter(metric: string, format: Format): (value: number) => string {
  const display = displayOf(metric);
  if (display === 'money') return (v) => format.moneyFromMajor(v, { compact: true, whole: true });
  // An axis tick reads 10% rather than 10.00%.
  if (display === 'percent') return (v) => formatRatio(v, format.lang, Number.isInteger(Math.round(v * 10_000) / 100) ? 0 : 1);
  return (v) => format.count(v, { compact: true });
}

/** A line per metric over time; with two metrics of different units the second gets its own axis. */
export function trendOption(series: SeriesPoint[], metrics: string[], grain: string, format: Format, labelOf: (metric: string) => string): ChartOption {
  const units = [...new Set(metrics.map(displayOf))];
  const axisOf = (metric: string) => Math.min(units.indexOf(displayOf(metric)), 1);
  return {
    tooltip: {
      trigger: 'axis',
      valueFormatter: undefined,
      formatter: (params: { seriesName: string; dataIndex: number; marker: string; axisValueLabel: string }[]) => {
        const rows = params.map((p) => {
          const metric = metrics.find((m) => labelOf(m) === p.seriesName) ?? metrics[0];
          return html`${trusted(p.marker)}${p.seriesName}: <b>${format.metric(metric, series[p.dataIndex]?.values[metric])}</b>`;
        });
        return [html`${params[0]?.axisValueLabel ?? ''}`, ...rows].join('<br/>');
      },
    },
    legend: { show: metrics.length > 1, top: 0 },
    grid: { left: 8, right: 16, top: metrics.length > 1 ? 36 : 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: series.map((p) => formatBucket(p.start, grain, format.lang)), boundaryGap: false },
    yAxis: units.slice(0, 2).map((unit, i) => {
      const metric = metrics.find((m) => displayOf(m) === unit)!;
      return { type: 'value', position: i === 0 ? 'left' : 'right', splitLine: { show: i === 0 }, axisLabel: { formatter: axisFormatter(metric, format) } };
    }),
    series: metrics.map((metric) => ({
      name: labelOf(metric),
      type: 'line',
      smooth: true,
      showSymbol: series.length <= 31,
      yAxisIndex: axisOf(metric),
      areaStyle: metrics.length === 1 ? { opacity: 0.08 } : undefined,
      data: series.map((p) => plainMetricValue(metric, p.values[metric], format.currency)),
    })),
  };
}
