import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Flex, Form, Row, Table, Typography } from 'antd';
import type { DriverTree, Target } from '@flywheel/contracts';
import { api } from '../../api/client';
import { planningKeys, useDrivers } from '../../api/planning';
import { useCurrentSession, useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { QueryView } from '../../components/QueryView';
import { fromInputValue, toInputValue } from '../../format/planValues';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { ValueInput } from './ValueInput';

/** One box of the tree: the figure, and where an assumption came from. */
function DriverNode({ title, value, note }: { title: string; value: string; note?: string }) {
  return (
    <Card size="small" style={{ textAlign: 'center', minWidth: 140 }}>
      <Typography.Text type="secondary">{title}</Typography.Text>
      <div style={{ fontSize: 18, fontWeight: 600 }}>{value}</div>
      {note && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{note}</Typography.Text>}
    </Card>
  );
}

function AssumptionsForm({ planId, target, tree }: { planId: string; target: Target; tree: DriverTree }) {
  const { t } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const queryClient = useQueryClient();
  const initial = {
    conversionRate: tree.assumptions.conversionRate.value === null ? null : toInputValue('conversion_rate', tree.assumptions.conversionRate.value, format.currency),
    perCustomerSpend: tree.assumptions.perCustomerSpend.value === null ? null : toInputValue('per_customer_spend', tree.assumptions.perCustomerSpend.value, format.currency),
    returningBuyerRate: tree.assumptions.returningBuyerRate.value === null ? null : toInputValue('returning_buyer_rate', tree.assumptions.returningBuyerRate.value, format.currency),
  };
  const save = useMutation({
    mutationFn: (v: typeof initial) => api<DriverTree>(`/v1/plans/${planId}/targets/${target.id}/assumptions`, {
      method: 'PUT',
      body: {
        conversionRate: v.conversionRate === null ? null : fromInputValue('conversion_rate', v.conversionRate, format.currency),
        perCustomerSpend: v.perCustomerSpend === null ? null : fromInputValue('per_customer_spend', v.perCustomerSpend, format.currency),
        returningBuyerRate: v.returningBuyerRate === null ? null : fromInputValue('returning_buyer_rate', v.returningBuyerRate, format.currency),
      },
    }),
    onSuccess: (next) => queryClient.setQueryData([...planningKeys.plan(shopId, planId), 'drivers', target.id], next),
  });
  const { label } = useI18n();
  return (
    <Form layout="inline" onFinish={(v) => save.mutate(v)} initialValues={initial}>
      <Form.Item name="conversionRate" label={label('metric', 'conversion_rate')}><ValueInput metric="conversion_rate" width={120} /></Form.Item>
      <Form.Item name="perCustomerSpend" label={label('metric', 'per_customer_spend')}><ValueInput metric="per_customer_spend" width={140} /></Form.Item>
      <Form.Item name="returningBuyerRate" label={label('metric', 'returning_buyer_rate')}><ValueInput metric="returning_buyer_rate" width={120} /></Form.Item>
      <Button htmlType="submit" loading={save.isPending}>{t('plan.saveAssumptions')}</Button>
      {save.isError && <div style={{ width: '100%', marginTop: 8 }}><ApiErrorAlert error={save.error} /></div>}
    </Form>
  );
}

/** Sales = UV x conversion x 客单价, buyers = new + returning: what the target asks of traffic and buyers. */
export function DriverTreeView({ planId, target }: { planId: string; target: Target }) {
  const { t, label, text, valueLabel } = useI18n();
  const format = useFormat();
  const { can } = useSession();
  const isSales = target.metric === 'sales';
  const query = useDrivers(planId, target.id, isSales);
  if (!isSales) return <Typography.Text type="secondary">{t('plan.driversOnlySales')}</Typography.Text>;
  const source = (s: { source: string }) => t(`plan.source.${s.source as 'assumption' | 'plan' | 'last_year' | 'none'}`);
  return (
    <QueryView query={query}>
      {(tree) => (
        <div data-testid="driver-tree">
          <Typography.Paragraph type="secondary">{t('plan.driverFormula', { sales: label('metric', 'sales'), uv: label('metric', 'uv'), conversion: label('metric', 'conversion_rate'), perCustomerSpend: label('metric', 'per_customer_spend'), buyers: label('metric', 'buyers'), newBuyers: label('metric', 'new_buyers'), returning: valueLabel('customer_type', 'returning') })}</Typography.Paragraph>
          <Flex vertical align="center" gap={8}>
            <DriverNode title={label('metric', 'sales')} value={format.money(tree.sales, { compact: true })} note={`${t('plan.lastYear')} ${format.money(tree.lastYear.sales, { compact: true })}`} />
            <Typography.Text type="secondary">=</Typography.Text>
            <Flex gap={8} align="center" wrap justify="center">
              <DriverNode title={label('metric', 'uv')} value={format.count(tree.implied.uv, { compact: true })} note={`${t('plan.lastYear')} ${format.count(tree.lastYear.uv, { compact: true })}`} />
              <span>×</span>
              <DriverNode title={label('metric', 'conversion_rate')} value={format.ratio(tree.assumptions.conversionRate.value)} note={source(tree.assumptions.conversionRate)} />
              <span>×</span>
              <DriverNode title={label('metric', 'per_customer_spend')} value={format.money(tree.assumptions.perCustomerSpend.value)} note={source(tree.assumptions.perCustomerSpend)} />
            </Flex>
            <Flex gap={8} align="center" wrap justify="center">
              <DriverNode title={label('metric', 'buyers')} value={format.count(tree.implied.buyers, { compact: true })} />
              <span>=</span>
              <DriverNode title={label('metric', 'new_buyers')} value={format.count(tree.implied.newBuyers, { compact: true })} />
              <span>+</span>
              <DriverNode title={valueLabel('customer_type', 'returning')} value={format.count(tree.implied.returningBuyers, { compact: true })} note={`${label('metric', 'returning_buyer_rate')} ${format.ratio(tree.assumptions.returningBuyerRate.value)} · ${source(tree.assumptions.returningBuyerRate)}`} />
            </Flex>
          </Flex>
          {tree.notes.length > 0 && <Alert style={{ marginTop: 12 }} type="info" showIcon message={tree.notes.map((n) => text(n, '')).join(t('app.listSeparator'))} />}
          {can('write') && <div style={{ marginTop: 12 }}><AssumptionsForm key={JSON.stringify(tree.assumptions)} planId={planId} target={target} tree={tree} /></div>}
          {tree.months.length > 1 && (
            <Row style={{ marginTop: 12 }}><Col span={24}>
              <Table size="small" rowKey={(m) => m.period.label} pagination={false} title={() => t('plan.months')} dataSource={tree.months} columns={[
                { title: t('plan.targetPeriod'), key: 'p', render: (_, m) => m.period.label },
                { title: label('metric', 'sales'), dataIndex: 'sales', align: 'right', render: (v: number) => format.money(v) },
                { title: label('metric', 'uv'), dataIndex: 'uv', align: 'right', render: (v: number | null) => format.count(v) },
                { title: label('metric', 'buyers'), dataIndex: 'buyers', align: 'right', render: (v: number | null) => format.count(v) },
                { title: label('metric', 'new_buyers'), dataIndex: 'newBuyers', align: 'right', render: (v: number | null) => format.count(v) },
                { title: valueLabel('customer_type', 'returning'), dataIndex: 'returningBuyers', align: 'right', render: (v: number | null) => format.count(v) },
              ]} />
            </Col></Row>
          )}
        </div>
      )}
    </QueryView>
  );
}
