import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Input, Select, Space, Table, Tag, Typography } from 'antd';
import {
  lifecycleStages, rfmClasses,
  type CustomerList, type CustomerListItem, type CustomerSort, type LifecycleStage, type RfmClass,
} from '@flywheel/contracts';
import { api, queryString } from '../../api/client';
import { roleAllows, useCurrentSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { useSegments } from './useSegments';
import { useLoyaltyProgram } from '../loyalty/useLoyaltyProgram';

export const lifecycleColors: Record<LifecycleStage, string> = { prospect: 'default', new: 'green', active: 'blue', dormant: 'orange', churned: 'red' };

const SORTS = ['-netSales', '-orders', '-lastOrderAt', 'externalId'] as const satisfies readonly CustomerSort[];

/** 客户列表: search, filters (kept in the address, so a class of the RFM page links here), pages of 50. */
export function CustomersPage() {
  const { t, label } = useI18n();
  const format = useFormat();
  const { shopId, role } = useCurrentSession();
  const [params, setParams] = useSearchParams();
  const filters = {
    q: params.get('q') ?? undefined,
    lifecycle: (params.get('lifecycle') as LifecycleStage | null) ?? undefined,
    rfmClass: (params.get('rfmClass') as RfmClass | null) ?? undefined,
    segment: params.get('segment') ?? undefined,
    tag: params.get('tag') ?? undefined,
    sort: (params.get('sort') as CustomerSort | null) ?? '-netSales',
  };
  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value); else next.delete(key);
    setParams(next, { replace: true });
  };
  const segments = useSegments();
  const tags = useQuery({ queryKey: [shopId, 'tags'], queryFn: () => api<{ tags: { tag: string; customers: number }[] }>('/v1/tags') });
  const list = useInfiniteQuery({
    queryKey: [shopId, 'customers', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api<CustomerList>(`/v1/customers${queryString({ ...filters, limit: 50, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.customers) ?? [], [list.data]);
  const program = useLoyaltyProgram();
  const tierNames = new Map(program.data?.tiers.map((tier) => [tier.key, tier.name]));

  const columns = [
    {
      title: t('customers.col.customer'), key: 'customer',
      render: (_: unknown, c: CustomerListItem) => (
        <Link to={`/customers/${encodeURIComponent(c.externalId)}`} data-testid="customer-link">
          <Space size={4}>{c.name ?? <Typography.Text type="secondary">—</Typography.Text>}<Typography.Text type="secondary">{c.externalId}</Typography.Text></Space>
        </Link>
      ),
    },
    { title: t('customers.col.phone'), dataIndex: 'phone', render: (p: string | null) => p ?? '—' },
    { title: t('customers.col.lifecycle'), dataIndex: 'lifecycle', render: (s: LifecycleStage) => <Tag color={lifecycleColors[s]}>{t(`customers.lifecycle.${s}`)}</Tag> },
    { title: t('customers.col.rfm'), key: 'rfm', render: (_: unknown, c: CustomerListItem) => (c.rfm ? t(`customers.rfm.${c.rfm.class}`) : '—') },
    { title: t('customers.col.tier'), dataIndex: 'tier', render: (key: string | null) => (key ? tierNames.get(key) ?? key : '—') },
    { title: t('customers.col.points'), dataIndex: 'points', align: 'right' as const, render: (v: number | null) => (v === null ? '—' : format.count(v)) },
    { title: t('customers.col.orders'), dataIndex: 'orders', align: 'right' as const, render: (v: number) => format.count(v) },
    { title: label('metric', 'net_sales'), dataIndex: 'netSales', align: 'right' as const, render: (v: number) => format.money(v) },
    { title: t('customers.col.lastOrderAt'), dataIndex: 'lastOrderAt', render: (v: string | null) => (v ? format.timestamp(v).slice(0, 10) : '—') },
    { title: t('customers.col.tags'), dataIndex: 'tags', render: (tags: string[]) => tags.map((tag) => <Tag key={tag}>{tag}</Tag>) },
  ];

  const truncated = list.data?.pages[0]?.searchTruncated;
  return (
    <div data-testid="customers-page">
      <PageHeader title={t('customers.title')} />
      {!roleAllows(role, 'write') && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('customers.masked')} data-testid="masked-notice" />}
      <Card size="small" style={{ marginBottom: 12 }}>
        <Flex gap={8} wrap>
          <Input.Search
            allowClear placeholder={t('customers.search')} defaultValue={filters.q} style={{ width: 280 }} data-testid="customer-search"
            onSearch={(v) => set('q', v.trim() || undefined)}
          />
          <Select allowClear placeholder={t('customers.filter.lifecycle')} style={{ width: 140 }} value={filters.lifecycle} onChange={(v) => set('lifecycle', v)} data-testid="filter-lifecycle"
            options={lifecycleStages.map((s) => ({ value: s, label: t(`customers.lifecycle.${s}`) }))} />
          <Select allowClear placeholder={t('customers.filter.rfmClass')} style={{ width: 160 }} value={filters.rfmClass} onChange={(v) => set('rfmClass', v)} data-testid="filter-rfm"
            options={rfmClasses.map((c) => ({ value: c, label: t(`customers.rfm.${c}`) }))} />
          <Select allowClear showSearch optionFilterProp="label" placeholder={t('customers.filter.segment')} style={{ width: 180 }} value={filters.segment} onChange={(v) => set('segment', v)}
            options={(segments.data?.segments ?? []).map((s) => ({ value: s.id, label: s.name }))} />
          <Select allowClear showSearch placeholder={t('customers.filter.tag')} style={{ width: 140 }} value={filters.tag} onChange={(v) => set('tag', v)}
            options={(tags.data?.tags ?? []).map((tag) => ({ value: tag.tag, label: `${tag.tag} (${format.count(tag.customers)})` }))} />
          <Select style={{ width: 180 }} value={filters.sort} onChange={(v) => set('sort', v)} options={SORTS.map((s) => ({ value: s, label: t(`customers.sort.${s}`) }))} />
        </Flex>
      </Card>
      {truncated && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('customers.searchTruncated')} />}
      {list.isError ? <ApiErrorAlert error={list.error} onRetry={() => list.refetch()} /> : (
        <Card size="small">
          <Table size="small" rowKey="externalId" loading={list.isPending} dataSource={rows} columns={columns} pagination={false} scroll={{ x: true }} data-testid="customers-table" />
          <Flex justify="space-between" align="center" style={{ marginTop: 12 }}>
            <Typography.Text type="secondary">{t('customers.shown', { n: format.count(rows.length) })}</Typography.Text>
            {list.hasNextPage && <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>{t('customers.loadMore')}</Button>}
          </Flex>
        </Card>
      )}
    </div>
  );
}
