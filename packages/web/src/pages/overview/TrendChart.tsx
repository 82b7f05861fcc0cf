import { useMemo } from 'react';
import { Card } from 'antd';
import type { MetricName } from '@flywheel/contracts';
import { EChart } from '../../charts/EChart';
import { trendOption, type SeriesPoint } from '../../charts/options';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';

/** The selected KPI day by day over the period (week by week for a ratio that means nothing by day). */
export function TrendChart({ metric, series, grain = 'day' }: { metric: MetricName; series: SeriesPoint[]; grain?: 'day' | 'week' | 'hour' | 'month' | 'quarter' | 'year' }) {
  const { t, label } = useI18n();
  const format = useFormat();
  const option = useMemo(() => trendOption(series, [metric], grain, format, (m) => label('metric', m)), [series, metric, grain, format, label]);
  return (
    <Card size="small" title={`${t('overview.trend')} · ${label('metric', metric)}${grain === 'day' ? '' : ` · ${t('overview.byGrain', { grain: t(`grain.${grain}`) })}`}`} data-testid="trend" data-grain={grain}>
      <EChart name="trend" option={option} height={300} />
    </Card>
  );
}
