import type { LocalizedText, NotAppliedCode, PricingAudience, TextKey, TextValues } from '@flywheel/contracts';
import type { Applied, Hint, NotApplied, PricingCustomer } from './types';

/** What a quote says besides its amounts, gathered stage by stage. */
export class Explanation {
  readonly applied: (Applied & { text?: LocalizedText })[] = [];
  readonly notApplied: NotApplied[] = [];
  readonly hints: Hint[] = [];

  constructor(readonly currency: string) {}

  text(key: TextKey, values: TextValues): LocalizedText {
    return { key, values: { currency: this.currency, ...values } };
  }

  refuse(source: string, code: NotAppliedCode, values: TextValues = {}) {
    this.notApplied.push({ source, code, text: this.text(`promotions.reason.${code}` as TextKey, values) });
  }

  hint(source: string, key: TextKey, missing: { amount?: number; quantity?: number }, values: TextValues) {
    this.hints.push({
      source, missingAmount: missing.amount ?? null, missingQuantity: missing.quantity ?? null,
      text: this.text(key, { missing: missing.amount ?? null, missingQuantity: missing.quantity ?? null, ...values }),
    });
  }
}

/** Why a customer is outside an audience, or null when inside (an empty audience is everyone). */
export function audienceRefusal(audience: PricingAudience, customer: PricingCustomer): NotAppliedCode | null {
  const restricted = audience.segment !== undefined || (audience.tiers !== undefined && audience.tiers.length > 0) || audience.newCustomersOnly === true;
  if (!restricted) return null;
  if (customer.id === null) return 'guest';
  if (audience.segment !== undefined && !customer.segments.has(audience.segment)) return 'not_in_audience';
  if (audience.tiers !== undefined && audience.tiers.length > 0 && (customer.tier === null || !audience.tiers.includes(customer.tier))) return 'not_in_audience';
  if (audience.newCustomersOnly === true && !customer.isNew) return 'not_in_audience';
  return null;
}
