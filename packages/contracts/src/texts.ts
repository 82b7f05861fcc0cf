import { z } from 'zod';
import { EMPTY, formatCount, formatMetric, formatMoney, formatMultiple, minorDigits } from './format';
import { channelLabel, dimensionLabel } from './labels';
import { DEFAULT_LOCALE, metricLabel, type Locale } from './metric-catalog';

/**
 * Texts the server writes for people (alerts, the 复盘's risks and next actions, the report itself),
 * kept as a message key and its values and rendered in the reader's language, by the server (the
 * report, the `message` of alerts in zh-CN) and by the console alike, from the one catalog below.
 *
 * A template's placeholders:
 *   {name}          the value as it is (a period label, a date, a campaign name)
 *   {name:money}    minor units of `values.currency` (CNY when absent); signedMoney adds a + to gains; moneyShort drops .00
 *   {name:percentOff} a percentage off: 9折 / 10% off
 *   {name:percent1} a ratio as a percentage with 1 decimal (percent0, percent2 ...); signedPercent0 with its sign
 *   {name:count}    a count; {name:multiple} a ROAS (2.14); {name:decimal1} a number with 1 decimal
 *   {name:metric}   a value of the metric named by `values.<name>Metric`, else `values.metric`, formatted as that metric is
 *   {name:label}    the catalog label of the metric the value names; {@sales} the catalog label of sales
 *   {name:channel}  a channel id, {name:dimension} a dimension id, by their names in labels.ts
 *   {name:text}     another text of this catalog, named by the value, rendered with the same values
 * In English a metric label inside a sentence starts lower case (sales, ROAS); at its start it keeps its capital.
 */

export const textValue = z.union([z.string(), z.number(), z.null()]);
export const localizedText = z.object({ key: z.string(), values: z.record(z.string(), textValue) });
export type TextValues = Record<string, string | number | null>;
export interface LocalizedText { key: string; values: TextValues }

type Templates = Record<string, Readonly<Record<Locale, string>>>;

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

const phrases = {
  'phrase.none': t('', ''),
  /** A text stored before texts had keys: its message as it was written. */
  'phrase.message': t('{message}', '{message}'),
  'baseline.target': t('目标', 'the target'),
  'baseline.previous_period': t('上期', 'the previous period'),
  'direction.up': t('高于', 'above'),
  'direction.down': t('低于', 'below'),
  'scope.channel': t('渠道 {channel:channel}', 'channel {channel:channel}'),
  'scope.campaign': t('活动 {campaign}（{channel:channel}）', 'campaign {campaign} ({channel:channel})'),
  'scope.target': t('{metric:label} {period}', '{metric:label} {period}'),
  'scope.target_dimension': t('{metric:label} {period}（{dimension:dimension} {dimensionValue}）', '{metric:label} {period} ({dimension:dimension} {dimensionValue})'),
  'severity.critical': t('严重', 'critical'),
  'severity.warning': t('警告', 'warning'),
  'severity.info': t('提示', 'info'),
} as const satisfies Templates;

/** Alert messages, by alert kind (and the variant of its condition). */
const alerts = {
  'alert.target_off_track': t(
    '{scope:text} 进度落后：预测 {forecast:metric}，目标 {target:metric}（{attainment:percent0}）',
    '{scope:text} is off track: forecast {forecast:metric} against a target of {target:metric} ({attainment:percent0})',
  ),
  'alert.roas_below_floor': t(
    '{scope:text} 本月至今{@roas}为 {roas:multiple}，低于底线 {floor:multiple}（{@spend} {spend:money}，{@sales} {sales:money}）',
    '{@roas} of {scope:text} is {roas:multiple} month to date, under its floor of {floor:multiple} ({@spend} {spend:money}, {@sales} {sales:money})',
  ),
  'alert.cac_above_ceiling': t(
    '{scope:text} 本月至今{@cac}为 {cac:money}，超过上限 {ceiling:money}',
    '{@cac} of {scope:text} is {cac:money} month to date, over its ceiling of {ceiling:money}',
  ),
  'alert.cac_no_new_buyers': t(
    '{scope:text} 本月至今{@spend} {spend:money}，没有带来新买家（{@cac}上限 {ceiling:money}）',
    '{scope:text} spent {spend:money} month to date and brought no new buyers ({@cac} ceiling {ceiling:money})',
  ),
  'alert.channel_concentration': t(
    '近 {days} 天 {share:percent1} 的{@sessions}来自 {channel:channel}（上限 {max:percent0}）：单一流量依赖',
    '{channel:channel} carries {share:percent1} of {@sessions} over the last {days} days (more than {max:percent0}): a single-channel dependency',
  ),
  'alert.kpi_anomaly': t(
    '{metric:label} {date} 为 {value:metric}，{direction:text}近 {days} 天水平 {mean:metric} {z:decimal1}σ',
    '{metric:label} on {date} was {value:metric}, {z:decimal1}σ {direction:text} its {days}-day level of {mean:metric}',
  ),
} as const satisfies Templates;

