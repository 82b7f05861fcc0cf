import type { Promotion, PromotionCreate, PromotionKind } from '@flywheel/contracts';

/**
 * The promotion form's state and its translation to the API's body: money in minor units,
 * percentages as percent off (10 = 9折). `problems` are what the form says before sending, each
 * at the field the API would name.
 */

export interface Tier { min: number | null; value: number | null }

export interface PromotionDraft {
  id?: string;
  name: string;
  kind: PromotionKind;
  startsAt: string | null;
  endsAt: string | null;
  skus: string[];
  categories: string[];
  excludeSkus: string[];
  segment: string | null;
  tiers: string[];
  newCustomersOnly: boolean;
  maxDiscount: number | null;
  maxUses: number | null;
  perCustomer: number | null;
  group: string;
  exclusive: boolean;
  threshold: { basis: 'amount' | 'quantity'; benefit: 'off' | 'percentOff' | 'freeShipping'; tiers: Tier[]; repeat: boolean };
  timed: { mode: 'percent' | 'prices'; percentOff: number | null; prices: { sku: string; price: number | null }[] };
  member: { mode: 'tier' | 'custom'; tiers: { tier: string; percentOff: number | null }[] };
  bundle: { mode: 'off' | 'price'; quantity: number | null; value: number | null; repeat: boolean };
  gift: { basis: 'amount' | 'quantity'; tiers: { min: number | null; sku: string; quantity: number | null }[] };
}

export function newDraft(kind: PromotionKind = 'threshold', now = new Date()): PromotionDraft {
  const day = 86_400_000;
  return {
    name: '', kind, startsAt: new Date(now.getTime()).toISOString(), endsAt: new Date(now.getTime() + 7 * day).toISOString(),
    skus: [], categories: [], excludeSkus: [], segment: null, tiers: [], newCustomersOnly: false,
    maxDiscount: null, maxUses: null, perCustomer: null, group: 'default', exclusive: false,
    threshold: { basis: 'amount', benefit: 'off', tiers: [{ min: null, value: null }], repeat: false },
    timed: { mode: 'percent', percentOff: null, prices: [{ sku: '', price: null }] },
    member: { mode: 'tier', tiers: [] },
    bundle: { mode: 'off', quantity: 3, value: null, repeat: false },
    gift: { basis: 'amount', tiers: [{ min: null, sku: '', quantity: 1 }] },
  };
}

/** The draft of a stored promotion, to edit it. */
export function draftOf(p: Promotion): PromotionDraft {
  const d = newDraft(p.kind);
  const rule = p.rule as Record<string, unknown>;
  const base: PromotionDraft = {
    ...d, id: p.id, name: p.name, kind: p.kind, startsAt: p.startsAt, endsAt: p.endsAt,
    skus: p.scope.skus, categories: p.scope.categories, excludeSkus: p.scope.excludeSkus,
    segment: p.audience.segment ?? null, tiers: p.audience.tiers ?? [], newCustomersOnly: p.audience.newCustomersOnly ?? false,
    maxDiscount: p.budget.maxDiscount ?? null, maxUses: p.budget.maxUses ?? null, perCustomer: p.budget.perCustomer ?? null,
    group: p.stacking.group, exclusive: p.stacking.exclusive,
  };
  switch (p.kind) {
    case 'threshold': {
      const tiers = rule.tiers as Record<string, number | boolean>[];
      const benefit = 'off' in tiers[0] ? 'off' : 'percentOff' in tiers[0] ? 'percentOff' : 'freeShipping';
      return { ...base, threshold: { basis: rule.basis as 'amount', benefit, repeat: Boolean(rule.repeat), tiers: tiers.map((t) => ({ min: Number(t.min), value: benefit === 'freeShipping' ? null : Number(t[benefit]) })) } };
    }
    case 'timed_discount':
      return 'percentOff' in rule
        ? { ...base, timed: { ...d.timed, mode: 'percent', percentOff: Number(rule.percentOff) } }
        : { ...base, timed: { ...d.timed, mode: 'prices', prices: Object.entries(rule.prices as Record<string, number>).map(([sku, price]) => ({ sku, price })) } };
    case 'member_price':
      return rule.tiers ? { ...base, member: { mode: 'custom', tiers: Object.entries(rule.tiers as Record<string, number>).map(([tier, percentOff]) => ({ tier, percentOff })) } } : base;
    case 'bundle':
      return { ...base, bundle: { mode: 'off' in rule ? 'off' : 'price', quantity: Number(rule.quantity), value: Number('off' in rule ? rule.off : rule.price), repeat: Boolean(rule.repeat) } };
    case 'gift':
      return { ...base, gift: { basis: rule.basis as 'amount', tiers: (rule.tiers as { min: number; gift: { sku: string; quantity: number } }[]).map((t) => ({ min: t.min, sku: t.gift.sku, quantity: t.gift.quantity })) } };
  }
}

