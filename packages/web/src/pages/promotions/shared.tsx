import { InputNumber, Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import type { CouponDiscount, Promotion, PromotionState } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useCurrentSession } from '../../api/session';
import { minorDigits } from '../../format/numbers';
import { useFormat, type Format } from '../../format/useFormat';
import type { Translate } from '../../i18n/i18n';

/** Money typed in 元 (the currency's major unit, with its digits), kept in minor units. */
export function MoneyInput({ value, onChange, width = 140, id, placeholder, status }: { value: number | null; onChange: (v: number | null) => void; width?: number; id?: string; placeholder?: string; status?: 'error' }) {
  const { currency } = useFormat();
  const digits = minorDigits(currency);
  return (
    <InputNumber id={id} data-testid={id} style={{ width }} min={0} precision={digits} placeholder={placeholder} status={status}
      value={value === null ? null : value / 10 ** digits}
      onChange={(v) => onChange(v === null || v === undefined ? null : Math.round(Number(v) * 10 ** digits))} />
  );
}

/** Free tags (SKUs, categories, tiers): typed and confirmed with Enter. */
export function TagsInput({ value, onChange, placeholder, testId }: { value: string[]; onChange: (v: string[]) => void; placeholder?: string; testId?: string }) {
  return <Select mode="tags" data-testid={testId} style={{ width: '100%' }} value={value} onChange={(v: string[]) => onChange(v.map((s) => s.trim()).filter(Boolean))} placeholder={placeholder} tokenSeparators={[',', '，']} open={false} />;
}

export const stateColours: Record<PromotionState, string> = { draft: 'default', scheduled: 'blue', live: 'green', ended: 'default', paused: 'orange' };

/** 10 -> 9折 / 10% off. */
export function percentText(t: Translate, percentOff: number): string {
  return t('promotions.summary.percent', { zhe: String(Number(((100 - percentOff) / 10).toFixed(3))), percent: String(percentOff) });
}

/** Money without .00 when it has no minor units: ¥20, ¥12.50. */
export function shortMoney(format: Format, minor: number): string {
  return format.money(minor, { whole: minor % 10 ** minorDigits(format.currency) === 0 });
}

/** A rule in a line people read: 满¥200减¥20, 3件¥99, 满¥300赠 旅行装 ×1. */
export function ruleSummary(p: Pick<Promotion, 'kind' | 'rule'>, t: Translate, format: Format): string {
  const rule = p.rule as Record<string, unknown>;
  const money = (v: unknown) => shortMoney(format, Number(v));
  switch (p.kind) {
    case 'threshold': {
      const tiers = (rule.tiers as Record<string, number | boolean>[]) ?? [];
      const min = (v: unknown) => (rule.basis === 'quantity' ? t('promotions.summary.units', { n: Number(v) }) : money(v));
      return tiers.map((tier) => {
        if ('freeShipping' in tier) return t('promotions.summary.threshold_free', { min: min(tier.min) });
        if ('percentOff' in tier) return t('promotions.summary.threshold_percent', { min: min(tier.min), percent: percentText(t, Number(tier.percentOff)) });
        return t(rule.repeat ? 'promotions.summary.repeat' : 'promotions.summary.threshold_off', { min: min(tier.min), off: money(tier.off) });
      }).join(t('app.listSeparator'));
    }
    case 'timed_discount':
      return 'percentOff' in rule ? t('promotions.summary.timed_percent', { percent: percentText(t, Number(rule.percentOff)) }) : t('promotions.summary.timed_prices', { count: Object.keys(rule.prices as object).length });
    case 'member_price':
      return rule.tiers ? t('promotions.summary.member_custom', { tiers: Object.entries(rule.tiers as Record<string, number>).map(([tier, pct]) => `${tier} ${percentText(t, pct)}`).join(t('app.listSeparator')) }) : t('promotions.summary.member_tier');
    case 'bundle':
      return 'off' in rule ? t('promotions.summary.bundle_off', { quantity: Number(rule.quantity), off: money(rule.off) }) : t('promotions.summary.bundle_price', { quantity: Number(rule.quantity), price: money(rule.price) });
    case 'gift': {
      const tiers = (rule.tiers as { min: number; gift: { sku: string; quantity: number } }[]) ?? [];
      return tiers.map((tier) => t('promotions.summary.gift', { min: rule.basis === 'quantity' ? t('promotions.summary.units', { n: tier.min }) : money(tier.min), gift: tier.gift.sku, quantity: tier.gift.quantity })).join(t('app.listSeparator'));
    }
  }
}

export function couponDiscountText(d: CouponDiscount, t: Translate, format: Format): string {
  if ('off' in d) return t('promotions.coupons.discountOff', { off: shortMoney(format, d.off) });
  const percent = percentText(t, d.percentOff);
  return d.maxOff ? t('promotions.coupons.discountCap', { percent, maxOff: shortMoney(format, d.maxOff) }) : percent;
}

/** The shop's promotions, shared by the list, the simulator (names of sources) and the report. */
export function usePromotions() {
  const { shopId } = useCurrentSession();
  return useQuery({ queryKey: [shopId, 'promotions'], queryFn: () => api<{ promotions: Promotion[] }>('/v1/promotions') });
}
