import { useMemo } from 'react';
import { Card, Skeleton } from 'antd';
import { useMetrics } from '../../api/metrics';
import { EChart } from '../../charts/EChart';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { plainMetricValue } from '../../format/numbers';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { usePeriod } from '../../shell/PeriodContext';
import { html } from '../../charts/html';
import { channelColour } from '../../charts/palette';

/** Where the period's sales came from: sales by channel as a ring. */
export function ChannelMix() {
  const { t, label } = useI18n();
  const format = useFormat();
  const { period } = usePeriod();
  const query = useMetrics({ metrics: ['sales', 'orders'], period, breakdown: 'channel' });
  const option = useMemo(() => {
    const rows = (query.data?.breakdown ?? []).filter((r) => (r.values.sales ?? 0) > 0);
    return {
      tooltip: { trigger: 'item', formatter: (p: { name: string; dataIndex: number; percent: number }) => html`${p.name}<br/><b>${format.money(rows[p.dataIndex]?.values.sales)}</b> (${format.ratio(p.percent / 100)})` },
      series: [{
        type: 'pie', radius: ['38%', '62%'], center: ['50%', '52%'], avoidLabelOverlap: true,
        // Each slice says its share; the smallest ones (under 2%) leave it to the tooltip rather than overlap.
        minShowLabelAngle: 7,
        label: { show: true, formatter: (p: { name: string; percent: number }) => `${p.name}\n${format.ratio(p.percent / 100)}`, fontSize: 11, lineHeight: 14 },
        labelLine: { length: 8, length2: 8 },
        data: rows.map((r) => ({ name: label('channel', r.key), value: plainMetricValue('sales', r.values.sales, format.currency), itemStyle: { color: channelColour(r.key) } })),
      }],
    };
  }, [query.data, format, label]);
  return (
    <Card size="small" title={t('overview.channelMix', { metric: label('metric', 'sales') })} data-testid="channel-mix">
      {query.isPending ? <Skeleton active /> : query.isError ? <ApiErrorAlert error={query.error} onRetry={() => query.refetch()} /> : <EChart name="channel-mix" option={option} height={300} />}
    </Card>
  );
}
