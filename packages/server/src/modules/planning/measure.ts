import type { Dimension, Grain, MetricName, MetricsQuery } from '@flywheel/contracts';
import type { AnalyticsService, ShopContext } from '../analytics';

/**
 * Actuals for planning, all through the metric layer (`AnalyticsService.metrics`): planning never
 * computes a metric itself. A scope is a period and, for a target on one channel / category /
 * platform, that dimension's filter.
 */
export interface Scope {
  from: string;
  to: string;
  dimension?: Dimension | null;
  dimensionValue?: string | null;
}

export type Values = Record<string, number | null>;

export class Measure {
  constructor(private readonly analytics: AnalyticsService, readonly shop: ShopContext) {}

  private query(metrics: readonly MetricName[], scope: Scope, extra: Partial<MetricsQuery> = {}): MetricsQuery {
    const q: MetricsQuery = { metrics: [...new Set(metrics)], from: scope.from, to: scope.to, ...extra };
    if (scope.dimension && scope.dimensionValue) (q as Record<string, unknown>)[`filter.${scope.dimension}`] = scope.dimensionValue;
    return q;
  }

  async totals(metrics: readonly MetricName[], scope: Scope): Promise<Values> {
    if (scope.from >= scope.to) return Object.fromEntries(metrics.map((m) => [m, null]));
    return (await this.analytics.metrics(this.shop, this.query(metrics, scope))).totals;
  }

  /** One row per bucket of the grain overlapping the scope (buckets are clipped to it). */
  async series(metrics: readonly MetricName[], scope: Scope, grain: Grain): Promise<{ start: string; values: Values }[]> {
    if (scope.from >= scope.to) return [];
    return (await this.analytics.metrics(this.shop, this.query(metrics, scope, { grain }))).series ?? [];
  }

  async breakdown(metrics: readonly MetricName[], scope: Scope, by: Dimension): Promise<{ key: string; values: Values }[]> {
    if (scope.from >= scope.to) return [];
    return (await this.analytics.metrics(this.shop, this.query(metrics, scope, { breakdown: by }))).breakdown ?? [];
  }
}