/** Risks of a 复盘. */
const risks = {
  'risk.sales_gap': t('{@sales}比{against:text}少 {shortfall:money}{reached:text}', '{@sales} are {shortfall:money} short of {against:text}{reached:text}'),
  'risk.sales_gap.reached': t('（达成 {attainment:percent1}）', ' ({attainment:percent1} reached)'),
  'risk.roas_below_floor': t('{channel:channel} 的{@roas}为 {roas:multiple}，低于底线 {floor:multiple}', '{@roas} of {channel:channel} is {roas:multiple}, under its floor of {floor:multiple}'),
  'risk.over_budget': t('{channel:channel} 已花费 {spend:money}，为预算 {budget:money} 的 {share:percent0}', '{channel:channel} spent {spend:money}, {share:percent0} of its budget of {budget:money}'),
  'risk.channel_concentration': t(
    '{share:percent1} 的{@sessions}来自 {channel:channel}（上限 {max:percent0}）：单一流量依赖',
    '{channel:channel} carries {share:percent1} of {@sessions} (limit {max:percent0}): a single-channel dependency',
  ),
  'risk.kpi_short': t('{metric:label}为 {actual:metric}，目标 {target:metric}', '{metric:label} is {actual:metric} against a target of {target:metric}'),
  'risk.refunds_up': t('{@refund_rate}上升 {change:signedPercent0}，达到 {rate:percent1}', '{@refund_rate} rose {change:signedPercent0} to {rate:percent1}'),
  'risk.target_off_track': t('{scope:text} 进度落后：预测 {forecast:metric}，目标 {target:metric}', '{scope:text} is off track: forecast {forecast:metric} against a target of {target:metric}'),
} as const satisfies Templates;

