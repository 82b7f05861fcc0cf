import { Card, Flex, Statistic, Tooltip, Typography } from 'antd';
import type { MetricName } from '@flywheel/contracts';
import { Sparkline } from '../../components/Sparkline';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';

export interface KpiCardProps {
  metric: MetricName;
  value: number | null;
  comparison?: { previous: number | null; change: number | null; changePct: number | null };
  series: (number | null)[];
  /** What the comparison is against: the previous period (上期) or the same dates last year (去年同期). */
  compare: 'previous_period' | 'previous_year' | 'none';
  selected: boolean;
  onSelect(): void;
}

/** One KPI: its value for the period, the change against the comparison period and a sparkline. */
export function KpiCard({ metric, value, comparison, series, compare, selected, onSelect }: KpiCardProps) {
  const { label, t } = useI18n();
  const format = useFormat();
  const direction = comparison?.change ? Math.sign(comparison.change) : 0;
  const color = format.changeColour(metric, direction);
  return (
    <Card
      size="small"
      hoverable
      onClick={onSelect}
      data-testid={`kpi-${metric}`}
      style={{ borderColor: selected ? '#1677ff' : undefined, height: '100%' }}
    >
      <Statistic
        title={label('metric', metric)}
        valueRender={() => (
          <Tooltip title={format.metric(metric, value)}>
            <span data-testid="kpi-value">{format.metric(metric, value, { compact: true })}</span>
          </Tooltip>
        )}
      />
      <Flex justify="space-between" align="end" gap={8}>
        {comparison ? (
          <div>
            <Typography.Text data-testid="kpi-change" style={{ color }}>{direction > 0 ? '▲ ' : direction < 0 ? '▼ ' : ''}{format.change(metric, comparison)}</Typography.Text>
            <br />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(compare === 'previous_year' ? 'overview.lastYear' : 'overview.previous', { value: format.metric(metric, comparison.previous, { compact: true }) })}</Typography.Text>
          </div>
        ) : <span />}
        <Sparkline values={series} />
      </Flex>
    </Card>
  );
}
