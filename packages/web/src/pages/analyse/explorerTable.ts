import type { MetricsResult } from '@flywheel/contracts';
import { formatBucket } from '../../format/dates';
import { plainMetricValue } from '../../format/numbers';
import type { Format } from '../../format/useFormat';
import type { ExportTable } from '../../format/table-export';

export interface ExplorerRow { key: string; label: string; values: Record<string, number | null> }

/** The explorer's rows: one per breakdown value when broken down, else one per time bucket; the totals last. */
export function explorerRows(result: MetricsResult, grain: string, lang: 'zh-CN' | 'en', labelOf: (key: string) => string, totalLabel: string): ExplorerRow[] {
  const rows: ExplorerRow[] = result.breakdown
    ? result.breakdown.map((b) => ({ key: b.key, label: b.label ?? labelOf(b.key), values: b.values }))
    : (result.series ?? []).map((p) => ({ key: p.start, label: grain === 'day' ? p.start : formatBucket(p.start, grain, lang), values: p.values }));
  return [...rows, { key: '__total', label: totalLabel, values: result.totals }];
}

/** The same rows for download: money in major units (元), ratios as decimals, as a spreadsheet wants them. */
export function explorerExport(rows: ExplorerRow[], metrics: string[], firstHeader: string, metricLabel: (m: string) => string, format: Format, name: string): ExportTable {
  return {
    name,
    headers: [firstHeader, ...metrics.map(metricLabel)],
    rows: rows.map((r) => [r.label, ...metrics.map((m) => plainMetricValue(m, r.values[m], format.currency))]),
  };
}
