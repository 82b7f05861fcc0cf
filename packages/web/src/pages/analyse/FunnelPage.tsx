import { useMemo, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { AutoComplete, Button, Card, Col, Input, Row, Select, Space, Switch, Table, Typography } from 'antd';
import { ecommerceEvents, eventLabel, type FunnelRequest, type FunnelResult } from '@flywheel/contracts';
import { api } from '../../api/client';
import { EChart } from '../../charts/EChart';
import { axisFormatter } from '../../charts/options';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { PeriodPicker } from '../../components/PeriodPicker';
import { useFormat } from '../../format/useFormat';
import { formatSeconds } from '../../format/numbers';
import { useI18n } from '../../i18n/i18n';
import { usePeriod } from '../../shell/PeriodContext';
import { defaultSteps, PAGEVIEW, parseWhere, type StepDraft } from './funnelSteps';

type FunnelStepResult = FunnelResult['steps'][number];

const windows = ['30m', '1h', '1d', '7d', '14d', '30d'];

function StepEditor({ steps, onChange }: { steps: StepDraft[]; onChange(steps: StepDraft[]): void }) {
  const { t, lang } = useI18n();
  // Offered by their operator's names; the event name is what the storefront sends (and what is stored).
  const eventOptions = [PAGEVIEW, ...ecommerceEvents].map((e) => ({ value: e, label: `${eventLabel(e, lang)} · ${e}` }));
  const update = (i: number, patch: Partial<StepDraft>) => onChange(steps.map((s, k) => (k === i ? { ...s, ...patch } : s)));
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="funnel-steps">
      {steps.map((step, i) => (
        <Space key={i} wrap>
          <Typography.Text style={{ width: 56, display: 'inline-block' }}>{t('funnel.step', { n: i + 1 })}</Typography.Text>
          <AutoComplete style={{ width: 240 }} value={step.event} options={eventOptions} onChange={(event) => update(i, { event })} placeholder={t('funnel.event')} status={step.event ? undefined : 'error'} />
          <Input style={{ width: 260 }} value={step.where} onChange={(e) => update(i, { where: e.target.value })} placeholder={t('funnel.where')} />
          <Button size="small" type="text" danger disabled={steps.length <= 2} onClick={() => onChange(steps.filter((_, k) => k !== i))}>{t('app.delete')}</Button>
        </Space>
      ))}
      <Button size="small" disabled={steps.length >= 10} onClick={() => onChange([...steps, { event: '', where: '' }])}>{t('funnel.addStep')}</Button>
    </Space>
  );
}

/** People per step as bars, the drop-off stacked on top so the leak is visible at a glance. */
function DropOffChart({ steps }: { steps: FunnelStepResult[] }) {
  const { t, lang } = useI18n();
  const format = useFormat();
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    // Every step named, wrapped rather than dropped or cut off.
    xAxis: { type: 'category', data: steps.map((s) => eventLabel(s.name, lang)), axisLabel: { interval: 0, width: 90, overflow: 'break', lineHeight: 14 } },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => format.count(v, { compact: true }) } },
    series: [
      {
        name: t('funnel.people'), type: 'bar', stack: 'funnel', data: steps.map((s) => s.people), itemStyle: { color: '#1677ff' },
        label: { show: true, position: 'inside', color: '#fff', formatter: (p: { dataIndex: number }) => (p.dataIndex === 0 ? format.count(steps[0].people) : format.ratio(steps[p.dataIndex].conversionFromPrevious)) },
      },
      { name: t('funnel.dropOff'), type: 'bar', stack: 'funnel', data: steps.map((s, i) => (i === 0 ? 0 : steps[i - 1].people - s.people)), itemStyle: { color: '#ffccc7' } },
    ],
  }), [steps, t, format, lang]);
  return <EChart name="funnel" option={option} height={320} />;
}

function StepTable({ steps }: { steps: FunnelStepResult[] }) {
  const { t, lang } = useI18n();
  const format = useFormat();
  return (
    <Table
      size="small"
      rowKey="name"
      pagination={false}
      data-testid="funnel-table"
      dataSource={steps}
      columns={[
        { title: t('funnel.steps'), dataIndex: 'name', render: (name: string) => <span data-testid="funnel-step">{eventLabel(name, lang)}</span> },
        { title: t('funnel.people'), dataIndex: 'people', align: 'right', render: (v: number) => <span data-testid="funnel-people">{format.count(v)}</span> },
        { title: t('funnel.fromPrevious'), dataIndex: 'conversionFromPrevious', align: 'right', render: (v: number | null) => format.ratio(v) },
        { title: t('funnel.fromFirst'), dataIndex: 'conversionFromFirst', align: 'right', render: (v: number | null) => format.ratio(v) },
        { title: t('funnel.median'), dataIndex: 'medianSecondsFromPrevious', align: 'right', render: (v: number | null) => formatSeconds(v, format.lang) },
      ]}
    />
  );
}

