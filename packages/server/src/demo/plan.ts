/**
 * The demo shop's plan for the current year (年度经营计划), as an operations manager would have
 * written it: sales (支付金额) by quarter and month, buyers and new buyers by quarter, 复购率 and
 * 客单价 by quarter, and a budget per channel per month with a ROAS floor for the paid ones. Pure: it is built
 * from the shop's own figures (the metric layer's, read by the loader) and the seed, so the same seed
 * gives the same plan; the loader creates it through the planning service.
 *
 * A planner sets next year from this year: a month already done is planned at what it did, a month to
 * come at the same month last year grown by the year's growth, and every target a little above that
 * (8% for sales, the wobble of a real plan around it), so that some months are reached and some are
 * not, the month in progress is paced against its target, and a few budgets and ROAS floors are
 * crossed: the alerts a team would see.
 */
import { addMonths, daysBetween, type BudgetInput, type TargetInput } from '@flywheel/contracts';
import { Rng } from './random';

/** One calendar month of the shop's history, as the metric layer measured it (`to` clipped to the history's end). */
export interface MonthFigures {
  /** YYYY-MM */
  month: string;
  /** Days of the month inside the history, and of the month. */
  daysMeasured: number;
  daysInMonth: number;
  sales: number;
  newBuyers: number;
  /** Marketing spend by channel (minor units). */
  spend: Record<string, number>;
}

/** One quarter's ratios, measured over its days inside the history. */
export interface QuarterFigures {
  /** YYYY-QN */
  quarter: string;
  daysMeasured: number;
  repurchaseRate: number | null;
  perCustomerSpend: number | null;
}

export interface DemoPlanInput {
  seed: number;
  year: number;
  months: readonly MonthFigures[];
  quarters: readonly QuarterFigures[];
}

/** A target split by hand into its children (the planning service's manual decomposition). */
export interface Split {
  metric: TargetInput['metric'];
  /** The parent's period: the year (split by quarter) or a quarter (split by month). */
  parent: string;
  by: 'quarter' | 'month';
  values: { key: string; value: number }[];
}

export interface DemoPlan {
  name: string;
  period: string;
  owner: string;
  note: string;
  targets: TargetInput[];
  splits: Split[];
  budgets: BudgetInput[];
}

/** The ROAS a paid channel must keep (its budget's floor); the others take the shop's default (2.0). */
const ROAS_FLOORS: Record<string, number> = { paid_search: 1.5, paid_social: 1.6, kol: 2, social: 2, private_domain: 3, sms: 3, affiliate: 4 };
/** Budgets are whole hundreds of yuan. */
const BUDGET_ROUNDING = 10_000;

