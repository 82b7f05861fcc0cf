import type { MetricName, ReviewReport } from '@flywheel/contracts';
import { count, metricValue, money, pct, signedPct } from '../format';

/** The 复盘 report as Markdown: the same sections as the HTML, tables instead of charts. */

const cell = (s: string | number) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

export function periodLine(r: ReviewReport): string {
  const inProgress = r.measured.to < r.period.to
    ? ` · in progress: measured ${r.measured.from} – ${r.measured.to}, targets pro-rated along last year's curve (sales ${pct(r.targetShare)})`
    : '';
  return `Period ${r.period.from} – ${r.period.to} (to exclusive, ${r.timezone}) · compared with ${r.previous.from} – ${r.previous.to} · plan: ${r.plan ? `${r.plan.name} (${r.plan.id})` : 'none'}${inProgress}`;
}

export function headline(r: ReviewReport): string {
  const v = r.salesVariance;
  const against = v.baseline === 'target' ? 'target' : 'previous period';
  const reached = v.target > 0 ? ` (${pct(v.actual / v.target)} of ${against})` : '';
  return `Sales ${money(v.actual, r.currency)} against ${against} ${money(v.target, r.currency)}: gap ${v.gap >= 0 ? '+' : ''}${money(v.gap, r.currency)}${reached}.`;
}

export function renderMarkdown(r: ReviewReport): string {
  const c = r.currency;
  const v = r.salesVariance;
  const out: string[] = [];
  out.push(`# 复盘 Review: ${r.shopName} — ${r.period.label}`, '', periodLine(r), '', `**${headline(r)}**`, '');

  out.push('## KPIs 指标: target vs actual', '');
  out.push(table(['Metric', 'Target', 'Actual', 'Gap', 'Attainment', 'Previous', 'Change', 'Target from'], r.kpis.map((k) => [
    `${k.metric} · ${k.label}`, metricValue(k.metric, k.target, c), metricValue(k.metric, k.actual, c),
    k.gap === null ? '–' : metricValue(k.metric, k.gap, c), pct(k.attainment), metricValue(k.metric, k.previous, c), signedPct(k.changePct), k.targetSource ?? '–',
  ])), '');

  out.push('## Sales gap by driver 差距拆解', '');
  out.push(table(['Driver', v.baseline === 'target' ? 'Target' : 'Previous', 'Actual', 'Effect on sales'], [
    ['UV 访客数', count(v.drivers.uv.target), count(v.drivers.uv.actual), money(v.uvEffect, c)],
    ['Conversion 支付转化率', pct(v.drivers.conversionRate.target, 2), pct(v.drivers.conversionRate.actual, 2), money(v.conversionEffect, c)],
    ['客单价 per buyer', money(v.drivers.perCustomerSpend.target === null ? null : Math.round(v.drivers.perCustomerSpend.target), c), money(v.drivers.perCustomerSpend.actual === null ? null : Math.round(v.drivers.perCustomerSpend.actual), c), money(v.perCustomerSpendEffect, c)],
    ['**Gap 差距**', money(v.target, c), money(v.actual, c), `**${money(v.gap, c)}**`],
  ]), '');
  out.push(`Method: ${v.method}.${v.note ? ` Note: ${v.note}.` : ''}`, '');

  for (const [title, gap] of [['Gap by channel 渠道', r.gapByChannel], ['Gap by category 类目', r.gapByCategory]] as const) {
    out.push(`## ${title}`, '', `Target from: ${gap.targetSource ?? 'no target for this split'}`, '');
    out.push(gap.rows.length ? table(['Key', 'Target', 'Actual', 'Gap', 'Previous', 'Change'], gap.rows.map((x) => [x.key, money(x.target, c), money(x.actual, c), money(x.gap, c), money(x.previous, c), signedPct(x.changePct)])) : '_No sales._', '');
  }

  out.push('## Top movers 变化最大 (vs previous period)', '');
  out.push(r.topMovers.length ? table(['Dimension', 'Key', 'Metric', 'Current', 'Previous', 'Change'], r.topMovers.map((x) => {
    const metric = x.metric as MetricName;
    return [x.dimension, x.key, x.metric, metricValue(metric, x.current, c), metricValue(metric, x.previous, c), `${metric === 'conversion_rate' ? '' : `${money(x.change, c)} / `}${signedPct(x.changePct)}`];
  })) : '_Nothing moved._', '');

  out.push('## ROI 投入产出', '');
  for (const [title, rows] of [['Channels 渠道', r.roi.channels], ['Campaigns 活动', r.roi.campaigns]] as const) {
    out.push(`### ${title}`, '');
    out.push(rows.length ? table(['Key', 'Spend', 'Sales', 'ROAS', 'Floor', 'New buyers', 'CAC', 'Budget'], rows.map((x) => [
      x.key, money(x.spend, c), money(x.sales, c), x.roas === null ? '–' : x.roas.toFixed(2), x.roasFloor.toFixed(2), count(x.newBuyers), money(x.cac, c), money(x.budget, c),
    ])) : '_No spend._', '');
  }

  out.push('## Risks 风险', '');
  out.push(r.risks.length ? r.risks.map((x) => `- **${x.severity}** ${x.message}`).join('\n') : '- None found.', '');
  out.push('## Next actions 下一步', '');
  out.push(r.nextActions.map((a, i) => `${i + 1}. ${a.action} — because ${a.because}`).join('\n'), '');
  return out.join('\n');
}
