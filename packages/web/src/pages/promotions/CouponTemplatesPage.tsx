import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, DatePicker, Drawer, Flex, Form, Input, InputNumber, Radio, Space, Switch, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import type { CouponTemplate, CouponTemplateCreate } from '@flywheel/contracts';
import { api, ApiError } from '../../api/client';
import { useCurrentSession, useSession } from '../../api/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { couponDiscountText, MoneyInput, shortMoney, TagsInput } from './shared';

interface TemplateDraft {
  name: string;
  type: 'off' | 'percent';
  off: number | null;
  percentOff: number | null;
  maxOff: number | null;
  minSpend: number | null;
  validity: 'days' | 'range';
  days: number | null;
  from: string | null;
  to: string | null;
  unlimited: boolean;
  total: number | null;
  perCustomer: number | null;
  skus: string[];
  categories: string[];
}

const emptyDraft = (): TemplateDraft => ({ name: '', type: 'off', off: null, percentOff: null, maxOff: null, minSpend: 0, validity: 'days', days: 7, from: null, to: null, unlimited: false, total: 1000, perCustomer: 1, skus: [], categories: [] });

function bodyOf(d: TemplateDraft): CouponTemplateCreate {
  return {
    name: d.name.trim(),
    discount: d.type === 'off' ? { off: d.off ?? 0 } : { percentOff: d.percentOff ?? 0, ...(d.maxOff ? { maxOff: d.maxOff } : {}) },
    minSpend: d.minSpend ?? 0,
    scope: { skus: d.skus, categories: d.categories, excludeSkus: [] },
    validity: d.validity === 'days' ? { days: d.days ?? 0 } : { from: d.from ?? '', to: d.to ?? '' },
    total: d.unlimited ? -1 : d.total ?? 0,
    perCustomer: d.perCustomer ?? 1,
    audience: {},
    stacking: { group: 'coupon', exclusive: false },
  };
}

