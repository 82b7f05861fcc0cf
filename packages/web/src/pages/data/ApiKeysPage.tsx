import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { apiKeyKinds, type ApiKey, type ApiKeyCreated } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useCurrentSession, useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';

type KeyKind = ApiKey['kind'];

/** `POST /v1/api-keys`; the key itself is in the answer only this once. */
export function useCreateKey() {
  const { shopId } = useCurrentSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { kind: KeyKind; label?: string }) => api<ApiKeyCreated>('/v1/api-keys', { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [shopId, 'api-keys'] }),
  });
}

export function ShownOnce({ created }: { created: ApiKeyCreated }) {
  const { t } = useI18n();
  return (
    <Alert
      type="success"
      showIcon
      data-testid="created-key"
      message={t('keys.created')}
      description={<Typography.Text code copyable={{ text: created.key }} style={{ fontSize: 14 }}>{created.key}</Typography.Text>}
    />
  );
}

function NewKeyForm({ onCreated }: { onCreated(key: ApiKeyCreated): void }) {
  const { t } = useI18n();
  const create = useCreateKey();
  return (
    <Form layout="inline" onFinish={(v: { kind: KeyKind; label?: string }) => create.mutate(v, { onSuccess: onCreated })} initialValues={{ kind: 'publishable' }}>
      <Form.Item name="kind" label={t('keys.kind')}>
        <Select<KeyKind> style={{ width: 240 }} options={apiKeyKinds.map((k) => ({ value: k, label: t(`keys.kind.${k}`) }))} />
      </Form.Item>
      <Form.Item name="label" label={t('keys.label')}><Input style={{ width: 200 }} maxLength={200} /></Form.Item>
      <Button type="primary" htmlType="submit" loading={create.isPending}>{t('app.create')}</Button>
      {create.isError && <div style={{ width: '100%', marginTop: 8 }}><ApiErrorAlert error={create.error} /></div>}
    </Form>
  );
}

export function ApiKeysPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { shopId } = useCurrentSession();
  const format = useFormat();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const isAdmin = can('admin');
  const keys = useQuery({ queryKey: [shopId, 'api-keys'], queryFn: () => api<ApiKey[]>('/v1/api-keys'), enabled: isAdmin });
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/v1/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => { void queryClient.invalidateQueries({ queryKey: [shopId, 'api-keys'] }); },
    onError: (error) => { message.error((error as Error).message); },
  });

  return (
    <div data-testid="api-keys-page">
      <PageHeader title={t('keys.title')} />
      {!isAdmin ? <ReadOnlyNotice needsAdmin /> : (
        <>
          <Card size="small" style={{ marginBottom: 12 }}><NewKeyForm onCreated={setCreated} /></Card>
          <Modal open={created !== null} onCancel={() => setCreated(null)} footer={<Button onClick={() => setCreated(null)}>{t('app.close')}</Button>} title={t('keys.title')}>
            {created && <ShownOnce created={created} />}
          </Modal>
          <QueryView query={keys} isEmpty={(rows) => rows.length === 0}>
            {(rows) => (
              <Table
                size="small"
                rowKey="id"
                dataSource={rows}
                pagination={false}
                columns={[
                  { title: t('keys.kind'), dataIndex: 'kind', render: (k: KeyKind) => <Tag color={k === 'secret' ? 'red' : 'green'}>{t(`keys.kind.${k}`)}</Tag> },
                  { title: t('keys.prefix'), dataIndex: 'prefix', render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
                  { title: t('keys.label'), dataIndex: 'label' },
                  { title: t('keys.createdAt'), dataIndex: 'createdAt', render: (v: string) => format.timestamp(v) },
                  { title: t('keys.status'), dataIndex: 'revokedAt', render: (v: string | null) => (v ? <Tag>{t('keys.revoked')} {format.timestamp(v)}</Tag> : <Tag color="blue">{t('keys.active')}</Tag>) },
                  {
                    title: '', key: 'actions', align: 'right',
                    render: (_: unknown, row: ApiKey) => !row.revokedAt && (
                      <Popconfirm title={t('keys.revokeConfirm')} onConfirm={() => revoke.mutate(row.id)} okText={t('keys.revoke')} cancelText={t('app.cancel')}>
                        <Button size="small" danger>{t('keys.revoke')}</Button>
                      </Popconfirm>
                    ),
                  },
                ]}
              />
            )}
          </QueryView>
        </>
      )}
    </div>
  );
}
