import { useMemo, useState } from 'react';
import { Card, Col, Row, Segmented, Space, Statistic, Typography } from 'antd';
import { isMetricName, metricCatalog, type MetricName, type MetricsResult } from '@flywheel/contracts';
import { useMetrics } from '../../api/metrics';
import { EChart } from '../../charts/EChart';
import { ExportButtons } from '../../components/ExportButtons';
import { axisFormatter } from '../../charts/options';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { addDays, todayIn } from '../../format/dates';
import { formatChangePct, plainMetricValue } from '../../format/numbers';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { html } from '../../charts/html';

/** What an operator watches through the day: paid sales, orders, buyers, visitors, page views. */
export const liveMetrics: MetricName[] = ['sales', 'orders', 'buyers', 'uv', 'pv'];
/** Today refreshes by itself this often; yesterday and last week do not change. */
export const LIVE_REFRESH_MS = 30_000;

/** The hour of the day it is now in the shop's time zone (0..23). */
function hourIn(timezone: string, now = new Date()): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', hour12: false }).format(now)) % 24;
}

/** The sum of a metric over the first `hours` hours of a day (additive metrics only). */
const sumHours = (result: MetricsResult | undefined, metric: MetricName, hours: number) =>
  (result?.series ?? []).slice(0, hours).reduce((a, p) => a + (p.values[metric] ?? 0), 0);

/**
 * 实时 / 今日: today so far against yesterday at the same hour and the same weekday last week, hour
 * by hour, refreshing by itself. Everything comes from `GET /v1/metrics` with `grain=hour` for the
 * three days. Sums (sales, orders, page views) compare the hours completed so far; distinct counts
 * (visitors, buyers) are not sums of their hours, so they compare whole days only where the day is whole.
 */
