import type { LifecycleSettings, LifecycleStage } from '@flywheel/contracts';

/**
 * A customer's purchases as of a date, in whole local days: `daysSinceFirst` and `daysSinceLast` are
 * the days from the local date of the first / last purchase (a paid order not fully refunded) to
 * asOf, 0 for a purchase on asOf itself. Null: no purchase ever.
 */
export interface PurchaseDays { daysSinceFirst: number; daysSinceLast: number }

/**
 * The lifecycle stage (PRODUCT.md, row 9). A day count N takes in asOf and the N days before it, so
 * with the defaults (30 / 90 / 180): new = first purchase 0-30 days ago; active = last purchase 0-90
 * days ago (and not new); dormant (沉睡) = 91-180; churned (流失) = more than 180; prospect = none.
 */
export function lifecycleStage(days: PurchaseDays | null, settings: LifecycleSettings): LifecycleStage {
  if (days === null) return 'prospect';
  if (days.daysSinceFirst <= settings.newDays) return 'new';
  if (days.daysSinceLast <= settings.activeDays) return 'active';
  if (days.daysSinceLast <= settings.dormantDays) return 'dormant';
  return 'churned';
}

/**
 * The same rule as an SQL expression over two integer columns (null when there is no purchase), for
 * the analytics store. The day counts are bound parameters `$new_days`, `$active_days`, `$dormant_days`
 * (see `lifecycleParams`). Tested against `lifecycleStage` on the same inputs.
 */
export function lifecycleSql(daysSinceFirst: string, daysSinceLast: string): string {
  return `(case when ${daysSinceLast} is null then 'prospect'
    when ${daysSinceFirst} <= $new_days then 'new'
    when ${daysSinceLast} <= $active_days then 'active'
    when ${daysSinceLast} <= $dormant_days then 'dormant'
    else 'churned' end)`;
}

export function lifecycleParams(settings: LifecycleSettings) {
  return { new_days: settings.newDays, active_days: settings.activeDays, dormant_days: settings.dormantDays };
}