/** Next actions of a 复盘 (`action.*`) and why (`because.*`). */
const actions = {
  'action.add_traffic': t('增加流量：给{@roas}高于底线的渠道加预算，安排达人和私域推送', 'Add traffic: raise budgets on the channels above their {@roas} floor, schedule KOL and private-domain pushes'),
  'because.traffic': t('流量比{against:text}少带来 {cost:money}{short:text}', 'traffic cost {cost:money} against {against:text}{short:text}'),
  'because.traffic.short': t('（{@uv}比计划少 {fewer:count}）', ' ({fewer:count} visitors fewer than planned)'),
  'action.conversion': t('提升转化：优化热销商品的详情页和评价，购物车催付，减少结算阻力', 'Work on conversion: detail pages and reviews of the top sellers, cart-abandonment reminders, checkout friction'),
  'because.conversion': t('{@conversion_rate}让销售少了 {cost:money}（{actual:percent2}，目标 {target:percent2}）', 'conversion cost {cost:money} ({actual:percent2} against {target:percent2})'),
  'action.per_customer_spend': t(
    '提升{@per_customer_spend}：组合套装（3件套立减）、略高于当前{@per_customer_spend}的满减档位、加购推荐',
    'Raise {@per_customer_spend}: bundles (3 for less), spend thresholds just above today\'s spend per buyer, add-on recommendations',
  ),
  'because.per_customer_spend': t('{@per_customer_spend}让销售少了 {cost:money}（{actual:money}，目标 {target:money}）', 'the {@per_customer_spend} cost {cost:money} ({actual:money} against {target:money})'),
  'action.channel_conversion': t('检查 {channel:channel} 的落地页和出价', 'Review landing pages and bids of {channel:channel}'),
  'because.channel_conversion': t('{channel:channel} 的{@conversion_rate}下降 {drop:percent0}（{previous:percent2} → {current:percent2}）', 'conversion of {channel:channel} fell {drop:percent0} ({previous:percent2} -> {current:percent2})'),
  'action.cut_bids': t('降低出价或暂停 {channel:channel} 最弱的推广计划，并更新素材', 'Cut bids or pause the weakest {channel:channel} campaigns and refresh their creatives'),
  'action.cut_bids_move': t(
    '降低出价或暂停 {channel:channel} 最弱的推广计划，并更新素材；把预算转到 {best:channel}（{@roas} {bestRoas:multiple}）',
    'Cut bids or pause the weakest {channel:channel} campaigns and refresh their creatives; move budget to {best:channel} ({@roas} {bestRoas:multiple})',
  ),
  'because.roas_under_floor': t('{channel:channel} 的{@roas}为 {roas:multiple}，{@spend} {spend:money}（底线 {floor:multiple}）', '{@roas} of {channel:channel} is {roas:multiple} on {spend:money} of spend (floor {floor:multiple})'),
  'action.cap_spend': t('限制 {channel:channel} 的每日花费，或批准追加预算', 'Cap daily spend of {channel:channel} or approve the extra budget'),
  'because.over_budget': t('{channel:channel} 超出预算 {over:percent0}', '{channel:channel} is {over:percent0} over budget'),
  'action.diversify': t('分散流量，降低对 {channel:channel} 的依赖：建设搜索、私域和社交来源', 'Diversify traffic away from {channel:channel}: build search, private-domain and social sources'),
  'because.channel_share': t('{share:percent1} 的{@sessions}来自 {channel:channel}', '{channel:channel} carries {share:percent1} of {@sessions}'),
  'action.repurchase': t('提升复购：会员权益、召回沉睡买家、补货提醒', 'Lift repurchase: member benefits, recall dormant buyers, replenishment reminders'),
  'because.repurchase': t('{@repurchase_rate} {actual:percent1}，目标 {target:percent1}', 'a {@repurchase_rate} of {actual:percent1} against a target of {target:percent1}'),
  'action.new_buyers': t('拉新：首单优惠、邀请得券', 'Win new buyers: first-order offers, referral rewards'),
  'because.new_buyers': t('{@new_buyers} {actual:count}，目标 {target:count}', '{actual:count} new buyers against a target of {target:count}'),
  'action.refunds': t('查看退款最多的商品的退款原因，改进描述、尺码或质量', 'Read the refund reasons of the top-refunded products; fix descriptions, sizing or quality'),
  'because.refunds': t('{@refund_rate} {previous:percent1} → {actual:percent1}', 'the {@refund_rate} went from {previous:percent1} to {actual:percent1}'),
  'action.load_data': t('复盘前先导入店铺的订单、访问和推广花费（批量接口或 flywheel import）', 'Load the shop\'s orders, visits and spend (the batch APIs or flywheel import) before reviewing'),
  'because.no_sales': t('本期和对比基准都没有销售', 'there are no sales in this period nor in its baseline'),
  'action.keep_going': t('保持有效的做法，在超额完成的地方提高下期目标', 'Keep what worked and raise the next period\'s bar where the plan was beaten'),
  'because.beat': t('{@sales}超出{against:text} {gap:money}', 'the {@sales} beat {against:text} by {gap:money}'),
  'action.watch': t('每天关注各驱动指标：差距还没有可单独着手的驱动', 'Watch the drivers daily; the gap has no single driver to act on yet'),
  'because.spread': t('{@sales}比{against:text}少 {shortfall:money}，分散在{@uv}、{@conversion_rate}和{@per_customer_spend}上', 'the {@sales} are {shortfall:money} short of {against:text}, spread over {@uv}, {@conversion_rate} and {@per_customer_spend}'),
} as const satisfies Templates;

