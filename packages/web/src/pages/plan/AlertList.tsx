import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, List, Space, Tag, Typography } from 'antd';
import type { Alert } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useAlerts } from '../../api/planning';
import { useCurrentSession, useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { QueryView } from '../../components/QueryView';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';

function AlertItem({ alert }: { alert: Alert }) {
  const { t, text } = useI18n();
  const format = useFormat();
  return (
    <List.Item data-testid="alert">
      <Space direction="vertical" size={0}>
        <Space wrap>
          <Tag color={alert.severity === 'critical' ? 'red' : 'orange'}>{t(`alerts.severity.${alert.severity}`)}</Tag>
          <Typography.Text strong>{t(`alerts.kind.${alert.kind}`)}</Typography.Text>
          {alert.status === 'closed' && <Tag>{t('alerts.status.closed')}</Tag>}
        </Space>
        <Typography.Text data-testid="alert-text">{text(alert.text, alert.message)}</Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('alerts.opened', { time: format.timestamp(alert.openedAt) })}</Typography.Text>
      </Space>
    </List.Item>
  );
}

/** Alert episodes (ROAS under its floor, a target off track, 单一流量依赖 …); operators can check the conditions now. */
export function AlertList({ status, emptyText }: { status: 'open' | 'all'; emptyText?: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const { shopId } = useCurrentSession();
  const queryClient = useQueryClient();
  const query = useAlerts(status);
  const evaluate = useMutation({
    mutationFn: () => api('/v1/alerts/evaluate', { method: 'POST', body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [shopId, 'alerts'] }),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {status === 'all' && can('write') && <Button onClick={() => evaluate.mutate()} loading={evaluate.isPending}>{t('alerts.evaluate')}</Button>}
      {evaluate.isError && <ApiErrorAlert error={evaluate.error} />}
      <QueryView query={query}>
        {(data) => <List size="small" dataSource={data.alerts} locale={{ emptyText: emptyText ?? t('app.empty') }} renderItem={(a) => <AlertItem key={a.id} alert={a} />} />}
      </QueryView>
    </Space>
  );
}
