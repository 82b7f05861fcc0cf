import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Input, Row, Space, Statistic, Tag, Timeline, Typography } from 'antd';
import type { CustomerProfile, TimelineEntry } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useCurrentSession, useSession } from '../../api/session';
import { EChart } from '../../charts/EChart';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { toMajor } from '../../format/numbers';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { MemberPoints } from '../loyalty/MemberPoints';
import { CustomerCoupons } from '../promotions/CustomerCoupons';
import { lifecycleColors } from './CustomersPage';

function FavouriteCategories({ categories }: { categories: CustomerProfile['favouriteCategories'] }) {
  const { t, label } = useI18n();
  const format = useFormat();
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => format.moneyFromMajor(v) },
    grid: { left: 8, right: 150, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => format.moneyFromMajor(v, { compact: true, whole: true }) } },
    yAxis: { type: 'category', inverse: true, data: categories.map((c) => c.category) },
    series: [{ type: 'bar', name: label('metric', 'net_sales'), data: categories.map((c) => toMajor(c.netSales, format.currency)), label: { show: true, position: 'right', formatter: (p: { dataIndex: number }) => t('customers.profile.categoryLine', { orders: categories[p.dataIndex].orders, amount: format.money(categories[p.dataIndex].netSales) }) } }],
  }), [categories, format, t]);
  if (categories.length === 0) return <Empty description={t('customers.profile.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return <EChart name="favourite-categories" option={option} height={Math.max(120, categories.length * 40 + 24)} />;
}

function timelineText(entry: TimelineEntry, t: ReturnType<typeof useI18n>['t'], label: ReturnType<typeof useI18n>['label'], money: (v: number) => string): string {
  if (entry.kind === 'order') return t('customers.timeline.order', { id: entry.id, status: t(`customers.status.${entry.status as 'paid'}`), amount: money(entry.amount ?? 0) });
  if (entry.kind === 'refund') return t('customers.timeline.refund', { amount: money(entry.amount ?? 0), orderId: entry.orderId ?? '' });
  return t('customers.timeline.visit', { channel: label('channel', entry.channel ?? 'unknown'), pages: entry.pages ?? 0, events: entry.events ?? 0 });
}

function TagEditor({ profile }: { profile: CustomerProfile }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { shopId } = useCurrentSession();
  const client = useQueryClient();
  const [tag, setTag] = useState('');
  const add = useMutation({
    mutationFn: () => api('/v1/customers/tags', { method: 'POST', body: { customerIds: [profile.externalId], add: [tag.trim()] } }),
    onSuccess: async () => {
      setTag('');
      message.success(t('customers.profile.tagAdded'));
      await client.invalidateQueries({ queryKey: [shopId, 'customer', profile.externalId] });
    },
    onError: (e: Error) => message.error(e.message),
  });
  return (
    <Space.Compact style={{ marginTop: 8 }}>
      <Input size="small" value={tag} onChange={(e) => setTag(e.target.value)} placeholder={t('customers.profile.addTag')} maxLength={100} data-testid="tag-input" onPressEnter={() => tag.trim() && add.mutate()} />
      <Button size="small" disabled={!tag.trim()} loading={add.isPending} onClick={() => add.mutate()}>{t('customers.profile.addTag')}</Button>
    </Space.Compact>
  );
}

/** 用户画像: who the customer is, what they bought, where they stand (lifecycle, RFM), and what happened, newest first. */
export function CustomerProfilePage() {
  const { externalId = '' } = useParams();
  const { t, label } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const { can } = useSession();
  const query = useQuery({ queryKey: [shopId, 'customer', externalId], queryFn: () => api<CustomerProfile>(`/v1/customers/${encodeURIComponent(externalId)}`) });

  return (
    <div data-testid="customer-profile-page">
      <PageHeader title={t('customers.profile.title')} extra={<Link to="/customers">{t('customers.profile.back')}</Link>} />
      <QueryView query={query}>
        {(p) => (
          <>
            {p.erased && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('customers.profile.erased')} />}
            <Row gutter={[12, 12]}>
              <Col xs={24} lg={10}>
                <Card size="small" title={<Space>{p.name ?? p.externalId}<Tag color={lifecycleColors[p.lifecycle]} data-testid="profile-lifecycle">{t(`customers.lifecycle.${p.lifecycle}`)}</Tag></Space>}>
                  <Descriptions size="small" column={1} items={[
                    { key: 'id', label: 'ID', children: p.externalId },
                    { key: 'phone', label: t('customers.field.phone'), children: <span data-testid="profile-phone">{p.phone ?? '—'}</span> },
                    { key: 'email', label: t('customers.field.email'), children: p.email ?? '—' },
                    { key: 'gender', label: t('customers.field.gender'), children: p.gender ? t(`customers.gender.${p.gender as 'male'}`) : '—' },
                    { key: 'birthday', label: t('customers.field.birthday'), children: p.birthday ?? '—' },
                    { key: 'region', label: t('customers.field.region'), children: [p.province, p.city].filter(Boolean).join(' ') || '—' },
                    { key: 'registered', label: t('customers.field.registeredAt'), children: p.registeredAt ? format.timestamp(p.registeredAt) : '—' },
                    { key: 'channel', label: t('customers.field.acquisitionChannel'), children: p.acquisitionChannel ? label('channel', p.acquisitionChannel) : '—' },
                    { key: 'first', label: t('customers.field.firstOrderAt'), children: p.firstOrderAt ? format.timestamp(p.firstOrderAt) : '—' },
                    { key: 'last', label: t('customers.field.lastOrderAt'), children: p.lastOrderAt ? format.timestamp(p.lastOrderAt) : '—' },
                  ]} />
                </Card>
              </Col>
              <Col xs={24} lg={14}>
                <Card size="small">
                  <Row gutter={12}>
                    <Col span={8}><Statistic title={t('customers.profile.orders')} value={format.count(p.orders)} /></Col>
                    <Col span={8}><Statistic title={label('metric', 'net_sales')} value={format.money(p.netSales)} /></Col>
                    <Col span={8}><Statistic title={label('metric', 'aov')} value={format.money(p.aov)} /></Col>
                  </Row>
                  <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }} data-testid="profile-rfm">
                    <Typography.Text strong>{t('customers.profile.rfm')}：</Typography.Text>
                    {p.rfm
                      ? <>{t(`customers.rfm.${p.rfm.class}`)} · {t('customers.profile.rfmDetail', { r: p.rfm.r, f: p.rfm.f, m: format.money(p.rfm.m), rs: p.rfm.scores.r, fs: p.rfm.scores.f, ms: p.rfm.scores.m })}</>
                      : t('customers.profile.rfmNone')}
                  </Typography.Paragraph>
                </Card>
                <Card size="small" title={t('customers.profile.categories')} style={{ marginTop: 12 }}><FavouriteCategories categories={p.favouriteCategories} /></Card>
                <Card size="small" style={{ marginTop: 12 }}>
                  <Typography.Text strong>{t('customers.profile.segments')}：</Typography.Text>
                  {p.segments.length === 0 ? t('customers.profile.none') : p.segments.map((s) => <Tag key={s.id} color="purple"><Link to={`/customers?segment=${s.id}`}>{s.name}</Link></Tag>)}
                  <br />
                  <Typography.Text strong>{t('customers.profile.tags')}：</Typography.Text>
                  <span data-testid="profile-tags">{p.tags.length === 0 ? t('customers.profile.none') : p.tags.map((tag) => <Tag key={tag} color={p.manualTags.includes(tag) ? 'blue' : undefined}>{tag}</Tag>)}</span>
                  {can('write') && !p.erased && <div><TagEditor profile={p} /></div>}
                </Card>
              </Col>
            </Row>
            {!p.erased && <div style={{ marginTop: 12 }}><MemberPoints customerId={p.externalId} /></div>}
            {!p.erased && <div style={{ marginTop: 12 }}><CustomerCoupons customerId={p.externalId} /></div>}
            <Card size="small" title={t('customers.profile.timeline')} style={{ marginTop: 12 }}>
              {p.timeline.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.profile.none')} /> : (
                <Timeline data-testid="profile-timeline" items={p.timeline.map((e) => ({
                  key: `${e.kind}-${e.id}`,
                  color: e.kind === 'order' ? 'blue' : e.kind === 'refund' ? 'red' : 'gray',
                  children: <><Typography.Text type="secondary">{format.timestamp(e.at)}</Typography.Text> {timelineText(e, t, label, (v) => format.money(v))}</>,
                }))} />
              )}
            </Card>
          </>
        )}
      </QueryView>
    </div>
  );
}