/** Notes on the sales variance of a 复盘. */
const notes = {
  'note.no_sales_target': t('计划没有本期的{@sales}目标：以上期为基准', 'the plan has no sales target for this period: the baseline is the previous period'),
  'note.in_progress': t('本期尚未结束：目标取截至 {date} 应完成的 {share:percent1}', 'the period is in progress: the target is the {share:percent1} of it expected by {date}'),
  'note.no_conversion_assumption': t('没有{@conversion_rate}假设：按实际值计', 'no conversion assumption: held at the actual rate'),
  'note.no_per_customer_spend_assumption': t('没有{@per_customer_spend}假设：按实际值计', 'no spend-per-buyer assumption: held at the actual value'),
  'note.no_visitors': t(
    '本期没有记录到访客：{@uv}按目标计，差距由{@conversion_rate}和{@per_customer_spend}解释',
    'no tracked visitors in the period: UV is held at its target and the gap is read through conversion and spend per buyer',
  ),
} as const satisfies Templates;

/** Plan notes: why a split fell back to even, what a ratio's split was checked against, what the driver tree lacks, what the targets say about each other. */
const planNotes = {
  'plan.seasonal.no_history': t('无季节性：店铺去年同期没有数据，因此平均拆分', 'no seasonality: the shop has no history for the same period last year, so the split is even'),
  'plan.seasonal.missing': t('无季节性：去年 {missing} 没有数据，因此平均拆分', 'no seasonality: last year has nothing for {missing}, so the split is even'),
  'plan.seasonal.missing_more': t('无季节性：去年 {missing} 等另外 {more:count} 个周期没有数据，因此平均拆分', 'no seasonality: last year has nothing for {missing} and {more:count} more, so the split is even'),
  'plan.ratio.no_history': t('无季节性：并非每个子项去年都有数据，因此每个子项沿用上级目标的比率', 'no seasonality: the shop has no history for every child last year, so each child keeps the parent ratio'),
  'plan.ratio.checked': t('已通过分子分母校验，权重为{weights:text}', 'checked through its parts, weighted by {weights:text}'),
  'plan.weights.plan': t('计划中的{denominator:label}目标', 'the plan\'s {denominator:label} targets'),
  'plan.weights.last_year': t('去年的{denominator:label}', 'last year\'s {denominator:label}'),
  'plan.weights.equal': t('相同权重', 'equal weights'),
  'plan.drivers.months_seasonal': t('月份按去年的季节性拆分（该目标尚未按月拆分）', 'months split by last year\'s seasonality (the target has no month split yet)'),
  'plan.drivers.months': t('月份：{note:text}', 'months: {note:text}'),
  'plan.drivers.missing': t('没有可依据的{rate:label}（无假设、计划目标或历史）：在驱动树中设置', 'no {rate:label} to build on (no assumption, plan target or history): set it in the driver tree'),
  'plan.check.children_sum': t('按{split:text}拆分的子目标合计 {sum:metric}，上级目标为 {value:metric}：请重新拆分', 'its {split:text} children sum to {sum:metric}, the target is {value:metric}: decompose it again'),
  'plan.check.ratio_agrees': t('{metric:label}与{numerator:label} / {denominator:label}的目标一致', '{metric:label} agrees with the {numerator:label} / {denominator:label} targets'),
  'plan.check.ratio_disagrees': t('{metric:label}为 {value:metric}，但{numerator:label} / {denominator:label}的目标得出 {implied:metric}', '{metric:label} is {value:metric} but the {numerator:label} / {denominator:label} targets give {implied:metric}'),
  'plan.check.ratio_zero': t('{metric:label}为 {value:metric}，但{denominator:label}目标为 0', '{metric:label} is {value:metric} but the {denominator:label} target is 0'),
  'plan.check.implied': t('{given:label} {givenValue:metric}、{metric:label} {value:metric}，意味着{part:label} {implied:metric}', 'with {given:label} {givenValue:metric}, {metric:label} {value:metric} implies {part:label} {implied:metric}'),
  'split.quarter': t('季度', 'quarter'),
  'split.month': t('月', 'month'),
  'split.week': t('周', 'week'),
  'split.channel': t('渠道', 'channel'),
  'split.category': t('类目', 'category'),
  'split.platform': t('平台', 'platform'),
} as const satisfies Templates;

