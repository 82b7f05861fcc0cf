import { useState } from 'react';
import { Button, Card, Space, Typography } from 'antd';
import { ecommerceEvents, type ApiKeyCreated } from '@flywheel/contracts';
import { useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n/i18n';
import { ShownOnce, useCreateKey } from './ApiKeysPage';

/** How a storefront sends events with packages/sdk's tracker, filled in with this server and (when just created) the key. */
export function trackerSnippet(endpoint: string, writeKey: string): string {
  return `import { createTracker } from '@flywheel/sdk/tracker';

// The publishable key may only send tracking calls: it is safe in the page.
const tracker = createTracker({
  writeKey: '${writeKey}',
  endpoint: '${endpoint}',
  autoPage: true, // a page call now and on every SPA navigation; UTM parameters are kept for the visit
});

// When the shopper signs in, tie the anonymous visitor to your customer id
tracker.identify('C10086', { name: '张三' });

tracker.track('Product Viewed', { product_id: 'SPU-1001', sku: 'SKU-1001-M', category: '服饰/女装/连衣裙', price: 199 });
tracker.track('Product Added', { product_id: 'SPU-1001', sku: 'SKU-1001-M', quantity: 1 });
tracker.track('Checkout Started', { revenue: 199 });
tracker.track('Order Completed', { order_id: 'O-20261111-0001', revenue: 199 });

// On logout
tracker.reset();`;
}

export function TrackingSnippetPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const create = useCreateKey();
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const endpoint = window.location.origin;
  const snippet = trackerSnippet(endpoint, created?.key ?? 'pk_…');

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
          <Typography.Paragraph code copyable>npm install @flywheel/sdk</Typography.Paragraph>
        </Card>
        <Card size="small" title={t('tracking.usage')}>
          <Typography.Paragraph copyable={{ text: snippet }} style={{ marginBottom: 0 }}>
            <pre data-testid="tracking-snippet" style={{ margin: 0, fontSize: 13 }}>{snippet}</pre>
          </Typography.Paragraph>
        </Card>
        <Card size="small" title={t('tracking.events')}>
          <Space wrap>{ecommerceEvents.map((e) => <Typography.Text code key={e}>{e}</Typography.Text>)}</Space>
        </Card>
      </Space>
    </div>
  );
}