function TemplateForm({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { shopId } = useCurrentSession();
  const client = useQueryClient();
  const [d, setD] = useState<TemplateDraft>(emptyDraft);
  const set = (change: Partial<TemplateDraft>) => setD((x) => ({ ...x, ...change }));
  const create = useMutation({
    mutationFn: () => api<CouponTemplate>('/v1/coupon-templates', { method: 'POST', body: bodyOf(d) }),
    onSuccess: async () => { message.success(t('app.saved')); await client.invalidateQueries({ queryKey: [shopId, 'coupon-templates'] }); onClose(); },
  });
  const error = create.error instanceof ApiError ? create.error : null;
  return (
    <Drawer open width={560} onClose={onClose} title={t('promotions.coupons.new')} data-testid="coupon-form"
      extra={<Button type="primary" loading={create.isPending} onClick={() => create.mutate()} disabled={!d.name.trim()} data-testid="coupon-save">{t('app.save')}</Button>}>
      {error && <Alert type="error" showIcon style={{ marginBottom: 12 }} data-testid="coupon-error" message={error.field ? t('promotions.validation.server', { field: error.field, message: error.message }) : error.message} />}
      <Form layout="vertical">
        <Form.Item label={t('promotions.coupons.col.name')}><Input data-testid="coupon-name" value={d.name} onChange={(e) => set({ name: e.target.value })} maxLength={200} /></Form.Item>
        <Form.Item label={t('promotions.coupons.form.discountType')}>
          <Radio.Group value={d.type} onChange={(e) => set({ type: e.target.value })} options={[{ value: 'off', label: t('promotions.coupons.form.off') }, { value: 'percent', label: t('promotions.coupons.form.percent') }]} />
          <Flex gap={8} style={{ marginTop: 8 }} align="center">
            {d.type === 'off'
              ? <MoneyInput id="coupon-off" value={d.off} onChange={(off) => set({ off })} />
              : <>
                <InputNumber data-testid="coupon-percent" min={0} max={100} precision={2} addonAfter="%" value={d.percentOff} onChange={(v) => set({ percentOff: v === null ? null : Number(v) })} />
                <Typography.Text>{t('promotions.coupons.form.maxOff')}</Typography.Text>
                <MoneyInput value={d.maxOff} onChange={(maxOff) => set({ maxOff })} />
              </>}
          </Flex>
        </Form.Item>
        <Form.Item label={t('promotions.coupons.col.minSpend')}><MoneyInput id="coupon-min-spend" value={d.minSpend} onChange={(minSpend) => set({ minSpend })} /></Form.Item>
        <Form.Item label={t('promotions.coupons.form.validityType')}>
          <Radio.Group value={d.validity} onChange={(e) => set({ validity: e.target.value })} options={[{ value: 'days', label: t('promotions.coupons.form.days') }, { value: 'range', label: t('promotions.coupons.form.range') }]} />
          <div style={{ marginTop: 8 }}>
            {d.validity === 'days'
              ? <InputNumber min={1} max={3660} precision={0} value={d.days} onChange={(v) => set({ days: v === null ? null : Number(v) })} />
              : <DatePicker.RangePicker showTime value={[d.from ? dayjs(d.from) : null, d.to ? dayjs(d.to) : null]} onChange={(r) => set({ from: r?.[0]?.toISOString() ?? null, to: r?.[1]?.toISOString() ?? null })} />}
          </div>
        </Form.Item>
        <Flex gap={16} wrap>
          <Form.Item label={t('promotions.coupons.form.total')}>
            <Space><InputNumber data-testid="coupon-total" min={1} precision={0} disabled={d.unlimited} value={d.total} onChange={(v) => set({ total: v === null ? null : Number(v) })} />
              <Switch checked={d.unlimited} onChange={(unlimited) => set({ unlimited })} /> {t('promotions.coupons.form.unlimited')}</Space>
          </Form.Item>
          <Form.Item label={t('promotions.coupons.col.perCustomer')}><InputNumber min={1} max={1000} precision={0} value={d.perCustomer} onChange={(v) => set({ perCustomer: v === null ? null : Number(v) })} /></Form.Item>
        </Flex>
        <Form.Item label={t('promotions.form.scopeCategories')}><TagsInput value={d.categories} onChange={(categories) => set({ categories })} /></Form.Item>
        <Form.Item label={t('promotions.form.scopeSkus')}><TagsInput value={d.skus} onChange={(skus) => set({ skus })} /></Form.Item>
      </Form>
    </Drawer>
  );
}

/** 优惠券: the shop's coupon templates with how many were given, are left, held and used; new templates; codes in bulk. */
export function CouponTemplatesPage() {
  const { t } = useI18n();
  const format = useFormat();
  const { message, modal } = App.useApp();
  const { shopId } = useCurrentSession();
  const { can } = useSession();
  const client = useQueryClient();
  const [creating, setCreating] = useState(false);
  const templates = useQuery({ queryKey: [shopId, 'coupon-templates'], queryFn: () => api<{ templates: CouponTemplate[] }>('/v1/coupon-templates') });
  const makeCodes = useMutation({
    mutationFn: (id: string) => api<{ codes: string[] }>(`/v1/coupon-templates/${id}/codes`, { method: 'POST', body: { count: 10 } }),
    onSuccess: async (made) => {
      await client.invalidateQueries({ queryKey: [shopId, 'coupon-templates'] });
      modal.info({ title: t('promotions.coupons.codesMade', { count: made.codes.length }), content: <Typography.Paragraph copyable data-testid="coupon-codes">{made.codes.join('\n')}</Typography.Paragraph> });
    },
    onError: (e: Error) => message.error(e.message),
  });
  const writable = can('write');
  const validity = (tpl: CouponTemplate) => ('days' in tpl.validity ? t('promotions.coupons.validDays', { days: tpl.validity.days }) : t('promotions.coupons.validRange', { from: format.timestamp(tpl.validity.from), to: format.timestamp(tpl.validity.to) }));
  return (
    <div data-testid="coupons-page">
      <PageHeader title={t('promotions.coupons.title')} extra={writable && <Button type="primary" onClick={() => setCreating(true)} data-testid="coupon-new">{t('promotions.coupons.new')}</Button>} />
      {!writable && <ReadOnlyNotice />}
      <Card size="small">
        <QueryView query={templates}>
          {(data) => (
            <Table size="small" rowKey="id" data-testid="coupons-table" dataSource={data.templates} pagination={{ pageSize: 20, hideOnSinglePage: true }} columns={[
              { title: t('promotions.coupons.col.name'), dataIndex: 'name' },
              { title: t('promotions.coupons.col.discount'), key: 'discount', render: (_: unknown, tpl: CouponTemplate) => couponDiscountText(tpl.discount, t, format) },
              { title: t('promotions.coupons.col.minSpend'), dataIndex: 'minSpend', render: (v: number) => (v > 0 ? shortMoney(format, v) : t('promotions.coupons.noMinSpend')) },
              { title: t('promotions.coupons.col.validity'), key: 'validity', render: (_: unknown, tpl: CouponTemplate) => validity(tpl) },
              { title: t('promotions.coupons.col.issued'), dataIndex: 'issued', align: 'right' as const, render: (v: number) => format.count(v) },
              { title: t('promotions.coupons.col.remaining'), dataIndex: 'remaining', align: 'right' as const, render: (v: number | null) => (v === null ? t('promotions.coupons.unlimited') : format.count(v)) },
              { title: t('promotions.coupons.col.held'), dataIndex: 'held', align: 'right' as const, render: (v: number) => format.count(v) },
              { title: t('promotions.coupons.col.redeemed'), dataIndex: 'redeemed', align: 'right' as const, render: (v: number) => format.count(v) },
              { title: t('promotions.coupons.col.perCustomer'), dataIndex: 'perCustomer', align: 'right' as const },
              ...(writable ? [{ title: t('promotions.col.actions'), key: 'actions', render: (_: unknown, tpl: CouponTemplate) => <Button size="small" onClick={() => makeCodes.mutate(tpl.id)}>{t('promotions.coupons.codes')}</Button> }] : []),
            ]} />
          )}
        </QueryView>
      </Card>
      {creating && <TemplateForm onClose={() => setCreating(false)} />}
    </div>
  );
}
