import { useState } from 'react';
import { Col, Row } from 'antd';
import { trendGrainOf, type MetricName } from '@flywheel/contracts';
import { useMetrics } from '../../api/metrics';
import { PageHeader } from '../../components/PageHeader';
import { PeriodPicker } from '../../components/PeriodPicker';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n/i18n';
import { usePeriod } from '../../shell/PeriodContext';
import { ChannelMix } from './ChannelMix';
import { KpiCard } from './KpiCard';
import { PlanningSummary } from './PlanningSummary';
import { TrendChart } from './TrendChart';

/** The overview's KPIs, fetched together in one `GET /v1/metrics` call. 客单价 = per_customer_spend, 复购率 = repurchase_rate. */
export const overviewMetrics: MetricName[] = ['sales', 'orders', 'buyers', 'per_customer_spend', 'uv', 'conversion_rate', 'repurchase_rate', 'roas'];

export function OverviewPage() {
  const { t } = useI18n();
  const { period, compare } = usePeriod();
  const [selected, setSelected] = useState<MetricName>('sales');
  const query = useMetrics({ metrics: overviewMetrics, period, grain: 'day', compare });
  // Ratios that mean nothing day by day (复购率) are drawn by week, in one more call.
  const weekly = overviewMetrics.filter((m) => trendGrainOf(m) === 'week');
  const weeklyQuery = useMetrics({ metrics: weekly, period, grain: 'week' }, weekly.length > 0);
  const seriesOf = (metric: MetricName, daily: NonNullable<typeof query.data>['series']) => (trendGrainOf(metric) === 'week' ? weeklyQuery.data?.series ?? [] : daily ?? []);

  return (
    <div data-testid="overview">
      <PageHeader title={t('overview.title')} extra={<PeriodPicker />} />
      <QueryView query={query} rows={8}>
        {(result) => (
          <>
            <Row gutter={[12, 12]} data-testid="kpi-cards" data-period={`${result.from}/${result.to}`}>
              {overviewMetrics.map((metric) => (
                <Col key={metric} xs={24} sm={12} lg={6}>
                  <KpiCard
                    metric={metric}
                    value={result.totals[metric] ?? null}
                    comparison={result.comparison?.[metric]}
                    series={seriesOf(metric, result.series).map((p) => p.values[metric] ?? null)}
                    compare={compare}
                    selected={metric === selected}
                    onSelect={() => setSelected(metric)}
                  />
                </Col>
              ))}
            </Row>
            <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
              <Col xs={24} xl={15}><TrendChart metric={selected} series={seriesOf(selected, result.series)} grain={trendGrainOf(selected)} /></Col>
              <Col xs={24} xl={9}><ChannelMix /></Col>
            </Row>
          </>
        )}
      </QueryView>
      <PlanningSummary />
    </div>
  );
}
