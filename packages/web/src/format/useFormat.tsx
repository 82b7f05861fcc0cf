import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { changeColour, type MetricName, type Shop } from '@flywheel/contracts';
import { useI18n } from '../i18n/i18n';
import { formatTimestamp } from './dates';
import { formatChangePct, formatCount, formatMetric, formatMoney, formatMultiple, formatPointChange, formatRatio, minorDigits, displayOf, type FormatOptions, type Lang } from './numbers';

const ShopSettingsContext = createContext<Shop | null>(null);

/** The shell provides the shop once it is loaded; every page below formats with its currency and time zone. */
export function ShopSettingsProvider({ shop, children }: { shop: Shop; children: ReactNode }) {
  return <ShopSettingsContext.Provider value={shop}>{children}</ShopSettingsContext.Provider>;
}

export function useShopSettings(): Shop {
  const shop = useContext(ShopSettingsContext);
  if (!shop) throw new Error('useShopSettings outside ShopSettingsProvider');
  return shop;
}

export interface Format {
  lang: Lang;
  currency: string;
  timezone: string;
  metric(metric: string, value: number | null | undefined, options?: FormatOptions): string;
  /** A comparison in the metric's habit: percentage points for ratios, percent change otherwise. */
  change(metric: string, comparison: { change: number | null; changePct: number | null } | undefined): string;
  money(minor: number | null | undefined, options?: FormatOptions): string;
  /** Money already in major units (chart values), formatted like `money`. */
  moneyFromMajor(major: number | null | undefined, options?: FormatOptions): string;
  count(value: number | null | undefined, options?: FormatOptions): string;
  ratio(value: number | null | undefined): string;
  multiple(value: number | null | undefined): string;
  timestamp(iso: string): string;
  /** The colour of a change of a metric, by the shop's convention (涨红跌绿 unless its settings say otherwise). */
  changeColour(metric: MetricName, change: number | null | undefined): string | undefined;
}

export function useFormat(): Format {
  const { lang } = useI18n();
  const shop = useShopSettings();
  return useMemo<Format>(() => {
    const ctx = { lang, currency: shop.currency };
    return {
      lang, currency: shop.currency, timezone: shop.timezone,
      metric: (metric, value, options) => formatMetric(metric, value, ctx, options),
      change: (metric, comparison) => (displayOf(metric) === 'percent' ? formatPointChange(comparison?.change, lang) : formatChangePct(comparison?.changePct, lang)),
      money: (minor, options) => formatMoney(minor, shop.currency, lang, options),
      moneyFromMajor: (major, options) => formatMoney(major === null || major === undefined ? major : Math.round(major * 10 ** minorDigits(shop.currency)), shop.currency, lang, options),
      count: (value, options) => formatCount(value, lang, options),
      ratio: (value) => formatRatio(value, lang),
      multiple: (value) => formatMultiple(value, lang),
      timestamp: (iso) => formatTimestamp(iso, shop.timezone, lang),
      changeColour: (metric, change) => changeColour(metric, Math.sign(change ?? 0), shop.changeColours),
    };
  }, [lang, shop.currency, shop.timezone, shop.changeColours]);
}