const monthsOf = (year: number) => Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
const quarterOf = (month: string) => `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
const monthBefore = (month: string, n: number) => addMonths(`${month}-01`, -n).slice(0, 7);
const round = (value: number, unit: number) => Math.max(unit, Math.round(value / unit) * unit);
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export function buildDemoPlan(input: DemoPlanInput): DemoPlan {
  const rng = new Rng(input.seed, 'plan');
  const byMonth = new Map(input.months.map((m) => [m.month, m]));
  const complete = (m: MonthFigures | undefined): m is MonthFigures => !!m && m.daysMeasured === m.daysInMonth;
  const months = monthsOf(input.year);

  // The year's growth: months complete this year against the same months last year.
  const pairs = months.map((m) => [byMonth.get(m), byMonth.get(monthBefore(m, 12))] as const).filter(([now, before]) => complete(now) && complete(before));
  const growth = (pick: (m: MonthFigures) => number) => {
    const before = sum(pairs.map(([, b]) => pick(b as MonthFigures)));
    return before > 0 ? Math.min(1.6, Math.max(0.8, sum(pairs.map(([n]) => pick(n as MonthFigures))) / before)) : 1.15;
  };
  const recentDaily = (pick: (m: MonthFigures) => number) => {
    const measured = input.months.filter((m) => m.daysMeasured > 0).slice(-2);
    const days = sum(measured.map((m) => m.daysMeasured));
    return days > 0 ? sum(measured.map(pick)) / days : 0;
  };
  /** What a month is planned on: its own figure when done, last year's grown, or the recent daily rate. */
  const base = (month: string, pick: (m: MonthFigures) => number, yoy: number) => {
    const own = byMonth.get(month);
    if (complete(own)) return pick(own);
    const lastYear = byMonth.get(monthBefore(month, 12));
    if (complete(lastYear)) return pick(lastYear) * yoy;
    return recentDaily(pick) * daysBetween(`${month}-01`, addMonths(`${month}-01`, 1));
  };

  const salesGrowth = growth((m) => m.sales);
  const buyersGrowth = growth((m) => m.newBuyers);
  // Sales: 8% above the base, each month a little more or less ambitious (a plan is not a formula).
  const monthSales = months.map((m) => round(base(m, (f) => f.sales, salesGrowth) * 1.08 * rng.uniform(0.94, 1.1), 100_000));
  const monthNewBuyers = months.map((m) => Math.max(1, Math.round(base(m, (f) => f.newBuyers, buyersGrowth) * 1.1 * rng.uniform(0.95, 1.08))));
  const quarterLabels = [1, 2, 3, 4].map((q) => `${input.year}-Q${q}`);
  const quarterSum = (values: number[]) => quarterLabels.map((label) => sum(values.filter((_, i) => quarterOf(months[i]) === label)));
  const quarterSales = quarterSum(monthSales);
  const quarterNewBuyers = quarterSum(monthNewBuyers);

  // Ratios by quarter: 复购率 two points up on what the quarter did (or the same quarter last year), 客单价 5% up.
  const byQuarter = new Map(input.quarters.map((q) => [q.quarter, q]));
  const ratioBase = (quarter: string, pick: (q: QuarterFigures) => number | null) => {
    const own = byQuarter.get(quarter);
    const lastYear = byQuarter.get(`${Number(quarter.slice(0, 4)) - 1}${quarter.slice(4)}`);
    const measured = [own, lastYear].find((q) => q && q.daysMeasured >= 28 && pick(q) !== null);
    if (measured) return pick(measured) as number;
    const known = input.quarters.map(pick).filter((v): v is number => v !== null);
    return known.length ? sum(known) / known.length : null;
  };
  const repurchase = quarterLabels.map((q) => ratioBase(q, (f) => f.repurchaseRate));
  const perCustomer = quarterLabels.map((q) => ratioBase(q, (f) => f.perCustomerSpend));
  const repurchaseTargets = repurchase.map((r) => (r === null ? 0.15 : Math.round((r + 0.02) * 1000) / 1000));
  // 客单价 comes with the buyers it implies (sales / 客单价), so the plan's ratios agree with their parts
  // and a year's ratio is its quarters' weighted by their buyers, as the planning service checks.
  const quarterBuyers = perCustomer.map((v, i) => Math.max(1, Math.round(quarterSales[i] / (v === null ? 30_000 : v * 1.05 * rng.uniform(0.98, 1.04)))));
  const perCustomerTargets = quarterBuyers.map((buyers, i) => Math.round(quarterSales[i] / buyers));
  const yearBuyers = sum(quarterBuyers);
  const yearRepurchase = Math.round((sum(repurchaseTargets.map((r, i) => r * quarterBuyers[i])) / yearBuyers) * 1e6) / 1e6;

  const year = String(input.year);
  const targets: TargetInput[] = [
    { metric: 'sales', value: sum(monthSales), owner: '运营经理 王敏', note: '全年支付金额：较去年同期增长约 8%，双11 与 618 为重点' },
    { metric: 'buyers', value: yearBuyers, owner: '运营经理 王敏', note: '支付买家数：支付金额 ÷ 客单价' },
    { metric: 'new_buyers', value: sum(monthNewBuyers), owner: '用户增长 李娜', note: '新客：信息流与达人种草拉新，私域承接' },
    { metric: 'repurchase_rate', value: yearRepurchase, owner: '会员运营 陈晨', note: '复购率：会员日与私域社群提频' },
    { metric: 'per_customer_spend', value: Math.round(sum(quarterSales) / yearBuyers), owner: '商品运营 周航', note: '客单价：满减凑单与套装' },
  ];
  const splits: Split[] = [
    { metric: 'sales', parent: year, by: 'quarter', values: quarterLabels.map((key, i) => ({ key, value: quarterSales[i] })) },
    { metric: 'buyers', parent: year, by: 'quarter', values: quarterLabels.map((key, i) => ({ key, value: quarterBuyers[i] })) },
    { metric: 'new_buyers', parent: year, by: 'quarter', values: quarterLabels.map((key, i) => ({ key, value: quarterNewBuyers[i] })) },
    { metric: 'repurchase_rate', parent: year, by: 'quarter', values: quarterLabels.map((key, i) => ({ key, value: repurchaseTargets[i] })) },
    { metric: 'per_customer_spend', parent: year, by: 'quarter', values: quarterLabels.map((key, i) => ({ key, value: perCustomerTargets[i] })) },
    ...quarterLabels.map((quarter): Split => ({
      metric: 'sales', parent: quarter, by: 'month',
      values: months.flatMap((m, i) => (quarterOf(m) === quarter ? [{ key: m, value: monthSales[i] }] : [])),
    })),
  ];

  // Budgets: each channel's month at its planned spend, some tighter than the channel will spend (超支).
  const channels = [...new Set(input.months.flatMap((m) => Object.keys(m.spend)))].sort();
  const budgets: BudgetInput[] = [];
  for (const channel of channels) {
    const spendGrowth = growth((m) => m.spend[channel] ?? 0);
    const tightness = rng.uniform(0.85, 1.15);
    for (const month of months) {
      const planned = base(month, (f) => f.spend[channel] ?? 0, spendGrowth);
      if (planned <= 0) continue;
      const floor = ROAS_FLOORS[channel];
      budgets.push({ month, channel, campaign: '', amount: round(planned * tightness * rng.uniform(0.95, 1.05), BUDGET_ROUNDING), ...(floor ? { roasFloor: floor } : {}) });
    }
  }

  return { name: `${year} 年度经营计划`, period: year, owner: '运营经理 王敏', note: '演示店铺的年度计划：目标按季度、月份拆解，预算按渠道按月', targets, splits, budgets };
}
