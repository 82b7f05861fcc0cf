import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, DatePicker, Flex, List, Progress, Row, Segmented, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { dayRangeLabel, displayOf, lastDay, type MetricName, type ReviewReport } from '@flywheel/contracts';
import { apiBlob } from '../../api/client';
import { reviewPath, useReview } from '../../api/planning';
import { EChart } from '../../charts/EChart';
import { axisFormatter } from '../../charts/options';
import { describeError } from '../../components/ApiErrorAlert';
import { ExportButtons } from '../../components/ExportButtons';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { addMonths } from '../../format/dates';
import { plainMetricValue, toMajor } from '../../format/numbers';
import { download } from '../../format/table-export';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { usePeriod } from '../../shell/PeriodContext';
import { VarianceWaterfall } from './VarianceWaterfall';

type ReviewPeriod = { month: string } | { quarter: string };
type GapRow = ReviewReport['gapByChannel']['rows'][number];

function KpiTable({ report }: { report: ReviewReport }) {
  const { t, label } = useI18n();
  const format = useFormat();
  // A ratio's gap is in percentage points, as its change is.
  const gapOf = (metric: MetricName, gap: number | null) => (gap !== null && displayOf(metric) === 'percent' ? format.change(metric, { change: gap, changePct: null }) : format.metric(metric, gap));
  return (
    <Table size="small" rowKey="metric" pagination={false} dataSource={report.kpis} data-testid="review-kpis" scroll={{ x: true }} columns={[
      { title: t('review.kpi'), key: 'm', render: (_, k) => label('metric', k.metric) },
      { title: t('review.target'), key: 'target', align: 'right', render: (_, k) => format.metric(k.metric, k.target) },
      { title: t('review.actual'), key: 'actual', align: 'right', render: (_, k) => <b>{format.metric(k.metric, k.actual)}</b> },
      // Gaps uncoloured: red and green say up and down here (涨红跌绿), not good and bad.
      { title: t('review.gap'), key: 'gap', align: 'right', render: (_, k) => gapOf(k.metric, k.gap) },
      {
        // The number itself beside its bar (a bar alone, or a tick for 100%, says too little).
        title: t('review.attainment'), key: 'att', width: 190, align: 'right',
        render: (_, k) => (k.attainment === null ? '—' : (
          <Flex align="center" gap={8} justify="flex-end" data-testid="attainment">
            <Progress size="small" style={{ width: 90, margin: 0 }} showInfo={false} percent={Math.min(100, Math.round(k.attainment * 100))} status={k.attainment < 0.9 ? 'exception' : k.attainment >= 1 ? 'success' : 'normal'} />
            <span style={{ minWidth: 56 }}>{format.ratio(k.attainment)}</span>
          </Flex>
        )),
      },
      { title: t('review.previous'), key: 'prev', align: 'right', render: (_, k) => format.metric(k.metric, k.previous) },
      { title: t('review.change'), key: 'chg', align: 'right', render: (_, k) => {
        const change = k.actual !== null && k.previous !== null ? k.actual - k.previous : null;
        return <span style={{ color: format.changeColour(k.metric, change) }}>{format.change(k.metric, { change, changePct: k.changePct })}</span>;
      } },
    ]} />
  );
}

function GapTable({ rows, dimension }: { rows: GapRow[]; dimension: 'channel' | 'category' }) {
  const { t, label, valueLabel } = useI18n();
  const format = useFormat();
  return (
    <Table size="small" rowKey="key" pagination={false} dataSource={rows} columns={[
      { title: label('dimension', dimension), dataIndex: 'key', render: (k: string) => valueLabel(dimension, k) },
      { title: t('review.target'), dataIndex: 'target', align: 'right', render: (v: number | null) => format.money(v) },
      { title: t('review.actual'), dataIndex: 'actual', align: 'right', render: (v: number) => format.money(v) },
      { title: t('review.gap'), dataIndex: 'gap', align: 'right', render: (v: number | null) => format.money(v) },
      { title: t('review.change'), dataIndex: 'changePct', align: 'right', render: (v: number | null) => <span style={{ color: format.changeColour('sales', v) }}>{format.change('sales', { change: null, changePct: v })}</span> },
    ]} />
  );
}

