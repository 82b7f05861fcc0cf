import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input } from 'antd';
import type { PlanDetail } from '@flywheel/contracts';
import { api } from '../../api/client';
import { planningKeys } from '../../api/planning';
import { useCurrentSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fromInputValue } from '../../format/planValues';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { ValueInput } from './ValueInput';

interface NewPlan { name: string; period: string; owner?: string; sales?: number | null }

/** A plan for a year or a quarter, with its sales target to start the tree from. */
export function NewPlanForm({ onCreated }: { onCreated(planId: string): void }) {
  const { t, label } = useI18n();
  const { shopId } = useCurrentSession();
  const format = useFormat();
  const queryClient = useQueryClient();
  const year = new Date().getFullYear();
  const create = useMutation({
    mutationFn: (v: NewPlan) => api<PlanDetail>('/v1/plans', {
      method: 'POST',
      body: { name: v.name, period: v.period, owner: v.owner || undefined, targets: v.sales ? [{ metric: 'sales', value: fromInputValue('sales', v.sales, format.currency) }] : [] },
    }),
    onSuccess: (plan) => {
      void queryClient.invalidateQueries({ queryKey: planningKeys.plans(shopId) });
      onCreated(plan.id);
    },
  });
  return (
    <Form<NewPlan> layout="inline" onFinish={(v) => create.mutate(v)} initialValues={{ name: format.lang === 'zh-CN' ? `${year} 年度经营计划` : `${year} annual plan`, period: String(year) }} data-testid="new-plan">
      <Form.Item name="name" label={t('plan.name')} rules={[{ required: true, whitespace: true }]}><Input style={{ width: 200 }} /></Form.Item>
      <Form.Item name="period" label={t('plan.period')} tooltip={t('plan.periodHint')} rules={[{ required: true, pattern: /^\d{4}(-Q[1-4])?$/, message: t('plan.periodHint') }]}><Input style={{ width: 110 }} /></Form.Item>
      <Form.Item name="owner" label={t('plan.owner')}><Input style={{ width: 120 }} /></Form.Item>
      <Form.Item name="sales" label={t('plan.salesTarget', { metric: label('metric', 'sales') })}><ValueInput metric="sales" /></Form.Item>
      <Button type="primary" htmlType="submit" loading={create.isPending}>{t('plan.new')}</Button>
      {create.isError && <div style={{ width: '100%', marginTop: 8 }}><ApiErrorAlert error={create.error} /></div>}
    </Form>
  );
}
