import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Input, Select, Space, Table, Typography } from 'antd';
import { channels, type Channel, type ChannelMappingResult, type ChannelRule } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useCurrentSession, useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { useI18n } from '../../i18n/i18n';

/** A rule as edited: the lists as comma-separated text. */
interface RuleDraft { source: string; medium: string; referrerHost: string; channel: Channel }

const toText = (list?: string[]) => (list ?? []).join(', ');
const toList = (text: string) => {
  const list = text.split(/[,，]/).map((s) => s.trim()).filter(Boolean);
  return list.length ? list : undefined;
};
const toDraft = (r: ChannelRule): RuleDraft => ({ source: toText(r.source), medium: toText(r.medium), referrerHost: toText(r.referrerHost), channel: r.channel });
const toRule = (d: RuleDraft): ChannelRule => ({ source: toList(d.source), medium: toList(d.medium), referrerHost: toList(d.referrerHost), channel: d.channel });
const isEmpty = (d: RuleDraft) => !toList(d.source) && !toList(d.medium) && !toList(d.referrerHost);

function RuleList({ rules }: { rules: ChannelRule[] }) {
  const { t, label } = useI18n();
  return (
    <Table size="small" rowKey={(_, i) => String(i)} pagination={false} dataSource={rules} columns={[
      { title: t('settings.source'), dataIndex: 'source', render: toText },
      { title: t('settings.medium'), dataIndex: 'medium', render: toText },
      { title: t('settings.referrerHost'), dataIndex: 'referrerHost', render: toText },
      { title: t('settings.channel'), dataIndex: 'channel', render: (c: string) => label('channel', c) },
    ]} />
  );
}

function RuleEditor({ initial, onSaved }: { initial: ChannelRule[]; onSaved(): void }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const [drafts, setDrafts] = useState<RuleDraft[]>(() => initial.map(toDraft));
  useEffect(() => setDrafts(initial.map(toDraft)), [initial]);
  const save = useMutation({
    mutationFn: () => api<ChannelMappingResult>('/v1/shop/channel-mapping', { method: 'PUT', body: { rules: drafts.map(toRule) } }),
    onSuccess: () => { message.success(t('app.saved')); onSaved(); },
  });
  const update = (i: number, patch: Partial<RuleDraft>) => setDrafts(drafts.map((d, k) => (k === i ? { ...d, ...patch } : d)));
  const move = (i: number, by: number) => {
    const next = [...drafts];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    setDrafts(next);
  };
  const invalid = drafts.some(isEmpty);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Table size="small" rowKey={(_, i) => String(i)} pagination={false} dataSource={drafts} columns={[
        { title: t('settings.source'), key: 'source', render: (_: unknown, d: RuleDraft, i) => <Input value={d.source} status={isEmpty(d) ? 'error' : undefined} placeholder={t('settings.listHint')} onChange={(e) => update(i, { source: e.target.value })} /> },
        { title: t('settings.medium'), key: 'medium', render: (_: unknown, d: RuleDraft, i) => <Input value={d.medium} status={isEmpty(d) ? 'error' : undefined} onChange={(e) => update(i, { medium: e.target.value })} /> },
        { title: t('settings.referrerHost'), key: 'host', render: (_: unknown, d: RuleDraft, i) => <Input value={d.referrerHost} status={isEmpty(d) ? 'error' : undefined} onChange={(e) => update(i, { referrerHost: e.target.value })} /> },
        { title: t('settings.channel'), key: 'channel', width: 170, render: (_: unknown, d: RuleDraft, i) => <Select<Channel> style={{ width: 160 }} value={d.channel} onChange={(channel) => update(i, { channel })} options={channels.map((c) => ({ value: c, label: label('channel', c) }))} /> },
        {
          title: '', key: 'actions', width: 150, render: (_: unknown, _d: RuleDraft, i) => (
            <Space size={4}>
              <Button size="small" disabled={i === 0} onClick={() => move(i, -1)}>↑</Button>
              <Button size="small" disabled={i === drafts.length - 1} onClick={() => move(i, 1)}>↓</Button>
              <Button size="small" danger onClick={() => setDrafts(drafts.filter((_x, k) => k !== i))}>{t('app.delete')}</Button>
            </Space>
          ),
        },
      ]} />
      <Space>
        <Button onClick={() => setDrafts([...drafts, { source: '', medium: '', referrerHost: '', channel: 'other' }])}>{t('settings.addRule')}</Button>
        <Button type="primary" disabled={invalid} loading={save.isPending} onClick={() => save.mutate()}>{t('app.save')}</Button>
      </Space>
      {save.isError && <ApiErrorAlert error={save.error} />}
    </Space>
  );
}

export function ChannelMappingPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { shopId } = useCurrentSession();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: [shopId, 'channel-mapping'], queryFn: () => api<ChannelMappingResult>('/v1/shop/channel-mapping') });
  return (
    <div data-testid="channel-mapping">
      <PageHeader title={t('settings.channels')} />
      <Typography.Paragraph type="secondary">{t('settings.channelsIntro')}</Typography.Paragraph>
      {!can('admin') && <ReadOnlyNotice needsAdmin />}
      <QueryView query={query}>
        {(mapping) => (
          <Space direction="vertical" style={{ width: '100%' }} size={12}>
            <Card size="small" title={t('settings.shopRules')}>
              {can('admin')
                ? <RuleEditor initial={mapping.rules} onSaved={() => queryClient.invalidateQueries({ queryKey: [shopId, 'channel-mapping'] })} />
                : <RuleList rules={mapping.rules} />}
            </Card>
            <Card size="small" title={t('settings.defaults')}><RuleList rules={mapping.defaults} /></Card>
          </Space>
        )}
      </QueryView>
    </div>
  );
}