/** Where a 复盘 target comes from (`targetSource`). */
const sources = {
  'source.plan': t('计划目标', 'plan'),
  'source.sum': t('{periods} 目标之和', 'the sum of the {periods} targets'),
  'source.containing': t('{period} 目标', 'the {period} target'),
  'source.share': t('{period} 目标 × {how:text}（{share:percent1}）', 'the {period} target x {how:text} ({share:percent1})'),
  'source.how.days': t('天数占比', 'its share of the days'),
  'source.how.last_year': t('去年占比', 'last year\'s share'),
  'source.expected_by': t('{source:text}，截至 {date} 应完成 {expectedShare:percent1}', '{source:text}, {expectedShare:percent1} of it expected by {date}'),
  'source.split_targets': t('计划中按{dimension:dimension}拆分的目标', 'the plan\'s targets by {dimension:dimension}'),
  'source.split_targets_expected': t('计划中按{dimension:dimension}拆分的目标，截至 {date} 应完成 {expectedShare:percent1}', 'the plan\'s targets by {dimension:dimension}, {expectedShare:percent1} of them expected by {date}'),
  'source.split_last_year': t('{@sales}目标按去年的{dimension:dimension}结构拆分', 'the sales target split by last year\'s {dimension:dimension} mix'),
} as const satisfies Templates;

/** The 复盘 report's own words (Markdown, HTML, PDF and their charts). */
const report = {
  'report.title': t('复盘：{shop} — {period}', 'Review: {shop} — {period}'),
  'report.doc_title': t('复盘 {period} — {shop}', 'Review {period} — {shop}'),
  'report.period_line': t(
    '周期 {period}（{timezone}）· 对比 {previous} · 计划：{plan}{progress:text}',
    'Period {period} ({timezone}) · compared with {previous} · plan: {plan}{progress:text}',
  ),
  'report.no_plan': t('无', 'none'),
  'report.in_progress': t(
    ' · 进行中：已统计 {measured}，目标按去年曲线折算（{@sales} {share:percent1}）',
    ' · in progress: measured {measured}, targets pro-rated along last year\'s curve (sales {share:percent1})',
  ),
  'report.headline': t('{@sales} {actual:money}，{against:text} {target:money}：差距 {gap:signedMoney}{reached:text}。', '{@sales} {actual:money} against {against:text} {target:money}: gap {gap:signedMoney}{reached:text}.'),
  'report.headline.reached': t('（为{against:text}的 {attainment:percent1}）', ' ({attainment:percent1} of {against:text})'),
  'report.kpis': t('指标：目标 vs 实际', 'KPIs: target vs actual'),
  'report.metric': t('指标', 'Metric'),
  'report.target': t('目标', 'Target'),
  'report.actual': t('实际', 'Actual'),
  'report.gap': t('差距', 'Gap'),
  'report.attainment': t('达成率', 'Attainment'),
  'report.previous': t('上期', 'Previous'),
  'report.current': t('本期', 'Current'),
  'report.change': t('环比', 'Change'),
  'report.target_from': t('目标来源', 'Target from'),
  'report.variance': t('{@sales}差距拆解', 'Sales gap by driver'),
  'report.driver': t('驱动', 'Driver'),
  'report.effect': t('对{@sales}的影响', 'Effect on sales'),
  'report.method': t(
    '方法：LMDI-I（对数平均迪氏指数），影响_i = (S1 − S0) / (ln S1 − ln S0) × ln(x1_i / x0_i)，{@sales} = {@uv} × {@conversion_rate} × {@per_customer_spend}；各项影响之和恰好等于差距（按最大余数取整到最小货币单位）；某一驱动为零时取其极限。',
    'Method: LMDI-I (log-mean Divisia index), effect_i = (S1 − S0) / (ln S1 − ln S0) × ln(x1_i / x0_i) over {@sales} = {@uv} × {@conversion_rate} × {@per_customer_spend}; the effects add up exactly to the gap (rounded to the minor unit by largest remainder); a driver that is zero takes the change at the limit.',
  ),
  'report.note': t('说明：{note}。', 'Note: {note}.'),
  'report.by_channel': t('按渠道的差距', 'Gap by channel'),
  'report.by_category': t('按类目的差距', 'Gap by category'),
  'report.split_target_from': t('目标来源：{source}', 'Target from: {source}'),
  'report.no_split_target': t('此拆分没有目标', 'no target for this split'),
  'report.key': t('维度值', 'Key'),
  'report.dimension': t('维度', 'Dimension'),
  'report.appendix': t('附注', 'Notes'),
  'report.generated': t('数据截至 {asOf}，{timezone} 时间。由 Flywheel 生成。', 'Data as of {asOf}, {timezone} time. Made with Flywheel.'),
  'report.highlights': t('本期要点', 'At a glance'),
  'report.no_sales': t('没有销售。', 'No sales.'),
  'report.daily': t('每日{@sales}', 'Daily sales'),
  'report.movers': t('变化最大的项（对比上期）', 'Top movers (vs previous period)'),
  'report.nothing_moved': t('没有变化。', 'Nothing moved.'),
  'report.roi': t('投入产出', 'ROI'),
  'report.channels': t('渠道', 'Channels'),
  'report.campaigns': t('活动', 'Campaigns'),
  'report.floor': t('底线', 'Floor'),
  'report.budget': t('预算', 'Budget'),
  'report.no_spend': t('没有花费。', 'No spend.'),
  'report.promotions': t('促销活动成本', 'Promotion cost'),
  'report.promotion': t('活动', 'Promotion'),
  'report.discount_cost': t('优惠成本', 'Discount cost'),
  'report.sales_per_discount': t('每元优惠带来的销售额', 'Sales per unit of discount'),
  'report.no_promotions': t('这段时间没有订单用到促销活动。', 'No order in this period was priced with a promotion.'),
  'report.risks': t('风险', 'Risks'),
  'report.no_risks': t('未发现。', 'None found.'),
  'report.actions': t('下一步行动', 'Next actions'),
  'report.because': t('原因：{because}', 'because {because}'),
  'report.chart.variance': t('{@sales}差距拆解 (LMDI)', 'Sales gap by driver (LMDI)'),
  'report.chart.attainment': t('目标达成率', 'Target attainment'),
  'report.chart.channels': t('各渠道{@sales}：目标 vs 实际', 'Sales by channel: target vs actual'),
} as const satisfies Templates;

