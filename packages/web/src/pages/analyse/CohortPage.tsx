import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Card, Select, Space, Typography } from 'antd';
import type { CohortsResult } from '@flywheel/contracts';
import { api, queryString } from '../../api/client';
import { useCurrentSession } from '../../api/session';
import { EChart } from '../../charts/EChart';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { addDays, addMonths, startOfMonth } from '../../format/dates';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { usePeriod } from '../../shell/PeriodContext';
import { html } from '../../charts/html';

type CohortBy = 'first_order' | 'signup' | 'first_visit';
type Measure = 'retention' | 'activity' | 'ltv';
type Cohort = CohortsResult['cohorts'][number];

/** Rows are cohorts, columns the periods after acquisition; colour says how many came back (or spent). */
function CohortHeatmap({ cohorts, measure }: { cohorts: Cohort[]; measure: Measure }) {
  const { t } = useI18n();
  const format = useFormat();
  const option = useMemo(() => {
    const periods = Math.max(0, ...cohorts.map((c) => c.values.length));
    const cell = (v: number) => (measure === 'ltv' ? format.money(v, { compact: true }) : format.ratio(v));
    const data = cohorts.flatMap((c, y) => c.values.map((v, x) => [x, y, v === null ? null : measure === 'ltv' ? v : v]));
    const values = data.map((d) => d[2]).filter((v): v is number => v !== null);
    // Retention's period 0 is 100% by definition; leave it out of the colour scale so later periods show contrast.
    const scaled = measure === 'ltv' ? values : data.filter((d) => d[0] !== 0 && d[2] !== null).map((d) => d[2] as number);
    return {
      tooltip: { formatter: (p: { data: [number, number, number | null] }) => html`${cohorts[p.data[1]].cohort} · ${t('cohort.period', { n: p.data[0] })}<br/><b>${p.data[2] === null ? '—' : cell(p.data[2])}</b>` },
      grid: { left: 8, right: 16, top: 8, bottom: 64, containLabel: true },
      xAxis: { type: 'category', data: Array.from({ length: periods }, (_, k) => t('cohort.period', { n: k })), splitArea: { show: true } },
      yAxis: { type: 'category', inverse: true, data: cohorts.map((c) => `${c.cohort} (${format.count(c.size)})`), splitArea: { show: true } },
      visualMap: { min: 0, max: Math.max(0.0001, ...(scaled.length ? scaled : [1])), calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 200, formatter: (v: number) => cell(v), inRange: { color: ['#f0f5ff', '#1677ff', '#002c8c'] } },
      series: [{ type: 'heatmap', data, label: { show: true, fontSize: 11, formatter: (p: { data: [number, number, number | null] }) => (p.data[2] === null ? '' : cell(p.data[2])) } }],
    };
  }, [cohorts, measure, format, t]);
  return <EChart name="cohort-heatmap" option={option} height={Math.max(240, cohorts.length * 34 + 90)} />;
}

function LtvCurves({ cohorts }: { cohorts: Cohort[] }) {
  const { t } = useI18n();
  const format = useFormat();
  const option = useMemo(() => {
    const periods = Math.max(0, ...cohorts.map((c) => c.values.length));
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => format.money(v) },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: Array.from({ length: periods }, (_, k) => t('cohort.period', { n: k })) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => format.money(v, { compact: true }) } },
      series: cohorts.map((c) => ({ name: c.cohort, type: 'line', data: c.values })),
    };
  }, [cohorts, format, t]);
  return <EChart name="ltv-curves" option={option} height={300} />;
}

export function CohortPage() {
  const { t } = useI18n();
  const { shopId } = useCurrentSession();
  const { today } = usePeriod();
  const [by, setBy] = useState<CohortBy>('first_order');
  const [grain, setGrain] = useState<'week' | 'month'>('month');
  const [measure, setMeasure] = useState<Measure>('retention');
  const [months, setMonths] = useState(6);
  const from = addMonths(startOfMonth(today), -(months - 1));
  const path = `/v1/cohorts${queryString({ by, grain, measure, from, to: addDays(today, 1), periods: grain === 'month' ? months : Math.min(26, months * 4) })}`;
  const query = useQuery({ queryKey: [shopId, 'cohorts', path], queryFn: () => api<CohortsResult>(path) });

  return (
    <div data-testid="cohort-page">
      <PageHeader title={t('cohort.title')} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          <Typography.Text>{t('cohort.by')}</Typography.Text>
          <Select<CohortBy> style={{ width: 120 }} value={by} onChange={setBy} options={(['first_order', 'signup', 'first_visit'] as const).map((v) => ({ value: v, label: t(`cohort.by.${v}`) }))} />
          <Select<'week' | 'month'> style={{ width: 80 }} value={grain} onChange={setGrain} options={[{ value: 'week', label: t('grain.week') }, { value: 'month', label: t('grain.month') }]} />
          <Typography.Text>{t('cohort.measure')}</Typography.Text>
          <Select<Measure> style={{ width: 260 }} value={measure} onChange={setMeasure} options={(['retention', 'activity', 'ltv'] as const).map((v) => ({ value: v, label: t(`cohort.measure.${v}`) }))} />
          <Typography.Text>{t('period.label')}</Typography.Text>
          <Select<number> style={{ width: 120 }} value={months} onChange={setMonths} options={[3, 6, 12].map((n) => ({ value: n, label: t('cohort.months', { n }) }))} />
        </Space>
      </Card>
      <QueryView query={query} isEmpty={(d) => d.cohorts.length === 0}>
        {(data) => (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Card size="small"><CohortHeatmap cohorts={data.cohorts} measure={measure} /></Card>
            {measure === 'ltv' && <Card size="small" title={t('cohort.curve')}><LtvCurves cohorts={data.cohorts} /></Card>}
          </Space>
        )}
      </QueryView>
    </div>
  );
}
