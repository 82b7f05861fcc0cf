import { useState } from 'react';
import { Button, Card, Collapse, Space, Typography } from 'antd';
import { ecommerceEvents, type ApiKeyCreated } from '@flywheel/contracts';
import { useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n/i18n';
import { ShownOnce, useCreateKey } from './ApiKeysPage';
import { callsSnippet, scriptSnippet, workspaceSnippet } from './tracking-snippets';

export function TrackingSnippetPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const create = useCreateKey();
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const origin = window.location.origin;
  const writeKey = created?.key ?? 'pk_…';
  const script = scriptSnippet(origin, writeKey);
  const comments = { signIn: t('tracking.comment.signIn'), logout: t('tracking.comment.logout'), dependency: t('tracking.comment.dependency') };
  const calls = callsSnippet(comments);
  const workspace = workspaceSnippet(origin, writeKey, comments);
  const code = (text: string, testId?: string) => (
    <Typography.Paragraph copyable={{ text }} style={{ marginBottom: 0 }}>
      <pre data-testid={testId} style={{ margin: 0, fontSize: 13, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{text}</pre>
    </Typography.Paragraph>
  );

  return (
    <div data-testid="tracking-page">
      <PageHeader title={t('tracking.title')} />
      <Space direction="vertical" style={{ width: '100%' }} size={12}>
        <Typography.Paragraph>{t('tracking.intro')}</Typography.Paragraph>
        {can('admin') && (
          <Card size="small" title={t('tracking.key')}>
            {created ? <ShownOnce created={created} /> : (
              <Space wrap>
                <Typography.Text type="secondary">{t('tracking.keyHint')}</Typography.Text>
                <Button loading={create.isPending} onClick={() => create.mutate({ kind: 'publishable', label: 'storefront' }, { onSuccess: setCreated })}>{t('tracking.newKey')}</Button>
              </Space>
            )}
            {create.isError && <ApiErrorAlert error={create.error} />}
          </Card>
        )}
        <Card size="small" title={t('tracking.install')}>
          <Typography.Paragraph type="secondary">{t('tracking.installHint')}</Typography.Paragraph>
          {code(script, 'tracking-snippet')}
        </Card>
        <Card size="small" title={t('tracking.usage')}>{code(calls, 'tracking-calls')}</Card>
        <Collapse size="small" items={[{ key: 'workspace', label: t('tracking.workspace'), children: <>
          <Typography.Paragraph type="secondary">{t('tracking.workspaceHint')}</Typography.Paragraph>
          {code(workspace)}
        </> }]} />
        <Card size="small" title={t('tracking.events')}>
          <Space wrap>{ecommerceEvents.map((e) => <Typography.Text code key={e}>{e}</Typography.Text>)}</Space>
        </Card>
      </Space>
    </div>
  );
}
