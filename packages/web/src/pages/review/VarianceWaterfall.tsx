import { useMemo } from 'react';
import type { ReviewReport } from '@flywheel/contracts';
import { EChart } from '../../charts/EChart';
import { axisFormatter } from '../../charts/options';
import { toMajor } from '../../format/numbers';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { html } from '../../charts/html';

/**
 * The sales gap as a waterfall: from the baseline (target or previous period) through the effect of
 * traffic, conversion and 客单价 to the actual. A transparent base bar lifts each step to where the last ended.
 */
export function VarianceWaterfall({ variance }: { variance: ReviewReport['salesVariance'] }) {
  const { t, label } = useI18n();
  const format = useFormat();
  const option = useMemo(() => {
    const steps = [
      { name: label('metric', 'uv'), delta: variance.uvEffect },
      { name: label('metric', 'conversion_rate'), delta: variance.conversionEffect },
      { name: label('metric', 'per_customer_spend'), delta: variance.perCustomerSpendEffect },
    ];
    const base: number[] = [0];
    const up: (number | string)[] = [variance.target];
    const down: (number | string)[] = ['-'];
    let level = variance.target;
    for (const s of steps) {
      const next = level + s.delta;
      base.push(Math.min(level, next));
      up.push(s.delta >= 0 ? s.delta : '-');
      down.push(s.delta < 0 ? -s.delta : '-');
      level = next;
    }
    base.push(0);
    up.push(variance.actual);
    down.push('-');
    const major = (v: number | string) => (typeof v === 'number' ? toMajor(v, format.currency) : v);
    const names = [t('review.effect.start'), ...steps.map((s) => s.name), t('review.effect.end')];
    const deltas = [variance.target, ...steps.map((s) => s.delta), variance.actual];
    const signed = (minor: number) => `${minor > 0 ? '+' : ''}${format.money(minor, { compact: true })}`;
    // Every bar says its amount: the totals as they are, the drivers' effects with their sign.
    const barLabel = (i: number) => (i === 0 || i === names.length - 1 ? format.money(deltas[i], { compact: true }) : signed(deltas[i]));
    const rise = format.changeColour('sales', 1);
    const fall = format.changeColour('sales', -1);
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (p: { dataIndex: number }[]) => html`${names[p[0].dataIndex]}: <b>${(p[0].dataIndex > 0 && p[0].dataIndex < names.length - 1 && deltas[p[0].dataIndex] > 0 ? '+' : '')}${format.money(deltas[p[0].dataIndex])}</b>` },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      // Every step named, wrapped rather than dropped or cut.
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0, width: 96, overflow: 'break', lineHeight: 14 } },
      yAxis: { type: 'value', axisLabel: { formatter: axisFormatter('sales', format) } },
      series: [
        { type: 'bar', stack: 'w', silent: true, itemStyle: { color: 'transparent' }, data: base.map(major) },
        {
          type: 'bar', stack: 'w', itemStyle: { color: rise },
          label: { show: true, position: 'top', formatter: (p: { dataIndex: number }) => barLabel(p.dataIndex) },
          data: up.map((v, i) => (i === 0 || i === up.length - 1 ? { value: major(v), itemStyle: { color: '#1677ff' } } : major(v))),
        },
        { type: 'bar', stack: 'w', itemStyle: { color: fall }, label: { show: true, position: 'bottom', formatter: (p: { dataIndex: number }) => barLabel(p.dataIndex) }, data: down.map(major) },
      ],
    };
  }, [variance, format, t, label]);
  return <EChart name="variance" option={option} height={300} />;
}