/** Per channel: people at each step and the overall conversion, best channel first. */
function ChannelBreakdown({ rows }: { rows: NonNullable<FunnelResult['breakdown']> }) {
  const { t, label, lang } = useI18n();
  const format = useFormat();
  const stepNames = rows[0]?.steps.map((s) => s.name) ?? [];
  const sorted = [...rows].sort((a, b) => (b.steps.at(-1)?.conversionFromFirst ?? -1) - (a.steps.at(-1)?.conversionFromFirst ?? -1));
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => format.ratio(v) },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: axisFormatter('conversion_rate', format) } },
    yAxis: { type: 'category', inverse: true, data: sorted.map((r) => label('channel', r.key)) },
    series: [{ type: 'bar', name: t('funnel.fromFirst'), data: sorted.map((r) => r.steps.at(-1)?.conversionFromFirst ?? 0), itemStyle: { color: '#36cfc9' } }],
  }), [sorted, format, label, t]);
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} xl={9}><EChart name="funnel-channels" option={option} height={Math.max(160, sorted.length * 36)} /></Col>
      <Col xs={24} xl={15}>
        <Table
          size="small"
          rowKey="key"
          pagination={false}
          scroll={{ x: true }}
          data-testid="funnel-breakdown"
          dataSource={sorted}
          columns={[
            { title: label('dimension', 'channel'), dataIndex: 'key', render: (k: string) => label('channel', k) },
            ...stepNames.map((name, i) => ({ title: eventLabel(name, lang), key: name, align: 'right' as const, render: (_: unknown, r: (typeof sorted)[number]) => format.count(r.steps[i]?.people) })),
            { title: t('funnel.fromFirst'), key: 'overall', align: 'right' as const, render: (_: unknown, r: (typeof sorted)[number]) => format.ratio(r.steps.at(-1)?.conversionFromFirst) },
          ]}
        />
      </Col>
    </Row>
  );
}

export function FunnelPage() {
  const { t } = useI18n();
  const { period } = usePeriod();
  const [steps, setSteps] = useState<StepDraft[]>(defaultSteps);
  const [conversionWindow, setConversionWindow] = useState('7d');
  const [byChannel, setByChannel] = useState(true);
  const run = useMutation({
    mutationFn: (request: FunnelRequest) => api<FunnelResult>('/v1/funnels', { method: 'POST', body: request }),
  });
  const submit = () => run.mutate({
    steps: steps.map((s) => ({ event: s.event.trim(), ...(parseWhere(s.where) ? { where: parseWhere(s.where) } : {}) })),
    window: conversionWindow, from: period.from, to: period.to, ...(byChannel ? { breakdown: 'channel' as const } : {}),
  });

  return (
    <div data-testid="funnel-page">
      <PageHeader title={t('funnel.title')} extra={<PeriodPicker withCompare={false} />} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <StepEditor steps={steps} onChange={setSteps} />
        <Space style={{ marginTop: 16 }} wrap>
          <Typography.Text>{t('funnel.window')}</Typography.Text>
          <Select style={{ width: 90 }} value={conversionWindow} onChange={setConversionWindow} options={windows.map((w) => ({ value: w, label: w }))} />
          <Switch checked={byChannel} onChange={setByChannel} /> <Typography.Text>{t('funnel.byChannel')}</Typography.Text>
          <Button type="primary" data-testid="funnel-run" loading={run.isPending} disabled={steps.some((s) => !s.event.trim())} onClick={submit}>{t('funnel.run')}</Button>
        </Space>
      </Card>
      {run.isError && <ApiErrorAlert error={run.error} />}
      {run.isIdle && <Typography.Text type="secondary">{t('funnel.hint')}</Typography.Text>}
      {run.data && (
        <Row gutter={[12, 12]}>
          <Col xs={24} xl={12}><Card size="small"><DropOffChart steps={run.data.steps} /></Card></Col>
          <Col xs={24} xl={12}><Card size="small"><StepTable steps={run.data.steps} /></Card></Col>
          {run.data.breakdown && run.data.breakdown.length > 0 && (
            <Col span={24}><Card size="small" title={t('funnel.byChannel')}><ChannelBreakdown rows={run.data.breakdown} /></Card></Col>
          )}
        </Row>
      )}
    </div>
  );
}