function ruleOf(d: PromotionDraft): Record<string, unknown> {
  switch (d.kind) {
    case 'threshold': {
      const { basis, benefit, repeat } = d.threshold;
      const tiers = d.threshold.tiers.map((t) => (benefit === 'freeShipping' ? { min: t.min, freeShipping: true } : { min: t.min, [benefit]: t.value }));
      return { basis, tiers, repeat: benefit === 'off' ? repeat : false };
    }
    case 'timed_discount':
      return d.timed.mode === 'percent' ? { percentOff: d.timed.percentOff } : { prices: Object.fromEntries(d.timed.prices.filter((p) => p.sku.trim()).map((p) => [p.sku.trim(), p.price])) };
    case 'member_price':
      return d.member.mode === 'tier' ? {} : { tiers: Object.fromEntries(d.member.tiers.filter((t) => t.tier.trim()).map((t) => [t.tier.trim(), t.percentOff])) };
    case 'bundle':
      return { quantity: d.bundle.quantity, [d.bundle.mode]: d.bundle.value, repeat: d.bundle.repeat };
    case 'gift':
      return { basis: d.gift.basis, tiers: d.gift.tiers.map((t) => ({ min: t.min, gift: { sku: t.sku.trim(), quantity: t.quantity ?? 1 } })) };
  }
}

/** The API body of the draft (`status` says whether to publish). */
export function bodyOf(d: PromotionDraft, status: 'draft' | 'live'): PromotionCreate {
  const budget: Record<string, number> = {};
  if (d.maxDiscount) budget.maxDiscount = d.maxDiscount;
  if (d.maxUses) budget.maxUses = d.maxUses;
  if (d.perCustomer) budget.perCustomer = d.perCustomer;
  const audience: Record<string, unknown> = {};
  if (d.segment) audience.segment = d.segment;
  if (d.tiers.length > 0) audience.tiers = d.tiers;
  if (d.newCustomersOnly) audience.newCustomersOnly = true;
  return {
    name: d.name.trim(), kind: d.kind, startsAt: d.startsAt ?? '', endsAt: d.endsAt ?? '',
    scope: { skus: d.skus, categories: d.categories, excludeSkus: d.excludeSkus }, audience, budget,
    stacking: { group: d.group.trim() || 'default', exclusive: d.exclusive }, rule: ruleOf(d), status,
  } as PromotionCreate;
}

export type Problem = { field: string; key: 'required' | 'climbing' | 'percent' | 'window' | 'quantity' };

const validPercent = (v: number | null) => v !== null && v > 0 && v <= 100;

/** What is wrong with the draft before it is sent, at the API's field names. */
export function problems(d: PromotionDraft): Problem[] {
  const out: Problem[] = [];
  if (!d.name.trim()) out.push({ field: 'name', key: 'required' });
  if (!d.startsAt) out.push({ field: 'startsAt', key: 'required' });
  if (!d.endsAt) out.push({ field: 'endsAt', key: 'required' });
  if (d.startsAt && d.endsAt && Date.parse(d.endsAt) <= Date.parse(d.startsAt)) out.push({ field: 'endsAt', key: 'window' });
  const climbing = (tiers: { min: number | null }[]) => tiers.forEach((t, i) => {
    if (t.min === null || t.min <= 0) out.push({ field: `rule.tiers[${i}].min`, key: 'required' });
    else if (i > 0 && tiers[i - 1].min !== null && t.min <= tiers[i - 1].min!) out.push({ field: `rule.tiers[${i}].min`, key: 'climbing' });
  });
  switch (d.kind) {
    case 'threshold':
      climbing(d.threshold.tiers);
      d.threshold.tiers.forEach((t, i) => {
        if (d.threshold.benefit === 'off' && (t.value === null || t.value <= 0)) out.push({ field: `rule.tiers[${i}].off`, key: 'required' });
        if (d.threshold.benefit === 'percentOff' && !validPercent(t.value)) out.push({ field: `rule.tiers[${i}].percentOff`, key: 'percent' });
      });
      break;
    case 'timed_discount':
      if (d.timed.mode === 'percent' && !validPercent(d.timed.percentOff)) out.push({ field: 'rule.percentOff', key: 'percent' });
      if (d.timed.mode === 'prices') d.timed.prices.forEach((p, i) => { if (!p.sku.trim() || p.price === null) out.push({ field: `rule.prices[${i}]`, key: 'required' }); });
      break;
    case 'member_price':
      if (d.member.mode === 'custom') d.member.tiers.forEach((t, i) => { if (!t.tier.trim() || !validPercent(t.percentOff)) out.push({ field: `rule.tiers[${i}]`, key: !t.tier.trim() ? 'required' : 'percent' }); });
      break;
    case 'bundle':
      if (d.bundle.quantity === null || d.bundle.quantity < 2) out.push({ field: 'rule.quantity', key: 'quantity' });
      if (d.bundle.value === null || (d.bundle.mode === 'off' && d.bundle.value <= 0)) out.push({ field: `rule.${d.bundle.mode}`, key: 'required' });
      break;
    case 'gift':
      climbing(d.gift.tiers);
      d.gift.tiers.forEach((t, i) => { if (!t.sku.trim()) out.push({ field: `rule.tiers[${i}].gift.sku`, key: 'required' }); });
      break;
  }
  return out;
}
