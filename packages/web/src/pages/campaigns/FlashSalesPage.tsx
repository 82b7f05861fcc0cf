import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Drawer, Flex, Form, Input, InputNumber, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { DEFAULT_FLASH_SALE_HOLD_MINUTES, MAX_RESERVATION_QUANTITY, type FlashSale, type FlashSaleCreate } from '@flywheel/contracts';
import { api, ApiError } from '../../api/client';
import { useCurrentSession, useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { useFormat } from '../../format/useFormat';
import { hasMessage, useI18n } from '../../i18n/i18n';
import { MoneyInput, stateColours } from '../promotions/shared';
import { StockBar } from './StockBar';

/** How often the list asks again while a sale is scheduled or live: the stock bars move by themselves. */
export const FLASH_SALES_REFRESH_MS = 3_000;

interface FlashSaleDraft {
  name: string;
  sku: string;
  price: number | null;
  stock: number | null;
  perCustomer: number | null;
  startsAt: string | null;
  endsAt: string | null;
  holdMinutes: number | null;
}

/** Starts now, for two hours: a sale someone makes in the console is usually about to run. */
const emptyDraft = (): FlashSaleDraft => {
  const start = dayjs().second(0).millisecond(0);
  return { name: '', sku: '', price: null, stock: 100, perCustomer: 1, startsAt: start.toISOString(), endsAt: start.add(2, 'hour').toISOString(), holdMinutes: DEFAULT_FLASH_SALE_HOLD_MINUTES };
};

/**
 * What is sent; a missing value goes as it is (null, '') so that the server, whose contract is the
 * one check, answers at its field.
 */
function bodyOf(d: FlashSaleDraft): FlashSaleCreate {
  return {
    ...(d.name.trim() ? { name: d.name.trim() } : {}),
    sku: d.sku.trim(),
    price: d.price as number,
    stock: d.stock as number,
    perCustomer: d.perCustomer as number,
    startsAt: d.startsAt ?? '',
    endsAt: d.endsAt ?? '',
    holdMinutes: d.holdMinutes as number,
  };
}

const fields = ['name', 'sku', 'price', 'stock', 'perCustomer', 'startsAt', 'endsAt', 'holdMinutes'] as const;
type Field = (typeof fields)[number];
const isField = (field: string | undefined): field is Field => (fields as readonly string[]).includes(field ?? '');

function FlashSaleForm({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { shopId } = useCurrentSession();
  const client = useQueryClient();
  const [d, setD] = useState<FlashSaleDraft>(emptyDraft);
  const set = (change: Partial<FlashSaleDraft>) => setD((x) => ({ ...x, ...change }));
  const create = useMutation({
    mutationFn: () => api<FlashSale>('/v1/flash-sales', { method: 'POST', body: bodyOf(d) }),
    onSuccess: async () => { message.success(t('app.saved')); await client.invalidateQueries({ queryKey: [shopId, 'flash-sales'] }); onClose(); },
  });
  const error = create.error instanceof ApiError && create.error.status === 400 && isField(create.error.field) ? create.error : null;
  /** The server's refusal, at the field it names, in the reader's language (its own words below, as the other forms show them). */
  const at = (...names: Field[]) => {
    if (!error || !names.includes(error.field as Field)) return {};
    const key = `flashSales.invalid.${error.field}`;
    return { validateStatus: 'error' as const, help: <span data-testid={`invalid-${error.field}`}>{hasMessage(key) ? t(key) : t('error.invalid_field', { field: error.field ?? '' })}</span> };
  };
  const whole = (v: number | string | null) => (v === null ? null : Number(v));
  return (
    <Drawer open width={560} onClose={onClose} title={t('flashSales.new')} data-testid="flash-sale-form"
      extra={<Button type="primary" loading={create.isPending} onClick={() => create.mutate()} data-testid="flash-sale-save">{t('flashSales.form.save')}</Button>}>
      {create.error && !error && <div style={{ marginBottom: 12 }}><ApiErrorAlert error={create.error} /></div>}
      <Form layout="vertical">
        <Form.Item label={t('flashSales.form.name')} extra={t('flashSales.form.nameHint')} {...at('name')}>
          <Input id="flash-sale-name" data-testid="flash-sale-name" value={d.name} maxLength={200} onChange={(e) => set({ name: e.target.value })} />
        </Form.Item>
        <Form.Item label={t('flashSales.col.sku')} {...at('sku')}>
          <Input id="flash-sale-sku" data-testid="flash-sale-sku" value={d.sku} maxLength={200} onChange={(e) => set({ sku: e.target.value })} />
        </Form.Item>
        <Flex gap={16} wrap>
          <Form.Item label={t('flashSales.col.price')} {...at('price')}>
            <MoneyInput id="flash-sale-price" value={d.price} onChange={(price) => set({ price })} status={at('price').validateStatus} />
          </Form.Item>
          <Form.Item label={t('flashSales.form.stock')} {...at('stock')}>
            <InputNumber id="flash-sale-stock" data-testid="flash-sale-stock" min={1} precision={0} value={d.stock} onChange={(v) => set({ stock: whole(v) })} />
          </Form.Item>
          <Form.Item label={t('flashSales.form.perCustomer')} {...at('perCustomer')}>
            <InputNumber id="flash-sale-per-customer" data-testid="flash-sale-per-customer" min={1} max={MAX_RESERVATION_QUANTITY} precision={0} value={d.perCustomer} onChange={(v) => set({ perCustomer: whole(v) })} />
          </Form.Item>
        </Flex>
        <Form.Item label={t('flashSales.col.window')} {...at('startsAt', 'endsAt')}>
          <DatePicker.RangePicker showTime data-testid="flash-sale-window" value={[d.startsAt ? dayjs(d.startsAt) : null, d.endsAt ? dayjs(d.endsAt) : null]}
            onChange={(range) => set({ startsAt: range?.[0]?.toISOString() ?? null, endsAt: range?.[1]?.toISOString() ?? null })} />
        </Form.Item>
        <Form.Item label={t('flashSales.form.holdMinutes')} extra={t('flashSales.form.holdHint')} {...at('holdMinutes')}>
          <InputNumber id="flash-sale-hold" data-testid="flash-sale-hold" min={1} max={24 * 60} precision={0} value={d.holdMinutes} onChange={(v) => set({ holdMinutes: whole(v) })} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

/** 秒杀: the shop's flash sales with their state and a stock bar that follows reservations and payments live; new sales. */
export function FlashSalesPage() {
  const { t } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const { can } = useSession();
  const [creating, setCreating] = useState(false);
  const sales = useQuery({
    queryKey: [shopId, 'flash-sales'],
    queryFn: () => api<{ flashSales: FlashSale[] }>('/v1/flash-sales'),
    // An ended sale's counts can still move (a late payment, a hold given back) but not enough to keep asking.
    refetchInterval: (query) => (query.state.data?.flashSales.some((s) => s.state !== 'ended') ? FLASH_SALES_REFRESH_MS : false),
  });
  const writable = can('write');
  return (
    <div data-testid="flash-sales-page">
      <PageHeader title={t('flashSales.title')} extra={writable && <Button type="primary" onClick={() => setCreating(true)} data-testid="flash-sale-new">{t('flashSales.new')}</Button>} />
      {!writable && <ReadOnlyNotice />}
      <Card size="small" extra={<span>{t('flashSales.refreshing', { seconds: FLASH_SALES_REFRESH_MS / 1000 })}</span>}>
        <QueryView query={sales}>
          {(data) => (
            <Table size="small" rowKey="id" data-testid="flash-sales-table" dataSource={data.flashSales} pagination={{ pageSize: 20, hideOnSinglePage: true }} columns={[
              { title: t('flashSales.col.name'), dataIndex: 'name' },
              { title: t('flashSales.col.sku'), dataIndex: 'sku' },
              { title: t('flashSales.col.price'), dataIndex: 'price', align: 'right' as const, render: (v: number) => format.money(v) },
              { title: t('flashSales.col.state'), dataIndex: 'state', render: (s: FlashSale['state']) => <Tag color={stateColours[s]}>{t(`promotions.status.${s}`)}</Tag> },
              { title: t('flashSales.col.stock'), key: 'stock', render: (_: unknown, sale: FlashSale) => <StockBar sale={sale} /> },
              { title: t('flashSales.col.perCustomer'), dataIndex: 'perCustomer', align: 'right' as const, render: (v: number) => format.count(v) },
              { title: t('flashSales.col.window'), key: 'window', render: (_: unknown, sale: FlashSale) => t('flashSales.window', { from: format.timestamp(sale.startsAt), to: format.timestamp(sale.endsAt) }) },
              { title: t('flashSales.col.hold'), dataIndex: 'holdMinutes', align: 'right' as const, render: (v: number) => t('flashSales.holdMinutes', { minutes: v }) },
            ]} />
          )}
        </QueryView>
      </Card>
      {creating && <FlashSaleForm onClose={() => setCreating(false)} />}
    </div>
  );
}
