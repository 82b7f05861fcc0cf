import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Drawer, Empty, Flex, Input, Popconfirm, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { ruleIssues, type CustomerListItem, type Segment, type SegmentRule } from '@flywheel/contracts';
import { api, apiBlob, ApiError } from '../../api/client';
import { useCurrentSession, useSession } from '../../api/session';
import { EChart } from '../../charts/EChart';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { download } from '../../format/table-export';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { lifecycleColors } from './CustomersPage';
import { SegmentBuilder } from './SegmentBuilder';
import { fromRule, newCondition, newGroup, toRule, type DraftGroup } from './segmentDraft';
import { useSegments } from './useSegments';

type SegmentDetail = Segment & { sample: CustomerListItem[]; sizeHistory: { date: string; size: number }[] };
interface Preview { size: number; sample: CustomerListItem[] }

/** The rule of the draft, once it stops changing for a moment (each preview is a query over every customer). */
function useSettled<T>(value: T, ms = 400): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function SampleTable({ customers }: { customers: CustomerListItem[] }) {
  const { t, label } = useI18n();
  const format = useFormat();
  return (
    <Table size="small" rowKey="externalId" pagination={false} dataSource={customers} data-testid="segment-sample" columns={[
      { title: t('customers.col.customer'), key: 'c', render: (_: unknown, c: CustomerListItem) => <Link to={`/customers/${encodeURIComponent(c.externalId)}`}>{c.name ?? c.externalId}</Link> },
      { title: t('customers.col.phone'), dataIndex: 'phone', render: (p: string | null) => p ?? '—' },
      { title: t('customers.col.lifecycle'), dataIndex: 'lifecycle', render: (s: CustomerListItem['lifecycle']) => <Tag color={lifecycleColors[s]}>{t(`customers.lifecycle.${s}`)}</Tag> },
      { title: label('metric', 'net_sales'), dataIndex: 'netSales', align: 'right' as const, render: (v: number) => format.money(v) },
    ]} />
  );
}

function SizeHistory({ history }: { history: SegmentDetail['sizeHistory'] }) {
  const format = useFormat();
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => format.count(v) },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: history.map((h) => h.date), boundaryGap: false },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => format.count(v, { compact: true }) } },
    series: [{ type: 'line', data: history.map((h) => h.size), areaStyle: { opacity: 0.15 } }],
  }), [history, format]);
  return <EChart name="segment-size-history" option={option} height={200} />;
}

function SegmentDrawer({ id, onClose, onEdit }: { id: string; onClose: () => void; onEdit: (s: Segment) => void }) {
  const { t } = useI18n();
  const format = useFormat();
  const { message } = App.useApp();
  const { shopId } = useCurrentSession();
  const { can } = useSession();
  const client = useQueryClient();
  const detail = useQuery({ queryKey: [shopId, 'segment', id], queryFn: () => api<SegmentDetail>(`/v1/segments/${id}`) });
  const remove = useMutation({
    mutationFn: () => api(`/v1/segments/${id}`, { method: 'DELETE' }),
    onSuccess: async () => { await client.invalidateQueries({ queryKey: [shopId, 'segments'] }); onClose(); },
    onError: (e: Error) => message.error(e.message),
  });
  const exportCsv = useMutation({
    mutationFn: async () => download(await apiBlob(`/v1/segments/${id}/export`), `${detail.data?.name ?? id}.csv`),
    onError: (e: Error) => message.error(e.message),
  });
  return (
    <Drawer open width={640} onClose={onClose} title={detail.data?.name ?? t('segments.details')} data-testid="segment-drawer"
      extra={<Space>
        {can('analyse') && <Button onClick={() => exportCsv.mutate()} loading={exportCsv.isPending}>{t('segments.export')}</Button>}
        {can('analyse') && detail.data && <Button onClick={() => onEdit(detail.data)}>{t('segments.edit')}</Button>}
        {can('analyse') && <Popconfirm title={t('segments.deleteConfirm')} onConfirm={() => remove.mutate()}><Button danger>{t('app.delete')}</Button></Popconfirm>}
      </Space>}>
      <QueryView query={detail}>
        {(s) => (
          <>
            <Statistic title={t('segments.size')} value={format.count(s.size)} />
            <Typography.Text type="secondary">{t('segments.sizeAt')} {format.timestamp(s.sizeAt)}</Typography.Text>
            <Typography.Title level={5} style={{ marginTop: 16 }}>{t('segments.history')}</Typography.Title>
            <SizeHistory history={s.sizeHistory} />
            <Typography.Title level={5} style={{ marginTop: 16 }}>{t('segments.members')}</Typography.Title>
            <SampleTable customers={s.sample} />
            <Link to={`/customers?segment=${s.id}`}>{t('customers.layers.viewMembers')}</Link>
          </>
        )}
      </QueryView>
    </Drawer>
  );
}

