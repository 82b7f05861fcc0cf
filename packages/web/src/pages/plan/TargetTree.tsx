import { useMemo } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Popconfirm, Space, Table, Tag } from 'antd';
import type { PlanDetail, Target } from '@flywheel/contracts';
import { api } from '../../api/client';
import { planningKeys } from '../../api/planning';
import { useCurrentSession, useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';

interface TargetNode extends Target { children?: TargetNode[] }

/** Targets as the tree they were split into: annual -> quarters -> months, or by channel / category. */
export function buildTree(targets: Target[]): TargetNode[] {
  const nodes = new Map<string, TargetNode>(targets.map((t) => [t.id, { ...t }]));
  const roots: TargetNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  const order = (list: TargetNode[]) => {
    list.sort((a, b) => a.period.from.localeCompare(b.period.from) || (a.dimensionValue ?? '').localeCompare(b.dimensionValue ?? '') || a.metric.localeCompare(b.metric));
    list.forEach((n) => n.children && order(n.children));
  };
  order(roots);
  return roots;
}

export function TargetTree({ plan, selected, onSelect }: { plan: PlanDetail; selected?: string; onSelect(target: Target): void }) {
  const { t, label, valueLabel, text } = useI18n();
  const format = useFormat();
  const { can } = useSession();
  const { shopId } = useCurrentSession();
  const queryClient = useQueryClient();
  const tree = useMemo(() => buildTree(plan.targets), [plan.targets]);
  const remove = useMutation({
    mutationFn: (targetId: string) => api(`/v1/plans/${plan.id}/targets/${targetId}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: planningKeys.plan(shopId, plan.id) }),
  });
  const failing = plan.checks.filter((c) => !c.ok);
  const scopeOf = (n: Target) => (n.dimensionValue ? `${label('dimension', n.dimension ?? '')}: ${valueLabel(n.dimension ?? '', n.dimensionValue)}` : '—');

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Table<TargetNode>
        size="small"
        rowKey="id"
        data-testid="target-tree"
        dataSource={tree}
        pagination={false}
        expandable={{ defaultExpandAllRows: true }}
        onRow={(row) => ({ onClick: () => onSelect(row), style: { cursor: 'pointer', background: row.id === selected ? '#e6f4ff' : undefined } })}
        columns={[
          { title: t('plan.metric'), key: 'metric', render: (_, n) => label('metric', n.metric) },
          { title: t('plan.targetPeriod'), key: 'period', render: (_, n) => n.period.label },
          { title: t('plan.scope'), key: 'scope', render: (_, n) => scopeOf(n) },
          { title: t('plan.value'), key: 'value', align: 'right', render: (_, n) => <span data-testid="target-value">{format.metric(n.metric, n.value)}</span> },
          { title: t('plan.split'), key: 'split', render: (_, n) => (n.splitBy ? <Tag>{t(`plan.by.${n.splitBy}`)} · {t(`plan.method.${n.method ?? 'even'}`)}</Tag> : null) },
          ...(can('write') ? [{
            title: '', key: 'actions', align: 'right' as const,
            render: (_: unknown, n: TargetNode) => (
              <Popconfirm title={t('plan.deleteTarget')} onConfirm={() => remove.mutate(n.id)} okText={t('app.delete')} cancelText={t('app.cancel')}>
                <Button size="small" type="text" danger onClick={(e) => e.stopPropagation()}>{t('app.delete')}</Button>
              </Popconfirm>
            ),
          }] : []),
        ]}
      />
      {remove.isError && <ApiErrorAlert error={remove.error} />}
      {failing.length > 0
        ? <Alert type="warning" showIcon message={t('plan.checks')} description={<ul style={{ margin: 0, paddingLeft: 18 }}>{failing.map((c) => <li key={`${c.targetId}-${c.kind}`}>{text(c.text, c.message)}</li>)}</ul>} />
        : plan.targets.length > 0 && <Alert type="success" showIcon message={t('plan.checksOk')} />}
    </Space>
  );
}
