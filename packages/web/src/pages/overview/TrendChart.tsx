import { useMemo } from 'react';
import { Card } from 'antd';
import type { MetricName } from '@flywheel/contracts';
import { EChart } from '../../charts/EChart';
import { trendOption, type SeriesPoint } from '../../charts/options';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';

/** The selected KPI day by day over the period. */
export function TrendChart({ metric, series }: { metric: MetricName; series: SeriesPoint[] }) {
  const { t, label } = useI18n();
  const format = useFormat();
  const option = useMemo(() => trendOption(series, [metric], 'day', format, (m) => label('metric', m)), [series, metric, format, label]);
  return (
    <Card size="small" title={`${t('overview.trend')} · ${label('metric', metric)}`}>
      <EChart name="trend" option={option} height={300} />
    </Card>
  );
}