function DailySales({ daily }: { daily: ReviewReport['daily'] }) {
  const { t, label } = useI18n();
  const format = useFormat();
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => format.moneyFromMajor(v) },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: daily.map((d) => d.date.slice(5)) },
    yAxis: { type: 'value', axisLabel: { formatter: axisFormatter('sales', format) } },
    series: [
      { name: label('metric', 'sales'), type: 'line', smooth: true, data: daily.map((d) => toMajor(d.sales, format.currency)) },
      { name: t('review.previous'), type: 'line', smooth: true, lineStyle: { type: 'dashed' }, data: daily.map((d) => (d.previous === null ? null : toMajor(d.previous, format.currency))) },
    ],
  }), [daily, format, label, t]);
  return <EChart name="review-daily" option={option} height={260} />;
}

function ReviewBody({ report }: { report: ReviewReport }) {
  const { t, label, valueLabel, text, lang } = useI18n();
  const note = report.salesVariance.notes.length ? report.salesVariance.notes.map((n) => text(n, '')).join(lang === 'zh-CN' ? '；' : '; ') : report.salesVariance.note;
  const format = useFormat();
  return (
    <Row gutter={[12, 12]} data-testid="review-report">
      <Col span={24}>
        <Alert type={report.plan ? 'info' : 'warning'} showIcon message={report.plan ? t('review.plan', { name: report.plan.name }) : t('review.noPlan')} description={<span data-testid="review-period">{`${report.period.label} · ${dayRangeLabel(report.period)} · ${t('period.vs', { from: report.previous.from, to: lastDay(report.previous) })} · ${t('pacing.asOf', { date: report.asOf })}`}</span>} />
      </Col>
      <Col span={24}>
        <Card size="small" title={t('review.kpis')} extra={<ExportButtons table={() => ({
          name: `flywheel-review-${report.period.label}`,
          headers: [t('review.kpi'), t('review.target'), t('review.actual'), t('review.attainment'), t('review.previous')],
          // Money in major units, ratios as decimals: numbers a spreadsheet can add up.
          rows: report.kpis.map((k) => [label('metric', k.metric), plainMetricValue(k.metric, k.target, format.currency), plainMetricValue(k.metric, k.actual, format.currency), k.attainment, plainMetricValue(k.metric, k.previous, format.currency)]),
        })} />}><KpiTable report={report} /></Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('review.variance', { baseline: t(`review.baseline.${report.salesVariance.baseline}`) })}>
          <VarianceWaterfall variance={report.salesVariance} />
          {note && <Typography.Text type="secondary">{note}</Typography.Text>}
        </Card>
      </Col>
      <Col xs={24} xl={12}><Card size="small" title={t('review.daily')}><DailySales daily={report.daily} /></Card></Col>
      <Col xs={24} xl={12}><Card size="small" title={t('review.byChannel')}><GapTable rows={report.gapByChannel.rows} dimension="channel" /></Card></Col>
      <Col xs={24} xl={12}><Card size="small" title={t('review.byCategory')}><GapTable rows={report.gapByCategory.rows} dimension="category" /></Card></Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('review.movers')}>
          <Table size="small" rowKey={(m) => `${m.dimension}-${m.key}-${m.metric}`} pagination={false} dataSource={report.topMovers} columns={[
            { title: t('review.key'), key: 'k', render: (_, m) => `${label('dimension', m.dimension)}: ${valueLabel(m.dimension, m.key)}` },
            { title: t('review.kpi'), key: 'metric', render: (_, m) => label('metric', m.metric) },
            { title: t('review.actual'), key: 'c', align: 'right', render: (_, m) => format.metric(m.metric, m.current) },
            { title: t('review.change'), key: 'p', align: 'right', render: (_, m) => format.change(m.metric, { change: m.change, changePct: m.changePct }) },
          ]} />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('review.roi')}>
          <Table size="small" rowKey="key" pagination={false} dataSource={report.roi.channels} columns={[
            { title: t('attribution.channel'), dataIndex: 'key', render: (k: string) => label('channel', k) },
            { title: label('metric', 'spend'), dataIndex: 'spend', align: 'right', render: (v: number) => format.money(v) },
            { title: label('metric', 'sales'), dataIndex: 'sales', align: 'right', render: (v: number) => format.money(v) },
            { title: label('metric', 'roas'), key: 'roas', align: 'right', render: (_, r) => <Typography.Text type={r.roas !== null && r.roas < r.roasFloor ? 'danger' : undefined}>{format.multiple(r.roas)}</Typography.Text> },
            { title: label('metric', 'cac'), dataIndex: 'cac', align: 'right', render: (v: number | null) => format.money(v) },
          ]} />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('review.promotions')}>
          <Table size="small" rowKey="id" pagination={false} dataSource={report.promotions} data-testid="review-promotions" locale={{ emptyText: t('review.noPromotions') }} columns={[
            { title: t('review.promotion'), dataIndex: 'name' },
            { title: label('metric', 'orders'), dataIndex: 'orders', align: 'right', render: (v: number) => format.count(v) },
            { title: label('metric', 'sales'), dataIndex: 'sales', align: 'right', render: (v: number) => format.money(v) },
            { title: t('review.discountCost'), dataIndex: 'discountCost', align: 'right', render: (v: number) => format.money(v) },
            { title: t('review.salesPerDiscount'), dataIndex: 'salesPerDiscount', align: 'right', render: (v: number | null) => format.multiple(v) },
          ]} />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('review.risks')}>
          <List size="small" dataSource={report.risks} data-testid="review-risks" locale={{ emptyText: t('app.empty') }} renderItem={(r) => (
            <List.Item><Alert style={{ width: '100%' }} type={r.severity === 'critical' ? 'error' : r.severity === 'warning' ? 'warning' : 'info'} showIcon message={text(r.text, r.message)} /></List.Item>
          )} />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('review.actions')}>
          <List size="small" dataSource={report.nextActions} data-testid="review-actions" locale={{ emptyText: t('app.empty') }} renderItem={(a, i) => (
            <List.Item><Space direction="vertical" size={0}><Typography.Text strong>{i + 1}. {text(a.text?.action, a.action)}</Typography.Text><Typography.Text type="secondary">{t('review.because', { because: text(a.text?.because, a.because) })}</Typography.Text></Space></List.Item>
          )} />
        </Card>
      </Col>
    </Row>
  );
}