const starter = () => newGroup('all', [newCondition('field')]);

/** 人群分群: build a rule with a live count and sample, save it, and see the saved segments with their sizes. */
export function SegmentsPage() {
  const { t } = useI18n();
  const format = useFormat();
  const { message } = App.useApp();
  const { shopId } = useCurrentSession();
  const { can } = useSession();
  const client = useQueryClient();
  const segments = useSegments();
  const [draft, setDraft] = useState<DraftGroup>(starter);
  const [name, setName] = useState('');
  const [editing, setEditing] = useState<Segment | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const rule: SegmentRule = useMemo(() => toRule(draft), [draft]);
  const settled = useSettled(rule);
  const issue = useMemo(() => ruleIssues(settled)[0], [settled]);
  const preview = useQuery({
    queryKey: [shopId, 'segment-preview', JSON.stringify(settled)],
    enabled: !issue,
    queryFn: () => api<Preview>('/v1/segments/preview', { method: 'POST', body: { rule: settled, sampleSize: 10 } }),
  });
  const save = useMutation({
    mutationFn: () => (editing
      ? api<Segment>(`/v1/segments/${editing.id}`, { method: 'PATCH', body: { name: name.trim(), rule } })
      : api<Segment>('/v1/segments', { method: 'POST', body: { name: name.trim(), rule } })),
    onSuccess: async (saved) => {
      message.success(t('segments.savedMessage'));
      await client.invalidateQueries({ queryKey: [shopId, 'segments'] });
      await client.invalidateQueries({ queryKey: [shopId, 'segment', saved.id] });
      setEditing(null);
      setName('');
      setDraft(starter());
    },
    onError: (e: Error) => message.error(e instanceof ApiError && e.field ? t('segments.invalid', { field: e.field, message: e.message }) : e.message),
  });
  const edit = (s: Segment) => { setEditing(s); setName(s.name); setDraft(fromRule(s.rule)); setOpen(null); };
  const previewError = preview.error instanceof ApiError ? preview.error : null;

  return (
    <div data-testid="segments-page">
      <PageHeader title={t('segments.title')} />
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={15}>
          <Card size="small" title={editing ? `${t('segments.builder')} · ${editing.name}` : t('segments.builder')}
            extra={editing && <Button size="small" onClick={() => { setEditing(null); setName(''); setDraft(starter()); }}>{t('segments.newRule')}</Button>}>
            <SegmentBuilder draft={draft} onChange={setDraft} />
            {can('analyse') && (
              <Flex gap={8} style={{ marginTop: 12 }}>
                <Input style={{ maxWidth: 280 }} value={name} onChange={(e) => setName(e.target.value)} placeholder={t('segments.namePlaceholder')} maxLength={200} data-testid="segment-name" />
                <Button type="primary" disabled={!name.trim() || !!issue} loading={save.isPending} onClick={() => save.mutate()} data-testid="segment-save">
                  {editing ? t('segments.update') : t('segments.save')}
                </Button>
              </Flex>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card size="small" data-testid="segment-preview">
            {issue ? <Alert type="warning" showIcon data-testid="rule-issue" message={t(`segments.issue.${issue.kind}`, { field: ['rule', ...issue.path].join('.'), message: issue.message })} />
              : previewError ? <ApiErrorAlert error={previewError} onRetry={() => preview.refetch()} />
                : (
                  <>
                    <Statistic title={preview.isFetching ? t('segments.previewing') : t('segments.size')} value={preview.data ? format.count(preview.data.size) : '—'} data-testid="preview-size" />
                    <Typography.Text type="secondary">{preview.data ? t('segments.previewSize', { n: format.count(preview.data.size) }) : ''}</Typography.Text>
                    <Typography.Title level={5} style={{ marginTop: 12 }}>{t('segments.sample')}</Typography.Title>
                    <SampleTable customers={preview.data?.sample ?? []} />
                  </>
                )}
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('segments.saved')} style={{ marginTop: 12 }}>
        <QueryView query={segments}>
          {(data) => (data.segments.length === 0 ? <Empty description={t('segments.empty')} /> : (
            <Table size="small" rowKey="id" pagination={false} dataSource={data.segments} data-testid="segments-table"
              onRow={(s) => ({ onClick: () => setOpen(s.id), style: { cursor: 'pointer' } })}
              columns={[
                { title: t('segments.name'), dataIndex: 'name' },
                { title: t('segments.size'), dataIndex: 'size', align: 'right' as const, render: (v: number) => format.count(v) },
                { title: t('segments.sizeAt'), dataIndex: 'sizeAt', render: (v: string) => format.timestamp(v) },
              ]} />
          ))}
        </QueryView>
      </Card>
      {open && <SegmentDrawer id={open} onClose={() => setOpen(null)} onEdit={edit} />}
    </div>
  );
}
