import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { lifecycleStages, type MetricsResult, type RfmClass, type RfmResult } from '@flywheel/contracts';
import { api, queryString } from '../../api/client';
import { useCurrentSession } from '../../api/session';
import { EChart } from '../../charts/EChart';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { addDays, addMonths, startOfMonth, todayIn } from '../../format/dates';
import { toMajor } from '../../format/numbers';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';

const stageColors = { prospect: '#bfbfbf', new: '#52c41a', active: '#1677ff', dormant: '#fa8c16', churned: '#f5222d' } as const;
/** Which of R, F, M are high for each class (PRODUCT.md's table). */
const classRule: Record<RfmClass, [boolean, boolean, boolean]> = {
  important_value: [true, true, true], important_develop: [true, false, true], important_keep: [false, true, true], important_retain: [false, false, true],
  general_value: [true, true, false], general_develop: [true, false, false], general_keep: [false, true, false], general_retain: [false, false, false],
};

/** Stacked columns: how many customers were in each lifecycle stage at each month end (this month: today), from the metrics API. */
function LifecycleTrend({ today }: { today: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const path = `/v1/metrics${queryString({ metrics: lifecycleStages.map((s) => `lifecycle_${s}`).join(','), from: addMonths(startOfMonth(today), -12), to: addDays(today, 1), grain: 'month' })}`;
  const query = useQuery({ queryKey: [shopId, 'lifecycle-trend', path], queryFn: () => api<MetricsResult>(path) });
  const option = useMemo(() => {
    const series = query.data?.series ?? [];
    const endOf = (start: string) => { const end = addDays(addMonths(start, 1), -1); return end < today ? end : today; };
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => format.count(v) },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: series.map((p) => endOf(p.start)) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => format.count(v, { compact: true }) } },
      series: lifecycleStages.map((stage) => ({
        name: t(`customers.lifecycle.${stage}`), type: 'bar', stack: 'customers', itemStyle: { color: stageColors[stage] },
        data: series.map((p) => p.values[`lifecycle_${stage}`] ?? 0),
      })),
    };
  }, [query.data, today, format, t]);
  return <QueryView query={query}>{() => <EChart name="lifecycle-trend" option={option} height={300} />}</QueryView>;
}

function RfmChart({ rfm }: { rfm: RfmResult }) {
  const { t, label } = useI18n();
  const format = useFormat();
  const navigate = useNavigate();
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rfm.classes.map((c) => t(`customers.rfm.${c.class}`)), axisLabel: { interval: 0, rotate: 20 } },
    yAxis: [
      { type: 'value', axisLabel: { formatter: (v: number) => format.count(v, { compact: true }) } },
      { type: 'value', position: 'right', splitLine: { show: false }, axisLabel: { formatter: (v: number) => format.moneyFromMajor(v, { compact: true, whole: true }) } },
    ],
    series: [
      { name: t('customers.layers.customers'), type: 'bar', data: rfm.classes.map((c) => c.customers), tooltip: { valueFormatter: (v: number) => format.count(v) } },
      { name: label('metric', 'net_sales'), type: 'bar', yAxisIndex: 1, data: rfm.classes.map((c) => toMajor(c.netSales, format.currency)), tooltip: { valueFormatter: (v: number) => format.moneyFromMajor(v) } },
    ],
  }), [rfm, format, t]);
  return <EChart name="rfm-classes" option={option} height={320} onClick={(p) => navigate(`/customers?rfmClass=${rfm.classes[p.dataIndex].class}`)} />;
}

/** 客户分层: the customer base by lifecycle stage over time, and the 8 RFM classes as of a date, each one click from its customers. */
export function CustomerLayersPage() {
  const { t, label } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const today = todayIn(format.timezone);
  const [asOf, setAsOf] = useState(today);
  const rfm = useQuery({ queryKey: [shopId, 'rfm', asOf], queryFn: () => api<RfmResult>(`/v1/rfm${queryString({ asOf })}`) });
  const hl = (high: boolean) => t(high ? 'customers.layers.high' : 'customers.layers.low');

  return (
    <div data-testid="customer-layers-page">
      <PageHeader
        title={t('customers.layers.title')}
        extra={<>
          <Typography.Text type="secondary">{t('customers.layers.asOf')}</Typography.Text>
          <DatePicker allowClear={false} value={dayjs(asOf)} onChange={(d) => d && setAsOf(d.format('YYYY-MM-DD'))} disabledDate={(d) => d.format('YYYY-MM-DD') > today} data-testid="rfm-as-of" />
        </>}
      />
      <Card size="small" title={t('customers.layers.lifecycleTrend')} style={{ marginBottom: 12 }}><LifecycleTrend today={today} /></Card>
      <QueryView query={rfm}>
        {(data) => (
          <>
            <Card size="small" title={t('customers.layers.rfmChart')} style={{ marginBottom: 12 }}
              extra={<Typography.Text type="secondary" data-testid="rfm-means">{data.customers > 0 ? t('customers.layers.means', {
                n: format.count(data.customers), r: format.count(data.means.r), f: format.count(data.means.f), m: format.money(data.means.m === null ? null : Math.round(data.means.m)),
              }) : ''}</Typography.Text>}>
              <RfmChart rfm={data} />
              <Typography.Text type="secondary">{t('customers.layers.clickHint')}</Typography.Text>
            </Card>
            <Card size="small">
              <Table size="small" rowKey="class" pagination={false} dataSource={data.classes} data-testid="rfm-table" columns={[
                { title: t('customers.layers.class'), dataIndex: 'class', render: (c: RfmClass) => t(`customers.rfm.${c}`) },
                { title: t('customers.layers.rule'), key: 'rule', render: (_: unknown, r: RfmResult['classes'][number]) => classRule[r.class].map(hl).join(' / ') },
                { title: t('customers.layers.customers'), dataIndex: 'customers', align: 'right' as const, render: (v: number) => format.count(v) },
                { title: t('customers.layers.share'), dataIndex: 'share', align: 'right' as const, render: (v: number | null) => format.ratio(v) },
                { title: label('metric', 'net_sales'), dataIndex: 'netSales', align: 'right' as const, render: (v: number) => format.money(v) },
                { title: '', key: 'link', render: (_: unknown, r: RfmResult['classes'][number]) => (asOf === today ? <Link to={`/customers?rfmClass=${r.class}`}>{t('customers.layers.viewMembers')}</Link> : null) },
              ]} />
            </Card>
          </>
        )}
      </QueryView>
    </div>
  );
}
