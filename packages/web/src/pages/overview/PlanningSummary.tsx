import { Card, Col, Empty, Row, Skeleton } from 'antd';
import { Link } from 'react-router';
import { usePacing, usePlans } from '../../api/planning';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { useI18n } from '../../i18n/i18n';
import { usePeriod } from '../../shell/PeriodContext';
import { AlertList } from '../plan/AlertList';
import { PacingBar } from '../plan/PacingBar';

/** Targets running today, from the active plan, as pacing bars (at most six, the shortest periods first). */
function TargetPacing({ planId }: { planId: string }) {
  const { t } = useI18n();
  const { today } = usePeriod();
  const pacing = usePacing(planId);
  if (pacing.isPending) return <Skeleton active />;
  if (pacing.isError) return <ApiErrorAlert error={pacing.error} />;
  const running = pacing.data.targets
    .filter((r) => r.period.from <= today && today < r.period.to)
    .sort((a, b) => a.period.to.localeCompare(b.period.to) || (a.dimensionValue ?? '').localeCompare(b.dimensionValue ?? ''))
    .slice(0, 6);
  if (running.length === 0) return <Empty description={t('overview.noTargets')} />;
  return <>{running.map((row) => <PacingBar key={row.targetId} row={row} />)}</>;
}

/** Target pacing and open alerts on the overview, from the planning API. */
export function PlanningSummary() {
  const { t } = useI18n();
  const plans = usePlans();
  const active = plans.data?.plans.find((p) => p.status === 'active');
  return (
    <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
      <Col xs={24} xl={15}>
        <Card size="small" title={t('overview.pacing')} extra={<Link to="/plan">{t('nav.plan')}</Link>} data-testid="overview-pacing">
          {plans.isPending ? <Skeleton active /> : plans.isError ? <ApiErrorAlert error={plans.error} /> : active ? <TargetPacing planId={active.id} /> : <Empty description={t('overview.noTargets')} />}
        </Card>
      </Col>
      <Col xs={24} xl={9}>
        <Card size="small" title={t('overview.alerts')} data-testid="overview-alerts">
          <AlertList status="open" emptyText={t('overview.noAlerts')} />
        </Card>
      </Col>
    </Row>
  );
}
