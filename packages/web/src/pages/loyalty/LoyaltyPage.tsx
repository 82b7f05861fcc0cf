import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Statistic, Table, Typography } from 'antd';
import type { LoyaltyReport } from '@flywheel/contracts';
import { api, queryString } from '../../api/client';
import { useCurrentSession, useSession } from '../../api/session';
import { EChart } from '../../charts/EChart';
import { PageHeader } from '../../components/PageHeader';
import { PeriodPicker } from '../../components/PeriodPicker';
import { QueryView } from '../../components/QueryView';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { toMajor } from '../../format/numbers';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { usePeriod } from '../../shell/PeriodContext';
import { MemberPoints } from './MemberPoints';
import { ProgramForm } from './ProgramForm';
import { useLoyaltyProgram } from './useLoyaltyProgram';

const tierColours = ['#8c8c8c', '#d4b106', '#2f54eb', '#722ed1', '#eb2f96', '#13c2c2', '#fa541c', '#52c41a', '#1677ff', '#faad14'];

/** 权益金字塔: the tiers from the lowest (the base) up, each as wide as its members, the top tier at the top. */
function TierPyramid({ report }: { report: LoyaltyReport }) {
  const { t, label } = useI18n();
  const format = useFormat();
  const option = useMemo(() => ({
    tooltip: {
      trigger: 'item',
      formatter: (p: { dataIndex: number }) => {
        const tier = report.tiers[p.dataIndex];
        return `${tier.name}<br/>${t('loyalty.membersUnit', { n: format.count(tier.members) })}<br/>${label('metric', 'sales')}: ${format.money(tier.sales)}<br/>${t('loyalty.perMember', { metric: label('metric', 'sales') })}: ${format.money(tier.salesPerMember === null ? null : Math.round(tier.salesPerMember))}`;
      },
    },
    series: [{
      type: 'funnel', sort: 'ascending', left: '10%', width: '80%', top: 8, bottom: 8, minSize: '18%', gap: 2,
      label: { show: true, position: 'inside', formatter: (p: { dataIndex: number }) => `${report.tiers[p.dataIndex].name}  ${t('loyalty.membersUnit', { n: format.count(report.tiers[p.dataIndex].members) })}` },
      data: report.tiers.map((tier, i) => ({ name: tier.name, value: tier.members, itemStyle: { color: tierColours[i % tierColours.length] } })),
    }],
  }), [report, format, t, label]);
  return <EChart name="tier-pyramid" option={option} height={280} />;
}

/** Outstanding points at the start of each month and at the end, with what they are worth. */
function LiabilityChart({ report }: { report: LoyaltyReport }) {
  const { t } = useI18n();
  const format = useFormat();
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: report.liabilitySeries.map((p) => p.date) },
    yAxis: [
      { type: 'value', axisLabel: { formatter: (v: number) => format.count(v, { compact: true }) } },
      { type: 'value', position: 'right', splitLine: { show: false }, axisLabel: { formatter: (v: number) => format.moneyFromMajor(v, { compact: true, whole: true }) } },
    ],
    series: [
      { name: t('loyalty.outstanding'), type: 'bar', data: report.liabilitySeries.map((p) => p.outstanding), tooltip: { valueFormatter: (v: number) => format.count(v) } },
      { name: t('loyalty.liability'), type: 'line', yAxisIndex: 1, data: report.liabilitySeries.map((p) => toMajor(p.liability, format.currency)), tooltip: { valueFormatter: (v: number) => format.moneyFromMajor(v) } },
    ],
  }), [report, format, t]);
  return <EChart name="points-liability" option={option} height={280} />;
}

