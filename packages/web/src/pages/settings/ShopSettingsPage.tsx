import { useMemo } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Form, Input, Select } from 'antd';
import { changeConventions, type ChangeConvention, type Shop } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useCurrentSession, useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { useShopSettings } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';

/** Currencies a Chinese shop is likely to sell in; any ISO 4217 code is accepted by the server. */
const commonCurrencies = ['CNY', 'HKD', 'TWD', 'USD', 'EUR', 'JPY', 'KRW', 'SGD', 'GBP', 'AUD'];

interface ShopForm { name: string; timezone: string; currency: string; changeColours: ChangeConvention }

export function ShopSettingsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { shopId } = useCurrentSession();
  const shop = useShopSettings();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const timezones = useMemo(() => (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [shop.timezone], [shop.timezone]);
  const save = useMutation({
    mutationFn: (body: ShopForm) => api<Shop>('/v1/shop', { method: 'PATCH', body }),
    onSuccess: () => {
      message.success(t('app.saved'));
      // Time zone and currency change how every page reads: refetch everything of this shop.
      void queryClient.invalidateQueries({ queryKey: [shopId] });
    },
  });

  if (!can('admin')) {
    return (
      <div data-testid="shop-settings">
        <PageHeader title={t('settings.shop')} />
        <ReadOnlyNotice needsAdmin />
        <Descriptions bordered column={1} size="small" items={[
          { key: 'name', label: t('settings.name'), children: shop.name },
          { key: 'timezone', label: t('settings.timezone'), children: shop.timezone },
          { key: 'currency', label: t('settings.currency'), children: shop.currency },
          { key: 'changeColours', label: t('settings.changeColours'), children: t(`settings.changeColours.${shop.changeColours}`) },
        ]} />
      </div>
    );
  }

  return (
    <div data-testid="shop-settings">
      <PageHeader title={t('settings.shop')} />
      <Card size="small" style={{ maxWidth: 560 }}>
        <Form<ShopForm> layout="vertical" initialValues={{ name: shop.name, timezone: shop.timezone, currency: shop.currency, changeColours: shop.changeColours }} onFinish={(v) => save.mutate(v)}>
          <Form.Item name="name" label={t('settings.name')} rules={[{ required: true, whitespace: true }]}><Input maxLength={200} /></Form.Item>
          <Form.Item name="timezone" label={t('settings.timezone')} rules={[{ required: true }]}>
            <Select showSearch options={timezones.map((tz) => ({ value: tz, label: tz }))} />
          </Form.Item>
          <Form.Item name="currency" label={t('settings.currency')} extra={t('settings.currencyHint')} rules={[{ required: true, pattern: /^[A-Z]{3}$/ }]}>
            <Select showSearch options={[...new Set([shop.currency, ...commonCurrencies])].map((c) => ({ value: c, label: c }))} />
          </Form.Item>
          <Form.Item name="changeColours" label={t('settings.changeColours')} extra={t('settings.changeColoursHint')}>
            <Select data-testid="change-colours" options={changeConventions.map((c) => ({ value: c, label: t(`settings.changeColours.${c}`) }))} />
          </Form.Item>
          {save.isError && <div style={{ marginBottom: 16 }}><ApiErrorAlert error={save.error} /></div>}
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="save-shop">{t('app.save')}</Button>
        </Form>
      </Card>
    </div>
  );
}