/** Cart pricing's explanations (promotions): hints for what is close, and why something did not apply. */
const promotions = {
  'promotions.hint.threshold_off': t('再买{missing:money} 可减{off:moneyShort}', 'Spend {missing:money} more to save {off:moneyShort}'),
  'promotions.hint.threshold_percent': t('再买{missing:money} 享{percentOff:percentOff}', 'Spend {missing:money} more for {percentOff:percentOff}'),
  'promotions.hint.threshold_quantity_off': t('再买{missingQuantity}件 可减{off:moneyShort}', 'Buy {missingQuantity} more to save {off:moneyShort}'),
  'promotions.hint.threshold_quantity_percent': t('再买{missingQuantity}件 享{percentOff:percentOff}', 'Buy {missingQuantity} more for {percentOff:percentOff}'),
  'promotions.hint.free_shipping': t('再买{missing:money} 可包邮', 'Spend {missing:money} more for free shipping'),
  'promotions.hint.free_shipping_quantity': t('再买{missingQuantity}件 可包邮', 'Buy {missingQuantity} more for free shipping'),
  'promotions.hint.bundle_off': t('再买{missingQuantity}件 享{quantity}件套立减{off:moneyShort}', 'Buy {missingQuantity} more to save {off:moneyShort} on a set of {quantity}'),
  'promotions.hint.bundle_price': t('再买{missingQuantity}件 享{quantity}件{price:moneyShort}', 'Buy {missingQuantity} more: {quantity} for {price:moneyShort}'),
  'promotions.hint.gift': t('再买{missing:money} 可获赠 {gift} ×{giftQuantity}', 'Spend {missing:money} more for a free {gift} ×{giftQuantity}'),
  'promotions.hint.gift_quantity': t('再买{missingQuantity}件 可获赠 {gift} ×{giftQuantity}', 'Buy {missingQuantity} more for a free {gift} ×{giftQuantity}'),
  'promotions.hint.coupon_min_spend': t('再买{missing:money} 可用{name}', 'Spend {missing:money} more to use {name}'),
  'promotions.reason.unknown_sku': t('商品 {sku} 不在商品库中，未计价', 'SKU {sku} is not in the catalogue: left out of the cart'),
  'promotions.reason.not_in_audience': t('{name}：不在活动人群内', '{name}: the customer is not in its audience'),
  'promotions.reason.not_member': t('{name}：该会员等级没有会员价', '{name}: no member price for this customer\'s tier'),
  'promotions.reason.threshold_not_met': t('{name}：未达到门槛', '{name}: the threshold is not met'),
  'promotions.reason.budget_exhausted': t('{name}：预算已用完', '{name}: its budget is used up'),
  'promotions.reason.per_customer_limit': t('{name}：已达每人限用次数', '{name}: the customer has used it as often as allowed'),
  'promotions.reason.better_price': t('{name}：这些商品已有更低的价格', '{name}: a lower price applies to these items'),
  'promotions.reason.better_combination': t('{name}：与更优惠的组合冲突（同一叠加组或互斥）', '{name}: a better combination applies (same stacking group, or exclusive)'),
  'promotions.reason.no_amount_left': t('{name}：没有可再优惠的金额', '{name}: nothing left to discount'),
  'promotions.reason.unknown_coupon': t('优惠券 {code} 不存在', 'coupon {code} does not exist'),
  'promotions.reason.coupon_of_another_customer': t('优惠券 {code} 不属于该顾客', 'coupon {code} belongs to another customer'),
  'promotions.reason.coupon_used': t('优惠券 {code} 已使用', 'coupon {code} has been used'),
  'promotions.reason.coupon_held': t('优惠券 {code} 已被另一笔订单占用', 'coupon {code} is held by another order'),
  'promotions.reason.reservation_unknown': t('没有这个秒杀资格（{name}），商品按原价计算', 'no such flash-sale reservation ({name}); the item is priced without it'),
  'promotions.reason.reservation_of_another_customer': t('秒杀资格（{name}）属于另一位顾客', 'the flash-sale reservation ({name}) belongs to another customer'),
  'promotions.reason.reservation_held': t('秒杀资格（{name}）已用于另一笔订单', 'the flash-sale reservation ({name}) is used by another order'),
  'promotions.reason.reservation_expired': t('秒杀资格（{name}）已过期，请重新抢购', 'the flash-sale reservation ({name}) has expired; reserve again'),
  'promotions.reason.reservation_mismatch': t('秒杀资格（{name}）只适用于抢到的商品和件数（{sku}）', 'the flash-sale reservation ({name}) covers only the SKU and units reserved ({sku})'),
  'promotions.reason.coupon_expired': t('优惠券 {code} 已过期', 'coupon {code} has expired'),
  'promotions.reason.coupon_not_started': t('优惠券 {code} 尚未生效', 'coupon {code} is not valid yet'),
  'promotions.reason.coupon_duplicate': t('优惠券 {code} 重复，只用一次', 'coupon {code} is given twice: used once'),
  'promotions.reason.min_spend_not_met': t('{name}：适用商品未满 {minSpend:money}', '{name}: needs {minSpend:money} spent on its items'),
  'promotions.reason.not_in_scope': t('{name}：购物车中没有适用商品', '{name}: no item of the cart is in its scope'),
  'promotions.reason.guest': t('{name}：游客不能使用', '{name}: not for guests'),
  'promotions.reason.points_unavailable': t('积分抵现不可用', 'points cannot pay for this cart'),
  'promotions.reason.points_insufficient': t('积分不足：可用 {available:count}', 'not enough points: {available:count} available'),
  'promotions.reason.points_capped': t('积分最多抵扣 {maxShare:percent0}：使用 {used:count} 积分', 'points pay at most {maxShare:percent0}: {used:count} points used'),
  'promotions.applied.points': t('积分抵现', 'Points'),
  'promotions.applied.tier_free_shipping': t('{tier} 会员包邮', 'Free shipping for {tier} members'),
} as const satisfies Templates;

