import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Card, Segmented, Table } from 'antd';
import type { AttributionResult } from '@flywheel/contracts';
import { api, queryString } from '../../api/client';
import { useCurrentSession } from '../../api/session';
import { EChart } from '../../charts/EChart';
import { axisFormatter } from '../../charts/options';
import { ExportButtons } from '../../components/ExportButtons';
import { PageHeader } from '../../components/PageHeader';
import { PeriodPicker } from '../../components/PeriodPicker';
import { QueryView } from '../../components/QueryView';
import { toMajor } from '../../format/numbers';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { usePeriod } from '../../shell/PeriodContext';

type Model = 'last_touch' | 'first_touch';
type ChannelRow = AttributionResult['channels'][number];

/** Sales and spend per channel side by side; the ROAS line on its own axis shows which spend pays back. */
function SalesVsSpendChart({ rows }: { rows: ChannelRow[] }) {
  const { t, label } = useI18n();
  const format = useFormat();
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => label('channel', r.channel)) },
    yAxis: [
      { type: 'value', axisLabel: { formatter: axisFormatter('sales', format) } },
      { type: 'value', position: 'right', splitLine: { show: false }, axisLabel: { formatter: (v: number) => format.multiple(v) } },
    ],
    series: [
      { name: label('metric', 'sales'), type: 'bar', data: rows.map((r) => toMajor(r.sales, format.currency)) },
      { name: label('metric', 'spend'), type: 'bar', data: rows.map((r) => toMajor(r.spend, format.currency)) },
      { name: label('metric', 'roas'), type: 'line', yAxisIndex: 1, data: rows.map((r) => r.roas) },
    ],
  }), [rows, format, label, t]);
  return <EChart name="attribution" option={option} height={300} />;
}

export function AttributionPage() {
  const { t, label } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const { period } = usePeriod();
  const [model, setModel] = useState<Model>('last_touch');
  const path = `/v1/attribution${queryString({ model, from: period.from, to: period.to })}`;
  const query = useQuery({ queryKey: [shopId, 'attribution', path], queryFn: () => api<AttributionResult>(path) });

  const columns = [
    { title: t('attribution.channel'), dataIndex: 'channel', render: (c: string) => label('channel', c) },
    { title: label('metric', 'uv'), dataIndex: 'visitors', align: 'right' as const, render: (v: number) => format.count(v) },
    { title: label('metric', 'buyers'), dataIndex: 'buyers', align: 'right' as const, render: (v: number) => format.count(v) },
    { title: label('metric', 'sales'), dataIndex: 'sales', align: 'right' as const, render: (v: number) => format.money(v), sorter: (a: ChannelRow, b: ChannelRow) => a.sales - b.sales },
    { title: label('metric', 'new_buyers'), dataIndex: 'newBuyers', align: 'right' as const, render: (v: number) => format.count(v) },
    { title: label('metric', 'spend'), dataIndex: 'spend', align: 'right' as const, render: (v: number) => format.money(v) },
    { title: label('metric', 'cac'), dataIndex: 'cac', align: 'right' as const, render: (v: number | null) => format.money(v) },
    { title: label('metric', 'roas'), dataIndex: 'roas', align: 'right' as const, render: (v: number | null) => format.multiple(v), sorter: (a: ChannelRow, b: ChannelRow) => (a.roas ?? -1) - (b.roas ?? -1) },
  ];

  return (
    <div data-testid="attribution-page">
      <PageHeader
        title={t('attribution.title')}
        extra={<>
          <Segmented<Model> value={model} onChange={setModel} options={(['last_touch', 'first_touch'] as const).map((m) => ({ value: m, label: t(`attribution.model.${m}`) }))} />
          <PeriodPicker withCompare={false} />
        </>}
      />
      <QueryView query={query} isEmpty={(d) => d.channels.length === 0}>
        {(data) => (
          <>
            <Card size="small" style={{ marginBottom: 12 }}><SalesVsSpendChart rows={data.channels} /></Card>
            <Card size="small" extra={<ExportButtons table={() => ({
              name: `flywheel-attribution-${model}-${period.from}-${period.to}`,
              headers: columns.map((c) => c.title),
              rows: data.channels.map((r) => [label('channel', r.channel), r.visitors, r.buyers, toMajor(r.sales, format.currency), r.newBuyers, toMajor(r.spend, format.currency), r.cac === null ? null : toMajor(r.cac, format.currency), r.roas]),
            })} />}>
              <Table size="small" rowKey="channel" pagination={false} dataSource={data.channels} columns={columns} data-testid="attribution-table" scroll={{ x: true }} />
            </Card>
          </>
        )}
      </QueryView>
    </div>
  );
}