/** 会员: the program's report (tier pyramid, points issued and outstanding, the liability), its settings, and a member's points. */
export function LoyaltyPage() {
  const { t, label } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const { can } = useSession();
  const { period } = usePeriod();
  const [params, setParams] = useSearchParams();
  const customerId = params.get('customer');
  const program = useLoyaltyProgram();
  const reportPath = `/v1/loyalty/report${queryString({ from: period.from, to: period.to })}`;
  const report = useQuery({ queryKey: [shopId, 'loyalty', 'report', reportPath], queryFn: () => api<LoyaltyReport>(reportPath) });
  const canEdit = can('write');
  const sales = label('metric', 'sales');

  return (
    <div data-testid="loyalty-page">
      <PageHeader title={t('loyalty.title')} extra={<PeriodPicker withCompare={false} />} />
      <QueryView query={report}>
        {(r) => (
          <>
            <Row gutter={12} style={{ marginBottom: 12 }} data-testid="loyalty-kpis">
              <Col xs={12} md={4}><Card size="small"><Statistic title={t('loyalty.members')} value={format.count(r.tiers.reduce((s, x) => s + x.members, 0))} /></Card></Col>
              <Col xs={12} md={4}><Card size="small"><Statistic title={t('loyalty.issued')} value={format.count(r.points.issued)} /></Card></Col>
              <Col xs={12} md={4}><Card size="small"><Statistic title={t('loyalty.redeemed')} value={format.count(r.points.redeemed)} /></Card></Col>
              <Col xs={12} md={4}><Card size="small"><Statistic title={t('loyalty.expired')} value={format.count(r.points.expired)} /></Card></Col>
              <Col xs={12} md={4}><Card size="small"><Statistic title={t('loyalty.outstanding')} value={format.count(r.points.outstanding)} /></Card></Col>
              <Col xs={12} md={4}><Card size="small" data-testid="loyalty-liability"><Statistic title={t('loyalty.liability')} value={format.money(r.points.liability)} /></Card></Col>
            </Row>
            <Row gutter={12} style={{ marginBottom: 12 }}>
              <Col xs={24} lg={12}>
                <Card size="small" title={t('loyalty.pyramid')} extra={<Typography.Text type="secondary">{t('loyalty.tierMoves', { up: format.count(r.tierMoves.upgrades), down: format.count(r.tierMoves.downgrades) })}</Typography.Text>}>
                  <TierPyramid report={r} />
                  <Table size="small" rowKey="key" pagination={false} dataSource={[...r.tiers].reverse()} data-testid="loyalty-tiers" columns={[
                    { title: t('loyalty.tier'), dataIndex: 'name' },
                    { title: t('loyalty.minGrowth'), dataIndex: 'minGrowth', align: 'right' as const, render: (v: number) => format.count(v) },
                    { title: t('loyalty.members'), dataIndex: 'members', align: 'right' as const, render: (v: number) => format.count(v) },
                    { title: t('loyalty.buyers'), dataIndex: 'buyers', align: 'right' as const, render: (v: number) => format.count(v) },
                    { title: sales, dataIndex: 'sales', align: 'right' as const, render: (v: number) => format.money(v) },
                    { title: t('loyalty.perMember', { metric: sales }), dataIndex: 'salesPerMember', align: 'right' as const, render: (v: number | null) => format.money(v === null ? null : Math.round(v)) },
                  ]} />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card size="small" title={t('loyalty.liabilityChart')}
                  extra={<QueryView query={program} rows={1}>{(p) => <Typography.Text type="secondary">{t('loyalty.liabilityHint', { points: format.count(p.points.redeem.pointsPerYuan) })}</Typography.Text>}</QueryView>}>
                  <LiabilityChart report={r} />
                </Card>
              </Col>
            </Row>
          </>
        )}
      </QueryView>
      <div style={{ marginBottom: 12 }}>
        <MemberPoints customerId={customerId} onSearch={(id) => setParams((p) => { const next = new URLSearchParams(p); if (id) next.set('customer', id); else next.delete('customer'); return next; })} />
      </div>
      {!canEdit && <ReadOnlyNotice />}
      <QueryView query={program}>{(p) => <ProgramForm program={p} canEdit={canEdit} />}</QueryView>
    </div>
  );
}