/** The monthly / quarterly 复盘 in the browser, and the same report as a PDF (rendered by the server). */
export function ReviewPage() {
  const { t, lang } = useI18n();
  const { today } = usePeriod();
  const { message } = App.useApp();
  const [kind, setKind] = useState<'month' | 'quarter'>('month');
  const lastMonth = addMonths(today, -1).slice(0, 7);
  const [period, setPeriod] = useState<ReviewPeriod>({ month: lastMonth });
  const [busy, setBusy] = useState<'pdf' | 'html' | null>(null);
  const query = useReview(period);
  const label = 'month' in period ? period.month : period.quarter;

  const fetchAs = async (format: 'pdf' | 'html') => {
    setBusy(format);
    try {
      const blob = await apiBlob(reviewPath(period, format, lang));
      if (format === 'pdf') download(blob, `flywheel-review-${label}.pdf`);
      else window.open(URL.createObjectURL(blob), '_blank', 'noopener');
    } catch (error) {
      const { title, detail } = describeError(error, t);
      message.error(detail ? `${title} ${detail}` : title);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div data-testid="review-page">
      <PageHeader
        title={t('review.title')}
        extra={<>
          <Segmented<'month' | 'quarter'> value={kind} onChange={(k) => { setKind(k); setPeriod(k === 'month' ? { month: lastMonth } : { quarter: `${lastMonth.slice(0, 4)}-Q${Math.floor((Number(lastMonth.slice(5, 7)) - 1) / 3) + 1}` }); }} options={[{ value: 'month', label: t('review.month') }, { value: 'quarter', label: t('review.quarter') }]} />
          <DatePicker
            picker={kind}
            allowClear={false}
            value={'month' in period ? dayjs(`${period.month}-01`) : dayjs(`${period.quarter.slice(0, 4)}-${String((Number(period.quarter.slice(6)) - 1) * 3 + 1).padStart(2, '0')}-01`)}
            onChange={(d) => d && setPeriod(kind === 'month' ? { month: d.format('YYYY-MM') } : { quarter: `${d.year()}-Q${Math.floor(d.month() / 3) + 1}` })}
          />
          <Button onClick={() => fetchAs('html')} loading={busy === 'html'}>{t('review.html')}</Button>
          <Button type="primary" data-testid="review-pdf" onClick={() => fetchAs('pdf')} loading={busy === 'pdf'}>{t('review.pdf')}</Button>
        </>}
      />
      <QueryView query={query} rows={10}>{(report) => <ReviewBody report={report} />}</QueryView>
    </div>
  );
}
