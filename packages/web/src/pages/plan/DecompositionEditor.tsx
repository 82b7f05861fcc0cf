import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Radio, Select, Space, Table, Typography } from 'antd';
import { channels, metricCatalog, platforms, type DecomposeResult, type DecompositionMethod, type SplitKind, type Target } from '@flywheel/contracts';
import { api } from '../../api/client';
import { planningKeys } from '../../api/planning';
import { useCurrentSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { childPeriodLabels, fromInputValue } from '../../format/planValues';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { ValueInput } from './ValueInput';

const timeRank = { week: 1, month: 2, quarter: 3, year: 4, custom: 5 } as const;

/** The splits that make sense for a target: shorter periods than its own, and dimensions it is not already scoped to. */
export function splitOptions(target: Target): SplitKind[] {
  const rank = timeRank[target.period.grain];
  const time = (['quarter', 'month', 'week'] as const).filter((by) => timeRank[by] < rank);
  const dims = target.dimension ? [] : (['channel', 'category', 'platform'] as const);
  return [...time, ...dims];
}

/**
 * Split a target even, seasonal (the shop's last year) or manual. Manual values are checked as they
 * are typed: children of an additive metric (sales, orders, UV …) must add up to the parent exactly.
 */
export function DecompositionEditor({ planId, target }: { planId: string; target: Target }) {
  const { t, label, valueLabel, text } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const queryClient = useQueryClient();
  const options = splitOptions(target);
  const [by, setBy] = useState<SplitKind | undefined>(options[0]);
  const [method, setMethod] = useState<DecompositionMethod>('seasonal');
  const [keys, setKeys] = useState<string[]>([]);
  const [manual, setManual] = useState<Record<string, number | null>>({});
  useEffect(() => { setBy(splitOptions(target)[0]); setManual({}); setKeys([]); }, [target]);

  const isTime = by === 'quarter' || by === 'month' || by === 'week';
  const childKeys = useMemo(() => (by && isTime ? childPeriodLabels(target.period, by) : keys), [by, isTime, keys, target.period]);
  // Money and counts that sum (not 客单价, AOV or CAC, which are ratios): the children must add up to the parent.
  const additive = metricCatalog[target.metric].additive;
  const manualValues = childKeys.map((k) => (manual[k] === null || manual[k] === undefined ? null : fromInputValue(target.metric, manual[k]!, format.currency)));
  const manualComplete = manualValues.every((v) => v !== null);
  const sum = manualValues.reduce<number>((a, v) => a + (v ?? 0), 0);
  const off = additive && manualComplete ? sum - target.value : 0;

  const run = useMutation({
    mutationFn: () => api<DecomposeResult>(`/v1/plans/${planId}/targets/${target.id}/decompose`, {
      method: 'POST',
      body: {
        by, method,
        ...(!isTime && keys.length ? { keys } : {}),
        ...(method === 'manual' ? { values: childKeys.map((key, i) => ({ key, value: manualValues[i] ?? 0 })) } : {}),
      },
    }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: planningKeys.plan(shopId, planId) }),
  });

  if (!by) return null;
  const keyChoices: { value: string; label: string }[] = by === 'channel' ? channels.map((c) => ({ value: c, label: label('channel', c) })) : by === 'platform' ? platforms.map((p) => ({ value: p, label: label('platform', p) })) : [];
  const manualBlocked = method === 'manual' && (by === 'week' || !manualComplete || childKeys.length === 0 || off !== 0);

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="decomposition-editor">
      <Space wrap>
        <Typography.Text>{t('plan.by')}</Typography.Text>
        <Select<SplitKind> style={{ width: 110 }} value={by} onChange={(v) => { setBy(v); setKeys([]); setManual({}); }} options={options.map((o) => ({ value: o, label: t(`plan.by.${o}`) }))} />
        <Typography.Text>{t('plan.method')}</Typography.Text>
        <Radio.Group value={method} onChange={(e) => setMethod(e.target.value)} optionType="button" options={(['even', 'seasonal', 'manual'] as const).map((m) => ({ value: m, label: t(`plan.method.${m}`) }))} />
      </Space>
      {!isTime && (
        <Space wrap>
          <Typography.Text>{t('plan.keys')}</Typography.Text>
          <Select mode="tags" style={{ minWidth: 320 }} value={keys} onChange={setKeys} options={keyChoices} placeholder={t('plan.keysHint')} />
        </Space>
      )}
      {method === 'manual' && by === 'week' && <Alert type="info" showIcon message={t('plan.manualWeek')} />}
      {method === 'manual' && by !== 'week' && childKeys.length > 0 && (
        <>
          <Table size="small" rowKey={(k) => k} pagination={false} dataSource={childKeys} columns={[
            { title: t('plan.targetPeriod'), key: 'key', render: (_, k) => (by === 'channel' || by === 'platform' ? valueLabel(by, k) : k) },
            { title: t('plan.value'), key: 'value', render: (_, k) => <ValueInput metric={target.metric} value={manual[k]} onChange={(v) => setManual({ ...manual, [k]: v })} status={manual[k] === null || manual[k] === undefined ? 'error' : undefined} /> },
          ]} />
          {additive && manualComplete && (
            <Alert
              data-testid="manual-check"
              type={off === 0 ? 'success' : 'error'}
              showIcon
              message={t('plan.manualSum', { sum: format.metric(target.metric, sum), parent: format.metric(target.metric, target.value) })}
              description={off === 0 ? t('plan.manualOk') : t('plan.manualOff', { diff: format.metric(target.metric, Math.abs(off)) })}
            />
          )}
        </>
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('plan.replaces')}</Typography.Text>
      <Button type="primary" data-testid="decompose-run" loading={run.isPending} disabled={manualBlocked} onClick={() => run.mutate()}>{t('plan.run')}</Button>
      {run.isError && <ApiErrorAlert error={run.error} />}
      {run.data && (
        <Alert
          type="success"
          showIcon
          message={t('plan.decomposed', { n: run.data.children.length, method: t(`plan.method.${run.data.method}`) })}
          description={[run.data.basis ? t('plan.basis', { from: run.data.basis.from, to: run.data.basis.to }) : null, text(run.data.noteText, run.data.note ?? '')].filter(Boolean).join(' · ') || undefined}
        />
      )}
    </Space>
  );
}
