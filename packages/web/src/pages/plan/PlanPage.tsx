import { useState } from 'react';
import { Card, Col, Collapse, Empty, Row, Select, Space, Tabs, Tag, Typography } from 'antd';
import type { PlanDetail, Target } from '@flywheel/contracts';
import { usePacing, usePlan, usePlans } from '../../api/planning';
import { useSession } from '../../api/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { useI18n } from '../../i18n/i18n';
import { AlertList } from './AlertList';
import { BudgetsPanel } from './BudgetsPanel';
import { DecompositionEditor } from './DecompositionEditor';
import { DriverTreeView } from './DriverTreeView';
import { NewPlanForm } from './NewPlanForm';
import { PacingBar } from './PacingBar';
import { TargetTree } from './TargetTree';

function TargetsTab({ plan }: { plan: PlanDetail }) {
  const { t } = useI18n();
  const { can } = useSession();
  const [selectedId, setSelectedId] = useState<string | undefined>(() => plan.targets.find((x) => !x.parentId)?.id);
  const selected: Target | undefined = plan.targets.find((x) => x.id === selectedId);
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} xxl={13}>
        <Card size="small" title={t('plan.targets')}><TargetTree plan={plan} selected={selectedId} onSelect={(x) => setSelectedId(x.id)} /></Card>
      </Col>
      <Col xs={24} xxl={11}>
        {!selected ? <Empty description={t('plan.pickTarget')} /> : (
          <Space direction="vertical" style={{ width: '100%' }}>
            {can('write') && <Card size="small" title={`${t('plan.decompose')} · ${selected.period.label}`}><DecompositionEditor planId={plan.id} target={selected} /></Card>}
            <Card size="small" title={t('plan.drivers')}><DriverTreeView planId={plan.id} target={selected} /></Card>
          </Space>
        )}
      </Col>
    </Row>
  );
}

function PacingTab({ planId }: { planId: string }) {
  const { t } = useI18n();
  const query = usePacing(planId);
  return (
    <QueryView query={query} isEmpty={(d) => d.targets.length === 0}>
      {(data) => (
        <Card size="small" title={t('pacing.asOf', { date: data.asOf })}>
          {data.targets.map((row) => <PacingBar key={row.targetId} row={row} />)}
        </Card>
      )}
    </QueryView>
  );
}

function PlanView({ planId }: { planId: string }) {
  const { t } = useI18n();
  const query = usePlan(planId);
  return (
    <QueryView query={query}>
      {(plan) => (
        <>
          <Space style={{ marginBottom: 8 }} wrap>
            <Typography.Text strong>{plan.name}</Typography.Text>
            <Tag>{plan.period.label}</Tag>
            <Tag color={plan.status === 'active' ? 'green' : undefined}>{t(`plan.status.${plan.status}`)}</Tag>
            {plan.owner && <Typography.Text type="secondary">{t('plan.owner')}: {plan.owner}</Typography.Text>}
          </Space>
          <Tabs
            items={[
              { key: 'targets', label: t('plan.tab.targets'), children: <TargetsTab key={plan.id} plan={plan} /> },
              { key: 'pacing', label: t('plan.tab.pacing'), children: <PacingTab planId={plan.id} /> },
              { key: 'budgets', label: t('plan.tab.budgets'), children: <BudgetsPanel /> },
              { key: 'alerts', label: t('plan.tab.alerts'), children: <AlertList status="all" /> },
            ]}
          />
        </>
      )}
    </QueryView>
  );
}

export function PlanPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const plans = usePlans();
  const [chosen, setChosen] = useState<string | undefined>();
  const list = plans.data?.plans ?? [];
  const planId = chosen ?? list.find((p) => p.status === 'active')?.id ?? list[0]?.id;
  return (
    <div data-testid="plan-page">
      <PageHeader
        title={t('plan.title')}
        extra={list.length > 0 && (
          <Select style={{ minWidth: 260 }} aria-label={t('plan.select')} value={planId} onChange={setChosen} options={list.map((p) => ({ value: p.id, label: `${p.name} · ${p.period.label}` }))} />
        )}
      />
      {!can('write') && <ReadOnlyNotice />}
      <QueryView query={plans}>
        {(data) => (
          <>
            {can('write') && (
              <Collapse
                size="small"
                style={{ marginBottom: 12 }}
                defaultActiveKey={data.plans.length === 0 ? ['new'] : []}
                items={[{ key: 'new', label: t('plan.new'), children: <NewPlanForm onCreated={setChosen} /> }]}
              />
            )}
            {planId ? <PlanView planId={planId} /> : <Empty description={t('plan.none')} />}
          </>
        )}
      </QueryView>
    </div>
  );
}
