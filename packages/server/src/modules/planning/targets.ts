import { metricCatalog, type MetricName } from '@flywheel/contracts';
import { FlywheelError } from '../../platform/errors';

/**
 * How planning treats each metric of PRODUCT.md. Additive metrics (the catalog's `additive`: money
 * and counts that sum) split into children that sum to the parent; ratios split into children whose
 * parts recombine to the parent's ratio.
 *
 * uv and buyers are distinct counts: a visitor of October and November is one visitor of Q4. Plans
 * nonetheless add them up over time (the seeds' 年度 UV = Σ 日均 UV x days), so planning treats them
 * as additive and measures their actual over a longer period as the sum of its months.
 */
export const distinctCountMetrics: readonly MetricName[] = ['uv', 'buyers'];

/** A ratio and the metrics it is made of (null where the part is a measure, not a metric of its own). */
export const ratioParts: Partial<Record<MetricName, { numerator: MetricName | null; denominator: MetricName }>> = {
  per_customer_spend: { numerator: 'sales', denominator: 'buyers' },
  aov: { numerator: 'sales', denominator: 'orders' },
  conversion_rate: { numerator: 'buyers', denominator: 'uv' },
  add_to_cart_rate: { numerator: null, denominator: 'uv' },
  bounce_rate: { numerator: null, denominator: 'sessions' },
  avg_session_duration: { numerator: null, denominator: 'sessions' },
  returning_buyer_rate: { numerator: null, denominator: 'buyers' },
  repurchase_rate: { numerator: null, denominator: 'buyers' },
  refund_rate: { numerator: 'refunds', denominator: 'sales' },
  gross_margin: { numerator: null, denominator: 'net_sales' },
  cac: { numerator: 'spend', denominator: 'new_buyers' },
  roas: { numerator: 'sales', denominator: 'spend' },
};

export const isAdditive = (m: MetricName) => metricCatalog[m].additive;
/** Where less is better (the catalog's `good: 'down'`), a forecast over target is the bad side. */
export const direction = (m: MetricName): 'higher' | 'lower' => (metricCatalog[m].good === 'down' ? 'lower' : 'higher');
export const unitOf = (m: MetricName) => metricCatalog[m].unit;
/** Money is whole minor units and counts whole units; ratios and durations are decimals. */
export const isWhole = (m: MetricName) => unitOf(m) === 'money' || unitOf(m) === 'count';

/** Refuses a target value that the metric cannot take. */
export function checkTargetValue(metric: MetricName, value: number, field = 'value') {
  if (!Number.isFinite(value)) throw new FlywheelError('invalid_field', `${field}: must be a finite number`, field);
  if (isWhole(metric) && !Number.isSafeInteger(value)) {
    const what = unitOf(metric) === 'money' ? 'an integer number of minor units (分)' : 'a whole number';
    throw new FlywheelError('invalid_field', `${field}: ${metric} targets are ${what}`, field);
  }
  if (value < 0 && metric !== 'net_sales') throw new FlywheelError('invalid_field', `${field}: ${metric} targets cannot be negative`, field);
  if (unitOf(metric) === 'ratio' && ratioParts[metric]?.numerator !== 'sales' && metric !== 'avg_session_duration' && value > 1) {
    throw new FlywheelError('invalid_field', `${field}: ${metric} is a ratio: give it as a decimal (0.035 for 3.5%)`, field);
  }
}

/** How close a ratio must come to its parts to count as consistent: one minor unit, 0.01 percentage point, or 0.5 s. */
export function ratioTolerance(metric: MetricName): number {
  const unit = unitOf(metric);
  return unit === 'money' ? 1 : unit === 'seconds' ? 0.5 : metric === 'roas' ? 0.005 : 0.0001;
}
