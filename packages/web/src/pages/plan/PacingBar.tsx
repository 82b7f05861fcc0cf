import { Flex, Tag, Tooltip, Typography } from 'antd';
import type { PacingRow } from '@flywheel/contracts';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';

const statusColor: Record<PacingRow['status'], string> = { on_track: 'green', at_risk: 'orange', off_track: 'red', not_started: 'default', no_data: 'default', achieved: 'green', missed: 'red' };
const barColor: Record<PacingRow['status'], string> = { on_track: '#52c41a', at_risk: '#faad14', off_track: '#ff4d4f', not_started: '#d9d9d9', no_data: '#d9d9d9', achieved: '#52c41a', missed: '#ff4d4f' };

/**
 * One target's pacing: the bar is the actual to date as a share of the target, the dark tick where the
 * target says we should be by now (along last year's curve), the status from the run-rate forecast.
 */
export function PacingBar({ row }: { row: PacingRow }) {
  const { t, label, valueLabel } = useI18n();
  const format = useFormat();
  const share = (v: number | null) => (v === null || row.target === 0 ? 0 : Math.max(0, Math.min(1, v / row.target)));
  const scope = row.dimensionValue ? ` · ${valueLabel(row.dimension ?? '', row.dimensionValue)}` : '';
  return (
    <div data-testid="pacing-row" style={{ marginBottom: 12 }}>
      <Flex justify="space-between" align="baseline" gap={8} wrap>
        <Typography.Text strong>{label('metric', row.metric)} · {row.period.label}{scope}</Typography.Text>
        <Tag color={statusColor[row.status]}>{t(`pacing.status.${row.status}`)}</Tag>
      </Flex>
      <Tooltip title={`${t('pacing.expected')}: ${format.metric(row.metric, row.expectedToDate)} · ${t('pacing.forecast')}: ${format.metric(row.metric, row.forecast)}`}>
        <div style={{ position: 'relative', height: 10, background: '#f0f0f0', borderRadius: 5, margin: '6px 0' }}>
          <div style={{ width: `${share(row.actualToDate) * 100}%`, height: '100%', background: barColor[row.status], borderRadius: 5 }} />
          {row.expectedToDate !== null && <div style={{ position: 'absolute', left: `${share(row.expectedToDate) * 100}%`, top: -3, width: 2, height: 16, background: '#262626' }} />}
        </div>
      </Tooltip>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('pacing.actual')} {format.metric(row.metric, row.actualToDate, { compact: true })} / {t('pacing.target')} {format.metric(row.metric, row.target, { compact: true })}
        {row.forecast !== null && ` · ${t('pacing.forecast')} ${format.metric(row.metric, row.forecast, { compact: true })}`}
      </Typography.Text>
    </div>
  );
}