/** Every server-produced text, in every language the console speaks. */
export const textTemplates = { ...phrases, ...alerts, ...risks, ...actions, ...notes, ...planNotes, ...sources, ...report, ...promotions } as const satisfies Templates;
export type TextKey = keyof typeof textTemplates;

export const hasText = (key: string): key is TextKey => Object.prototype.hasOwnProperty.call(textTemplates, key);

/** A text of this catalog with its values, as the API carries it. */
export const textOf = (key: TextKey, values: TextValues = {}): LocalizedText => ({ key, values });

/** How the reader names what the server only knows by id: labels.ts unless a reader says otherwise. */
export interface TextLabels {
  channel?(id: string): string;
  dimension?(id: string): string;
}

const PLACEHOLDER = /\{(@?)(\w+)(?::(\w+))?\}/g;
const percentFormats = new Map<string, Intl.NumberFormat>();
function percent(value: number, locale: Locale, digits: number, signed: boolean): string {
  const key = `${locale}|${digits}|${signed}`;
  let format = percentFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: signed ? 'exceptZero' : 'auto' });
    percentFormats.set(key, format);
  }
  return format.format(value);
}

/** In English a label inside a sentence reads lower case (sales, spend per buyer), an acronym stays (ROAS, UV). */
function inSentence(label: string, locale: Locale, atStart: boolean): string {
  if (locale !== 'en' || atStart || !/^[A-Z][a-z]/.test(label)) return label;
  return label[0].toLowerCase() + label.slice(1);
}

