import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, DatePicker, Form, Input, InputNumber, Popconfirm, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { channels } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useBudgets, type BudgetRow } from '../../api/planning';
import { useCurrentSession, useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { QueryView } from '../../components/QueryView';
import { fromInputValue } from '../../format/planValues';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { usePeriod } from '../../shell/PeriodContext';
import { ValueInput } from './ValueInput';

interface BudgetForm { channel: string; campaign?: string; amount: number; roasFloor?: number | null; cacCeiling?: number | null }

function BudgetEditor({ month }: { month: string }) {
  const { t, label } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (v: BudgetForm) => api('/v1/budgets', {
      method: 'PUT',
      body: { budgets: [{
        month, channel: v.channel, campaign: v.campaign ?? '', amount: fromInputValue('spend', v.amount, format.currency),
        ...(v.roasFloor ? { roasFloor: v.roasFloor } : {}), ...(v.cacCeiling ? { cacCeiling: fromInputValue('cac', v.cacCeiling, format.currency) } : {}),
      }] },
    }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [shopId, 'budgets', month] }),
  });
  return (
    <Form<BudgetForm> layout="inline" onFinish={(v) => save.mutate(v)}>
      <Form.Item name="channel" label={t('budget.channel')} rules={[{ required: true }]}>
        <Select style={{ width: 150 }} options={channels.map((c) => ({ value: c, label: label('channel', c) }))} />
      </Form.Item>
      <Form.Item name="campaign" label={t('budget.campaign')}><Input style={{ width: 130 }} /></Form.Item>
      <Form.Item name="amount" label={t('budget.amount')} rules={[{ required: true }]}><ValueInput metric="spend" width={140} /></Form.Item>
      <Form.Item name="roasFloor" label={t('budget.floor')}><InputNumber style={{ width: 80 }} min={0} step={0.5} /></Form.Item>
      <Form.Item name="cacCeiling" label={t('budget.ceiling')}><ValueInput metric="cac" width={120} /></Form.Item>
      <Button type="primary" htmlType="submit" loading={save.isPending}>{t('budget.add')}</Button>
      {save.isError && <div style={{ width: '100%', marginTop: 8 }}><ApiErrorAlert error={save.error} /></div>}
    </Form>
  );
}

/** A month's budgets per channel / campaign: spend against budget and pace, ROAS against its floor, CAC against its ceiling. */
export function BudgetsPanel() {
  const { t, label } = useI18n();
  const format = useFormat();
  const { can } = useSession();
  const { shopId } = useCurrentSession();
  const { today } = usePeriod();
  const queryClient = useQueryClient();
  const [month, setMonth] = useState(today.slice(0, 7));
  const query = useBudgets(month);
  const remove = useMutation({
    mutationFn: (id: string) => api(`/v1/budgets/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [shopId, 'budgets', month] }),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="budgets">
      <Space>
        <Typography.Text>{t('budget.month')}</Typography.Text>
        <DatePicker picker="month" allowClear={false} value={dayjs(`${month}-01`)} onChange={(d) => d && setMonth(d.format('YYYY-MM'))} />
      </Space>
      {can('write') && <BudgetEditor month={month} />}
      <QueryView query={query}>
        {(data) => (
          <>
            <Table<BudgetRow>
              size="small"
              rowKey="id"
              pagination={false}
              scroll={{ x: true }}
              dataSource={data.budgets}
              locale={{ emptyText: t('budget.none') }}
              columns={[
                { title: t('budget.channel'), dataIndex: 'channel', render: (c: string) => label('channel', c) },
                { title: t('budget.campaign'), dataIndex: 'campaign' },
                { title: t('budget.amount'), dataIndex: 'amount', align: 'right', render: (v: number) => format.money(v) },
                { title: t('budget.spend'), dataIndex: 'spend', align: 'right', render: (v: number) => format.money(v) },
                { title: t('budget.used'), key: 'used', width: 180, render: (_, r) => <Progress size="small" percent={Math.round((r.used ?? 0) * 100)} success={{ percent: r.amount ? Math.round((r.expectedSpendToDate / r.amount) * 100) : 0 }} status={r.overBudget ? 'exception' : 'normal'} /> },
                { title: label('metric', 'roas'), key: 'roas', align: 'right', render: (_, r) => <Typography.Text type={r.roasBelowFloor ? 'danger' : undefined}>{format.multiple(r.roas)} / {format.multiple(r.roasFloor)}</Typography.Text> },
                { title: label('metric', 'cac'), key: 'cac', align: 'right', render: (_, r) => <Typography.Text type={r.cacAboveCeiling ? 'danger' : undefined}>{format.money(r.cac)}{r.cacCeiling !== null ? ` / ${format.money(r.cacCeiling)}` : ''}</Typography.Text> },
                { title: t('budget.flags'), key: 'flags', render: (_, r) => <Space size={2} wrap>{r.overBudget && <Tag color="red">{t('budget.over')}</Tag>}{r.roasBelowFloor && <Tag color="orange">{t('budget.roasLow')}</Tag>}{r.cacAboveCeiling && <Tag color="orange">{t('budget.cacHigh')}</Tag>}</Space> },
                ...(can('write') ? [{ title: '', key: 'x', render: (_: unknown, r: BudgetRow) => <Popconfirm title={t('app.delete')} onConfirm={() => remove.mutate(r.id)}><Button size="small" type="text" danger>{t('app.delete')}</Button></Popconfirm> }] : []),
              ]}
            />
            <Typography.Text type="secondary">{t('budget.total', { amount: format.money(data.totals.amount), spend: format.money(data.totals.spend), remaining: format.money(data.totals.remaining) })} · {t('pacing.asOf', { date: data.asOf })}</Typography.Text>
          </>
        )}
      </QueryView>
    </Space>
  );
}
