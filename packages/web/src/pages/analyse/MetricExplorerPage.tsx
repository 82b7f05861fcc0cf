import { useCallback, useMemo, useState } from 'react';
import { Card, Col, Input, Row, Select, Space, Table, Typography } from 'antd';
import { channels, customerTypes, dimensions, metricNames, platforms, type Dimension, type Grain, type MetricName } from '@flywheel/contracts';
import { useMetrics } from '../../api/metrics';
import { EChart } from '../../charts/EChart';
import { axisFormatter, trendOption } from '../../charts/options';
import { ExportButtons } from '../../components/ExportButtons';
import { PageHeader } from '../../components/PageHeader';
import { PeriodPicker } from '../../components/PeriodPicker';
import { QueryView } from '../../components/QueryView';
import { plainMetricValue } from '../../format/numbers';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { usePeriod } from '../../shell/PeriodContext';
import { explorerExport, explorerRows } from './explorerTable';
import { html } from '../../charts/html';

type Filters = Partial<Record<Dimension, string>>;
const grainOptions: Grain[] = ['day', 'week', 'month', 'quarter'];

/** Filters with a known list of values get a select; the rest (category path, campaign, province) free text. */
function FilterBar({ filters, onChange }: { filters: Filters; onChange(f: Filters): void }) {
  const { t, label, valueLabel } = useI18n();
  const set = (d: Dimension, v: string | undefined) => onChange({ ...filters, [d]: v || undefined });
  const choices: Partial<Record<Dimension, { value: string; label: string }[]>> = {
    channel: channels.map((c) => ({ value: c, label: label('channel', c) })),
    platform: platforms.map((p) => ({ value: p, label: label('platform', p) })),
    customer_type: customerTypes.map((k) => ({ value: k, label: valueLabel('customer_type', k) })),
  };
  return (
    <Space wrap>
      {dimensions.map((d) => choices[d] ? (
        <Select key={d} allowClear style={{ width: 150 }} placeholder={`${label('dimension', d)}: ${t('explorer.filterPlaceholder')}`} value={filters[d]} onChange={(v) => set(d, v)} options={choices[d]} />
      ) : (
        <Input key={d} allowClear style={{ width: 150 }} placeholder={`${label('dimension', d)}: ${t('explorer.filterPlaceholder')}`} value={filters[d]} onChange={(e) => set(d, e.target.value)} />
      ))}
    </Space>
  );
}

export function MetricExplorerPage() {
  const { t, label, valueLabel } = useI18n();
  const format = useFormat();
  const { period, compare } = usePeriod();
  const [metrics, setMetrics] = useState<MetricName[]>(['sales', 'orders']);
  const [grain, setGrain] = useState<Grain>('day');
  const [breakdown, setBreakdown] = useState<Dimension | undefined>();
  const [filters, setFilters] = useState<Filters>({});
  const query = useMetrics({ metrics, period, grain: breakdown ? undefined : grain, compare, breakdown, filters });
  const metricLabel = useCallback((m: string) => label('metric', m), [label]);
  const keyLabel = useCallback((key: string) => (breakdown ? valueLabel(breakdown, key) : key), [breakdown, valueLabel]);

  const chartOption = useMemo(() => {
    const data = query.data;
    if (!data) return null;
    if (!breakdown) return trendOption(data.series ?? [], metrics.slice(0, 4), grain, format, metricLabel);
    const first = metrics[0];
    const rows = (data.breakdown ?? []).slice(0, 20);
    return {
      tooltip: { trigger: 'axis', formatter: (p: { dataIndex: number }[]) => html`${rows[p[0].dataIndex].label ?? keyLabel(rows[p[0].dataIndex].key)}: <b>${format.metric(first, rows[p[0].dataIndex].values[first])}</b>` },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'value', axisLabel: { formatter: axisFormatter(first, format) } },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.label ?? keyLabel(r.key)) },
      series: [{ type: 'bar', name: metricLabel(first), data: rows.map((r) => plainMetricValue(first, r.values[first], format.currency)), itemStyle: { color: '#1677ff' } }],
    };
  }, [query.data, metrics, grain, breakdown, format, metricLabel, keyLabel]);

  const firstHeader = breakdown ? label('dimension', breakdown) : t('explorer.period');
  return (
    <div data-testid="metric-explorer">
      <PageHeader title={t('explorer.title')} extra={<PeriodPicker />} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Typography.Text>{t('explorer.metrics')}</Typography.Text>
            <Select<MetricName[]> mode="multiple" style={{ minWidth: 420 }} value={metrics} onChange={setMetrics} maxCount={8} options={metricNames.map((m) => ({ value: m, label: metricLabel(m) }))} status={metrics.length === 0 ? 'error' : undefined} placeholder={t('explorer.pickMetric')} />
            <Typography.Text>{t('explorer.grain')}</Typography.Text>
            <Select<Grain> style={{ width: 90 }} value={grain} disabled={!!breakdown} onChange={setGrain} options={grainOptions.map((g) => ({ value: g, label: t(`grain.${g}`) }))} />
            <Typography.Text>{t('explorer.breakdown')}</Typography.Text>
            <Select<Dimension | 'none'> style={{ width: 130 }} value={breakdown ?? 'none'} onChange={(v) => setBreakdown(v === 'none' ? undefined : v)} options={[{ value: 'none', label: t('explorer.noBreakdown') }, ...dimensions.map((d) => ({ value: d, label: label('dimension', d) }))]} />
          </Space>
          <FilterBar filters={filters} onChange={setFilters} />
        </Space>
      </Card>
      {metrics.length === 0 ? <Typography.Text type="danger">{t('explorer.pickMetric')}</Typography.Text> : (
        <QueryView query={query}>
          {(result) => {
            const rows = explorerRows(result, grain, format.lang, keyLabel, t('app.total'));
            return (
              <Row gutter={[12, 12]}>
                <Col span={24}>
                  <Card size="small">{chartOption && <EChart name="explorer" option={chartOption} height={320} />}</Card>
                </Col>
                <Col span={24}>
                  <Card size="small" extra={<ExportButtons table={() => explorerExport(rows, metrics, firstHeader, metricLabel, format, `flywheel-metrics-${period.from}-${period.to}`)} />}>
                    <Table
                      size="small"
                      rowKey="key"
                      data-testid="explorer-table"
                      dataSource={rows}
                      pagination={{ pageSize: 50, hideOnSinglePage: true }}
                      scroll={{ x: true }}
                      rowClassName={(r) => (r.key === '__total' ? 'total-row' : '')}
                      columns={[
                        { title: firstHeader, dataIndex: 'label', fixed: 'left', render: (v: string, r) => (r.key === '__total' ? <b>{v}</b> : v) },
                        ...metrics.map((m) => ({
                          title: metricLabel(m), key: m, align: 'right' as const,
                          render: (_: unknown, r: (typeof rows)[number]) => (
                            <span>
                              {format.metric(m, r.values[m])}
                              {r.key === '__total' && result.comparison?.[m] && <Typography.Text type="secondary" style={{ marginLeft: 6, fontSize: 12 }}>{format.change(m, result.comparison[m])}</Typography.Text>}
                            </span>
                          ),
                        })),
                      ]}
                    />
                  </Card>
                </Col>
              </Row>
            );
          }}
        </QueryView>
      )}
    </div>
  );
}