function fill(template: string, locale: Locale, values: TextValues, labels: TextLabels, depth: number, atStart: boolean): string {
  return template.replace(PLACEHOLDER, (whole, constant: string, name: string, spec: string | undefined, offset: number) => {
    const first = atStart && offset === 0;
    if (constant) return inSentence(metricLabel(name, locale), locale, first);
    const value = values[name];
    if (value === undefined) return whole;
    if (value === null) return EMPTY;
    const number = Number(value);
    const currency = typeof values.currency === 'string' ? values.currency : 'CNY';
    const digits = spec ? /\d$/.exec(spec)?.[0] : undefined;
    switch (spec?.replace(/\d$/, '')) {
      case undefined: return String(value);
      case 'money': return formatMoney(number, currency, locale);
      // 可减¥20 rather than ¥20.00 when there are no minor units.
      case 'moneyShort': return formatMoney(number, currency, locale, { whole: number % 10 ** minorDigits(currency) === 0 });
      // A percentage off: 9折 in Chinese, 10% off in English.
      case 'percentOff': return locale === 'zh-CN' ? `${Number(((100 - number) / 10).toFixed(3))}折` : `${number}% off`;
      case 'signedMoney': return `${number > 0 ? '+' : ''}${formatMoney(number, currency, locale)}`;
      case 'percent': return percent(number, locale, Number(digits ?? 1), false);
      case 'signedPercent': return percent(number, locale, Number(digits ?? 1), true);
      case 'count': return formatCount(number, locale);
      case 'multiple': return formatMultiple(number, locale);
      case 'decimal': return number.toFixed(Number(digits ?? 1));
      // As the metric `values.<name>Metric` names, else `values.metric`.
      case 'metric': return formatMetric(String(values[`${name}Metric`] ?? values.metric), number, { lang: locale, currency });
      case 'label': return inSentence(metricLabel(String(value), locale), locale, first);
      case 'channel': return labels.channel?.(String(value)) ?? channelLabel(String(value), locale);
      case 'dimension': return labels.dimension?.(String(value)) ?? dimensionLabel(String(value), locale);
      case 'text': return hasText(String(value)) && depth < 3 ? fill(textTemplates[String(value) as TextKey][locale], locale, values, labels, depth + 1, first) : String(value);
      default: return String(value);
    }
  });
}

/**
 * A text in a language: `renderText('zh-CN', alert.text)`. A key this catalog does not know (a text of a
 * newer server) renders as the key itself; readers that have the server's `message` show that instead.
 */
export function renderText(locale: Locale, text: LocalizedText, labels: TextLabels = {}): string {
  if (!hasText(text.key)) return text.key;
  return fill(textTemplates[text.key][locale] ?? textTemplates[text.key][DEFAULT_LOCALE], locale, text.values, labels, 0, true);
}
