import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Dimension, Grain, MetricName, MetricsResult } from '@flywheel/contracts';
import { api, queryString } from './client';
import { useCurrentSession } from './session';
import type { Period } from '../format/dates';
import type { Comparison } from '../shell/PeriodContext';

export interface MetricsParams {
  metrics: readonly MetricName[];
  period: Period;
  grain?: Grain;
  compare?: Comparison;
  breakdown?: Dimension;
  filters?: Partial<Record<Dimension, string>>;
}

export function metricsPath(p: MetricsParams): string {
  const filters = Object.fromEntries(Object.entries(p.filters ?? {}).map(([d, v]) => [`filter.${d}`, v]));
  return `/v1/metrics${queryString({
    metrics: p.metrics.join(','), from: p.period.from, to: p.period.to, grain: p.grain,
    compare: p.compare && p.compare !== 'none' ? p.compare : undefined, breakdown: p.breakdown, ...filters,
  })}`;
}

/** `GET /v1/metrics`: totals, comparison, series and breakdown of any metrics in one call; `refreshMs` asks again by itself (the 实时 page). */
export function useMetrics(p: MetricsParams, enabled = true, refreshMs?: number) {
  const { shopId } = useCurrentSession();
  const path = metricsPath(p);
  return useQuery({ queryKey: [shopId, 'metrics', path], queryFn: ({ signal }) => api<MetricsResult>(path, { signal }), enabled: enabled && p.metrics.length > 0, placeholderData: keepPreviousData, refetchInterval: refreshMs });
}