export function LivePage() {
  const { t, label } = useI18n();
  const format = useFormat();
  const today = todayIn(format.timezone);
  const yesterday = addDays(today, -1);
  const lastWeek = addDays(today, -7);
  const [metric, setMetric] = useState<MetricName>('sales');
  const day = (from: string) => ({ metrics: liveMetrics, period: { from, to: addDays(from, 1) }, grain: 'hour' as const });
  const now = useMetrics(day(today), true, LIVE_REFRESH_MS);
  const before = useMetrics(day(yesterday));
  const week = useMetrics(day(lastWeek));
  const hour = hourIn(format.timezone, new Date(now.dataUpdatedAt || Date.now()));

  const option = useMemo(() => {
    const additive = isMetricName(metric) && metricCatalog[metric].additive && metric !== 'uv' && metric !== 'buyers';
    const line = (result: MetricsResult | undefined, upTo: number) => {
      let running = 0;
      return (result?.series ?? []).map((p, i) => {
        if (i > upTo) return null;
        const v = p.values[metric] ?? 0;
        running += v;
        return plainMetricValue(metric, additive ? running : v, format.currency);
      });
    };
    const names = [t('live.today'), t('live.yesterday'), t('live.lastWeek')];
    const hours = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`);
    return {
      tooltip: {
        trigger: 'axis',
        formatter: (ps: { seriesName: string; marker: string; value: number | null; dataIndex: number }[]) => [
          html`${hours[ps[0]?.dataIndex ?? 0]}`,
          ...ps.map((p) => html`${p.marker}${p.seriesName}: <b>${p.value === null ? '—' : metricCatalog[metric].display === 'money' ? format.moneyFromMajor(p.value) : format.metric(metric, p.value)}</b>`),
        ].join('<br/>'),
      },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: hours, boundaryGap: false, axisLabel: { interval: 1 } },
      yAxis: { type: 'value', axisLabel: { formatter: axisFormatter(metric, format) } },
      series: [
        { name: names[0], type: 'line', smooth: true, showSymbol: false, data: line(now.data, hour), lineStyle: { width: 3 }, areaStyle: { opacity: 0.08 } },
        { name: names[1], type: 'line', smooth: true, showSymbol: false, data: line(before.data, 23), lineStyle: { type: 'dashed' }, itemStyle: { color: '#8c8c8c' } },
        { name: names[2], type: 'line', smooth: true, showSymbol: false, data: line(week.data, 23), lineStyle: { type: 'dotted' }, itemStyle: { color: '#b37feb' } },
      ],
    };
  }, [metric, now.data, before.data, week.data, hour, format, t]);

  const sameTime = (m: MetricName, other: MetricsResult | undefined) => {
    if (m === 'uv' || m === 'buyers') return null;
    const mine = sumHours(now.data, m, hour);
    const theirs = sumHours(other, m, hour);
    return theirs === 0 ? null : mine / theirs - 1;
  };

  return (
    <div data-testid="live-page">
      <PageHeader
        title={t('live.title')}
        extra={<Typography.Text type="secondary" data-testid="live-updated">{t('live.updated', { time: now.dataUpdatedAt ? format.timestamp(new Date(now.dataUpdatedAt).toISOString()).slice(-8) : '—', seconds: LIVE_REFRESH_MS / 1000 })}</Typography.Text>}
      />
      <QueryView query={now} rows={6}>
        {(result) => (
          <>
            <Row gutter={[12, 12]} data-testid="live-cards" data-date={result.from}>
              {liveMetrics.map((m) => {
                const vsYesterday = sameTime(m, before.data);
                const vsLastWeek = sameTime(m, week.data);
                return (
                  <Col key={m} xs={24} sm={12} lg={Math.floor(24 / liveMetrics.length)} style={{ flex: '1 1 0' }}>
                    <Card size="small" hoverable onClick={() => setMetric(m)} data-testid={`live-${m}`} style={{ borderColor: m === metric ? '#1677ff' : undefined, height: '100%' }}>
                      <Statistic title={label('metric', m)} valueRender={() => <span data-testid="live-value">{format.metric(m, result.totals[m], { compact: true })}</span>} />
                      {vsYesterday !== null || vsLastWeek !== null ? (
                        <div style={{ fontSize: 12 }}>
                          <div>{t('live.vsYesterday', { hour: `${String(hour).padStart(2, '0')}:00` })} <span style={{ color: format.changeColour(m, vsYesterday) }} data-testid="live-vs-yesterday">{formatChangePct(vsYesterday, format.lang)}</span></div>
                          <div>{t('live.vsLastWeek')} <span style={{ color: format.changeColour(m, vsLastWeek) }}>{formatChangePct(vsLastWeek, format.lang)}</span></div>
                        </div>
                      ) : (
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('live.yesterdayWhole', { value: format.metric(m, before.data?.totals[m], { compact: true }) })}</Typography.Text>
                      )}
                    </Card>
                  </Col>
                );
              })}
            </Row>
            <Card
              size="small"
              style={{ marginTop: 12 }}
              title={`${t('live.hourly')} · ${label('metric', metric)}${metric === 'uv' || metric === 'buyers' ? '' : ` · ${t('live.cumulative')}`}`}
              extra={<Space>
                <Segmented<MetricName> size="small" value={metric} onChange={setMetric} options={liveMetrics.map((m) => ({ value: m, label: label('metric', m) }))} />
                <ExportButtons table={() => ({
                  name: `flywheel-live-${today}`,
                  headers: [t('live.hour'), ...[today, yesterday, lastWeek].flatMap((d) => liveMetrics.map((m) => `${d} ${label('metric', m)}`))],
                  rows: Array.from({ length: 24 }, (_, h) => [`${String(h).padStart(2, '0')}:00`, ...[result, before.data, week.data].flatMap((r) => liveMetrics.map((m) => plainMetricValue(m, r?.series?.[h]?.values[m] ?? null, format.currency)))]),
                })} />
              </Space>}
            >
              <EChart name="live-hourly" option={option} height={320} />
            </Card>
          </>
        )}
      </QueryView>
    </div>
  );
}
