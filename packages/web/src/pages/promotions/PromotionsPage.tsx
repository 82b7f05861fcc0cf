import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Drawer, Popconfirm, Progress, Row, Segmented, Space, Statistic, Table, Tag, Typography } from 'antd';
import { promotionStates, type Promotion, type PromotionReport, type PromotionState } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useCurrentSession, useSession } from '../../api/session';
import { EChart } from '../../charts/EChart';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { toMajor } from '../../format/numbers';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { PromotionForm } from './PromotionForm';
import { ruleSummary, stateColours, usePromotions } from './shared';

function ReportDrawer({ promotion, onClose }: { promotion: Promotion; onClose: () => void }) {
  const { t, label } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const report = useQuery({ queryKey: [shopId, 'promotion-report', promotion.id], queryFn: () => api<PromotionReport>(`/v1/promotions/${promotion.id}/report`) });
  const option = useMemo(() => {
    const daily = report.data?.daily ?? [];
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => format.moneyFromMajor(v) },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: daily.map((d) => d.date) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => format.moneyFromMajor(v, { compact: true }) } },
      series: [
        { name: label('metric', 'sales'), type: 'bar', data: daily.map((d) => toMajor(d.sales, format.currency)) },
        { name: t('promotions.report.discountCost'), type: 'bar', data: daily.map((d) => toMajor(d.discountCost, format.currency)) },
      ],
    };
  }, [report.data, format, label, t]);
  return (
    <Drawer open width={720} onClose={onClose} title={`${t('promotions.report.title')} · ${promotion.name}`} data-testid="promotion-report">
      <QueryView query={report}>
        {(r) => (
          <>
            <Row gutter={[12, 12]}>
              <Col span={8}><Statistic title={label('metric', 'orders')} value={format.count(r.orders)} /></Col>
              <Col span={8}><Statistic title={label('metric', 'buyers')} value={format.count(r.buyers)} /></Col>
              <Col span={8}><Statistic title={label('metric', 'sales')} value={format.money(r.sales)} data-testid="report-sales" /></Col>
              <Col span={8}><Statistic title={t('promotions.report.discountCost')} value={format.money(r.discountCost)} data-testid="report-cost" /></Col>
              <Col span={8}><Statistic title={t('promotions.report.salesPerDiscount')} value={format.multiple(r.salesPerDiscount)} data-testid="report-ratio" /></Col>
              <Col span={8}>
                <Typography.Text type="secondary">{t('promotions.report.budgetUsed')}</Typography.Text>
                {r.budgetUsed.share === null ? <div>{t('promotions.report.noBudget')}</div> : <Progress percent={Math.round(r.budgetUsed.share * 1000) / 10} />}
              </Col>
            </Row>
            <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>{t('promotions.report.held', { orders: format.count(r.held.orders), discount: format.money(r.held.discount) })}</Typography.Paragraph>
            <Typography.Title level={5}>{t('promotions.report.daily')}</Typography.Title>
            <EChart name="promotion-daily" option={option} height={260} />
          </>
        )}
      </QueryView>
    </Drawer>
  );
}

/** 促销活动: the shop's promotions with their states and usage; create, edit, publish, pause, end; each one's results. */
export function PromotionsPage() {
  const { t } = useI18n();
  const format = useFormat();
  const { message } = App.useApp();
  const { shopId } = useCurrentSession();
  const { can } = useSession();
  const client = useQueryClient();
  const promotions = usePromotions();
  const [filter, setFilter] = useState<PromotionState | 'all'>('all');
  const [editing, setEditing] = useState<Promotion | null | undefined>(undefined);
  const [reporting, setReporting] = useState<Promotion | null>(null);
  const move = useMutation({
    mutationFn: ({ id, status }: { id: string; status: 'live' | 'paused' | 'ended' }) => api<Promotion>(`/v1/promotions/${id}`, { method: 'PATCH', body: { status } }),
    onSuccess: () => client.invalidateQueries({ queryKey: [shopId, 'promotions'] }),
    onError: (e: Error) => message.error(e.message),
  });
  const writable = can('write');

  return (
    <div data-testid="promotions-page">
      <PageHeader title={t('promotions.title')} extra={writable && <Button type="primary" onClick={() => setEditing(null)} data-testid="promotion-new">{t('promotions.new')}</Button>} />
      {!writable && <ReadOnlyNotice />}
      <Card size="small">
        <Segmented style={{ marginBottom: 12 }} value={filter} onChange={(v) => setFilter(v as PromotionState | 'all')} data-testid="promotion-filter"
          options={[{ value: 'all', label: t('promotions.filter.all') }, ...promotionStates.map((s) => ({ value: s, label: t(`promotions.status.${s}`) }))]} />
        <QueryView query={promotions}>
          {(data) => (
            <Table size="small" rowKey="id" data-testid="promotions-table" pagination={{ pageSize: 20, hideOnSinglePage: true }}
              dataSource={data.promotions.filter((p) => filter === 'all' || p.status === filter)}
              columns={[
                { title: t('promotions.col.name'), dataIndex: 'name', render: (name: string, p: Promotion) => <Typography.Link onClick={() => setReporting(p)}>{name}</Typography.Link> },
                { title: t('promotions.col.kind'), dataIndex: 'kind', render: (k: Promotion['kind']) => t(`promotions.kind.${k}`) },
                { title: t('promotions.col.rule'), key: 'rule', render: (_: unknown, p: Promotion) => ruleSummary(p, t, format) },
                { title: t('promotions.col.status'), dataIndex: 'status', render: (s: PromotionState) => <Tag color={stateColours[s]} data-testid="promotion-status">{t(`promotions.status.${s}`)}</Tag> },
                { title: t('promotions.col.window'), key: 'window', render: (_: unknown, p: Promotion) => `${format.timestamp(p.startsAt)} – ${format.timestamp(p.endsAt)}` },
                { title: t('promotions.col.usage'), key: 'usage', align: 'right' as const, render: (_: unknown, p: Promotion) => t('promotions.usage', { uses: format.count(p.usage.uses), discount: format.money(p.usage.discount) }) },
                ...(writable ? [{
                  title: t('promotions.col.actions'), key: 'actions', render: (_: unknown, p: Promotion) => (
                    <Space size={4}>
                      {p.status !== 'ended' && <Button size="small" onClick={() => setEditing(p)}>{t('promotions.action.edit')}</Button>}
                      {p.status === 'draft' && <Button size="small" type="primary" onClick={() => move.mutate({ id: p.id, status: 'live' })}>{t('promotions.action.publish')}</Button>}
                      {(p.status === 'live' || p.status === 'scheduled') && <Button size="small" onClick={() => move.mutate({ id: p.id, status: 'paused' })}>{t('promotions.action.pause')}</Button>}
                      {p.status === 'paused' && <Button size="small" onClick={() => move.mutate({ id: p.id, status: 'live' })}>{t('promotions.action.resume')}</Button>}
                      {p.status !== 'ended' && <Popconfirm title={t('promotions.endConfirm')} onConfirm={() => move.mutate({ id: p.id, status: 'ended' })}><Button size="small" danger>{t('promotions.action.end')}</Button></Popconfirm>}
                      <Button size="small" onClick={() => setReporting(p)}>{t('promotions.action.report')}</Button>
                    </Space>
                  ),
                }] : []),
              ]} />
          )}
        </QueryView>
      </Card>
      {editing !== undefined && <PromotionForm editing={editing} onClose={() => setEditing(undefined)} />}
      {reporting && <ReportDrawer promotion={reporting} onClose={() => setReporting(null)} />}
    </div>
  );
}
