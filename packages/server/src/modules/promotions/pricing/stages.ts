import { minorDigits, type BundleRule, type GiftRule, type ThresholdRule, type ThresholdTier } from '@flywheel/contracts';
import type { UnitAmounts, WorkCart } from './cart';
import { audienceRefusal, type Explanation } from './explain';
import { mulDivFloor, percentOf, shareOf } from './money';
import { inScope, type CompiledScope } from './scope';
import { bestCombination, type Candidate } from './search';
import type { CatalogItem, PricingCoupon, PricingCustomer, PricingPromotion } from './types';

type Promotion<K extends PricingPromotion['kind']> = Extract<PricingPromotion, { kind: K }>;

/** A gift line a promotion adds. */
export interface GiftLine { source: string; catalog: CatalogItem; quantity: number }

/** The lines of the cart a scope takes (line indices). */
function linesIn(cart: WorkCart, scope: CompiledScope): number[] {
  const out: number[] = [];
  cart.lines.forEach((line, i) => { if (inScope(scope, line.sku, line.category)) out.push(i); });
  return out;
}

/** Whether the budget has room for one more order, or the refusal. */
function budgetRefusal(p: PricingPromotion): 'budget_exhausted' | 'per_customer_limit' | null {
  if (p.usesLeft !== null && p.usesLeft <= 0) return 'budget_exhausted';
  if (p.discountLeft !== null && p.discountLeft <= 0) return 'budget_exhausted';
  if (p.customerUsesLeft !== null && p.customerUsesLeft <= 0) return 'per_customer_limit';
  return null;
}

/** Audience and budget: a promotion that may not apply says why. */
function eligible(p: PricingPromotion, customer: PricingCustomer, ex: Explanation): boolean {
  const refusal = audienceRefusal(p.audience, customer) ?? budgetRefusal(p);
  if (refusal) ex.refuse(p.id, refusal, { name: p.name });
  return refusal === null;
}

// --- Stage 1: item (秒杀, 限时折扣, 会员价): one per line, the lowest price wins -----------------------

function unitDiscount(p: Promotion<'timed_discount'> | Promotion<'member_price'>, unitPrice: number, sku: string, customer: PricingCustomer): number | null {
  if (p.kind === 'timed_discount') {
    if ('percentOff' in p.rule) return percentOf(unitPrice, p.rule.percentOff);
    const price = p.rule.prices[sku];
    return price === undefined ? null : Math.max(0, unitPrice - price);
  }
  const pct = p.rule.tiers ? (customer.tier === null ? undefined : p.rule.tiers[customer.tier]) : (customer.tierDiscountPct ?? undefined);
  return pct === undefined || pct <= 0 ? null : percentOf(unitPrice, pct);
}

export function itemStage(cart: WorkCart, promotions: readonly PricingPromotion[], customer: PricingCustomer, ex: Explanation): number {
  const offers: { p: { id: string; kind: string; name: string; discountLeft: number | null }; perLine: Map<number, number> }[] = [];
  // A reserved price (a 秒杀's) is an offer on its own line.
  cart.lines.forEach((line, l) => {
    if (line.reserved) offers.push({ p: { id: line.reserved.source, kind: line.reserved.kind, name: line.reserved.name, discountLeft: null }, perLine: new Map([[l, Math.max(0, line.unitPrice - line.reserved.price)]]) });
  });
  for (const p of promotions) {
    if (p.kind !== 'timed_discount' && p.kind !== 'member_price') continue;
    const lines = linesIn(cart, p.scope);
    if (lines.length === 0) continue;
    if (!eligible(p, customer, ex)) continue;
    const perLine = new Map<number, number>();
    for (const l of lines) {
      const d = unitDiscount(p, cart.lines[l].unitPrice, cart.lines[l].sku, customer);
      if (d !== null) perLine.set(l, d);
    }
    if (perLine.size === 0) {
      if (p.kind === 'member_price') ex.refuse(p.id, customer.id === null ? 'guest' : 'not_member', { name: p.name });
      continue;
    }
    offers.push({ p, perLine });
  }
  // The lowest price per line; a promotion whose lines would pass its budget left gives way.
  const dropped = new Set<number>();
  let winners = new Map<number, number>();
  for (;;) {
    winners = new Map();
    for (const [l] of cart.lines.entries()) {
      let best = -1;
      offers.forEach((o, k) => {
        if (dropped.has(k)) return;
        const d = o.perLine.get(l);
        if (d !== undefined && d > 0 && (best < 0 || d > offers[best].perLine.get(l)!)) best = k;
      });
      if (best >= 0) winners.set(l, best);
    }
    const over = offers.findIndex((o, k) => {
      if (dropped.has(k) || o.p.discountLeft === null) return false;
      let sum = 0;
      for (const [l, w] of winners) if (w === k) sum += o.perLine.get(l)! * cart.lines[l].quantity;
      return sum > o.p.discountLeft;
    });
    if (over < 0) break;
    dropped.add(over);
    ex.refuse(offers[over].p.id, 'budget_exhausted', { name: offers[over].p.name });
  }
  let total = 0;
  offers.forEach((o, k) => {
    if (dropped.has(k)) return;
    let amount = 0;
    for (const [l, w] of winners) {
      if (w !== k) continue;
      const line = cart.lines[l];
      const units = Array.from({ length: line.quantity }, (_, u) => line.first + u);
      amount += cart.take(o.p.id, { units, amounts: units.map(() => o.perLine.get(l)!) });
    }
    if (amount > 0) ex.applied.push({ source: o.p.id, kind: o.p.kind, name: o.p.name, amount });
    else ex.refuse(o.p.id, 'better_price', { name: o.p.name });
    total += amount;
  });
  return total;
}

// --- Stage 2: order (满减 / 满折, bundles, gifts): the best combination the stacking groups allow --------

interface OrderCandidate extends Candidate {
  p: PricingPromotion;
  lines: Set<number>;
  gift?: GiftLine;
}

/** The basis a threshold compares with its tiers: the scope lines' amount left, or their units. */
function basisOf(cart: WorkCart, units: readonly number[], basis: ThresholdRule['basis']): number {
  return basis === 'amount' ? cart.amountOf(units) : units.length;
}

function tierMet<T extends { min: number }>(tiers: readonly T[], value: number): number {
  let met = -1;
  tiers.forEach((t, i) => { if (t.min <= value) met = i; });
  return met;
}

/** What a threshold tier takes off `amount` (the scope's amount left), `value` being its basis. */
function tierDiscount(tier: ThresholdTier, amount: number, value: number, repeat: boolean): number {
  if ('off' in tier) return Math.min(amount, tier.off * (repeat ? Math.floor(value / tier.min) : 1));
  if ('percentOff' in tier) return percentOf(amount, tier.percentOff);
  return 0;
}

function thresholdHint(p: Promotion<'threshold'>, ex: Explanation, value: number, met: number) {
  const { tiers, basis, repeat } = p.rule;
  let next: { min: number; tier: ThresholdTier; times: number } | undefined;
  if (met + 1 < tiers.length) next = { min: tiers[met + 1].min, tier: tiers[met + 1], times: 1 };
  else if (repeat && met >= 0) {
    const times = Math.floor(value / tiers[met].min) + 1;
    next = { min: tiers[met].min * times, tier: tiers[met], times };
  }
  if (!next) return;
  const missing = next.min - value;
  const byAmount = basis === 'amount';
  const at = byAmount ? { amount: missing } : { quantity: missing };
  if ('off' in next.tier) ex.hint(p.id, byAmount ? 'promotions.hint.threshold_off' : 'promotions.hint.threshold_quantity_off', at, { name: p.name, off: next.tier.off * next.times });
  else if ('percentOff' in next.tier) ex.hint(p.id, byAmount ? 'promotions.hint.threshold_percent' : 'promotions.hint.threshold_quantity_percent', at, { name: p.name, percentOff: next.tier.percentOff });
}

function thresholdCandidate(cart: WorkCart, p: Promotion<'threshold'>, units: number[], ex: Explanation): OrderCandidate | null {
  const amount = cart.amountOf(units);
  const value = basisOf(cart, units, p.rule.basis);
  const met = tierMet(p.rule.tiers, value);
  thresholdHint(p, ex, value, met);
  if (met < 0) { ex.refuse(p.id, 'threshold_not_met', { name: p.name }); return null; }
  const discount = tierDiscount(p.rule.tiers[met], amount, value, p.rule.repeat);
  if (discount <= 0) { ex.refuse(p.id, 'no_amount_left', { name: p.name }); return null; }
  return candidateOf(p, new Set(units.map((u) => cart.lineOf[u])), cart.spread(discount, units), 0);
}

function candidateOf(p: PricingPromotion, lines: Set<number>, discounts: UnitAmounts, bonus: number, gift?: GiftLine): OrderCandidate {
  return { p, lines, discounts, bonus, gift, keys: [...lines], group: p.stacking.group, exclusive: p.stacking.exclusive };
}

function bundleCandidate(cart: WorkCart, p: Promotion<'bundle'>, units: number[], ex: Explanation): OrderCandidate | null {
  const rule: BundleRule = p.rule;
  const q = rule.quantity;
  const n = units.length;
  const sets = rule.repeat ? Math.floor(n / q) : n >= q ? 1 : 0;
  const short = n < q ? q - n : rule.repeat && n % q !== 0 ? q - (n % q) : 0;
  if (short > 0) {
    if ('off' in rule) ex.hint(p.id, 'promotions.hint.bundle_off', { quantity: short }, { name: p.name, quantity: q, off: rule.off });
    else ex.hint(p.id, 'promotions.hint.bundle_price', { quantity: short }, { name: p.name, quantity: q, price: rule.price });
  }
  if (sets === 0) { ex.refuse(p.id, 'threshold_not_met', { name: p.name }); return null; }
  // The highest-priced units make the sets (ties: the earlier line, the earlier unit).
  const ranked = [...units].sort((a, b) => cart.left[b] - cart.left[a] || a - b);
  const discounts: UnitAmounts = { units: [], amounts: [] };
  const parts: { unit: number; amount: number }[] = [];
  for (let s = 0; s < sets; s++) {
    const set = ranked.slice(s * q, (s + 1) * q);
    const amount = cart.amountOf(set);
    const off = 'off' in rule ? Math.min(rule.off, amount) : Math.max(0, amount - rule.price);
    const spread = cart.spread(off, set);
    spread.units.forEach((u, k) => parts.push({ unit: u, amount: spread.amounts[k] }));
  }
  parts.sort((a, b) => a.unit - b.unit);
  for (const part of parts) { discounts.units.push(part.unit); discounts.amounts.push(part.amount); }
  const total = discounts.amounts.reduce((s, a) => s + a, 0);
  if (total <= 0) { ex.refuse(p.id, 'no_amount_left', { name: p.name }); return null; }
  return candidateOf(p, new Set(parts.map((x) => cart.lineOf[x.unit])), discounts, 0);
}

function giftCandidate(cart: WorkCart, p: Promotion<'gift'>, units: number[], catalog: (sku: string) => CatalogItem | undefined, ex: Explanation): OrderCandidate | null {
  const rule: GiftRule = p.rule;
  const value = basisOf(cart, units, rule.basis);
  const met = tierMet(rule.tiers, value);
  const next = rule.tiers[met + 1];
  if (next) {
    const missing = next.min - value;
    const giftName = catalog(next.gift.sku)?.title ?? next.gift.sku;
    ex.hint(p.id, rule.basis === 'amount' ? 'promotions.hint.gift' : 'promotions.hint.gift_quantity', rule.basis === 'amount' ? { amount: missing } : { quantity: missing }, { name: p.name, gift: giftName, giftQuantity: next.gift.quantity });
  }
  if (met < 0) { ex.refuse(p.id, 'threshold_not_met', { name: p.name }); return null; }
  const { sku, quantity } = rule.tiers[met].gift;
  const item = catalog(sku) ?? { sku, price: 0, category: null, cost: null, title: null };
  return candidateOf(p, new Set(units.map((u) => cart.lineOf[u])), { units: [], amounts: [] }, item.price * quantity, { source: p.id, catalog: item, quantity });
}

function isShippingRule(rule: ThresholdRule): boolean {
  return rule.tiers.some((t) => 'freeShipping' in t);
}

export function orderStage(cart: WorkCart, promotions: readonly PricingPromotion[], customer: PricingCustomer, catalog: (sku: string) => CatalogItem | undefined, ex: Explanation): { discount: number; gifts: GiftLine[] } {
  const candidates: OrderCandidate[] = [];
  for (const p of promotions) {
    if (p.kind !== 'threshold' && p.kind !== 'bundle' && p.kind !== 'gift') continue;
    if (p.kind === 'threshold' && isShippingRule(p.rule)) continue;
    const lines = linesIn(cart, p.scope);
    if (lines.length === 0) continue;
    if (!eligible(p, customer, ex)) continue;
    const units = cart.unitsOfLines(lines);
    const candidate = p.kind === 'threshold' ? thresholdCandidate(cart, p, units, ex)
      : p.kind === 'bundle' ? bundleCandidate(cart, p, units, ex)
      : giftCandidate(cart, p, units, catalog, ex);
    if (!candidate) continue;
    const worth = candidate.discounts.amounts.reduce((s, a) => s + a, 0);
    if (p.discountLeft !== null && worth > p.discountLeft) { ex.refuse(p.id, 'budget_exhausted', { name: p.name }); continue; }
    candidates.push(candidate);
  }
  const chosen = bestCombination(candidates, cart.left);
  return { ...applyChosen(cart, candidates, chosen, ex), gifts: chosen.map((i) => candidates[i].gift).filter((g): g is GiftLine => g !== undefined) };
}

/** Applies the chosen candidates (the most valuable first, each unit capped at its amount left); the others lost to a better combination. */
function applyChosen(cart: WorkCart, candidates: readonly (Candidate & { source: string; kind: string; name: string } | OrderCandidate)[], chosen: number[], ex: Explanation): { discount: number } {
  const picked = new Set(chosen);
  let discount = 0;
  const sourceOf = (c: (typeof candidates)[number]) => ('p' in c ? { source: c.p.id, kind: c.p.kind, name: c.p.name } : { source: c.source, kind: c.kind, name: c.name });
  for (const i of chosen) {
    const c = candidates[i];
    const { source, kind, name } = sourceOf(c);
    const taken = cart.take(source, c.discounts);
    if (taken === 0 && !('gift' in c && c.gift)) { ex.refuse(source, 'no_amount_left', { name }); continue; }
    ex.applied.push({ source, kind, name, amount: taken });
    discount += taken;
  }
  candidates.forEach((c, i) => { if (!picked.has(i)) { const { source, name } = sourceOf(c); ex.refuse(source, 'better_combination', { name }); } });
  return { discount };
}

// --- Stage 3: coupons ----------------------------------------------------------------------------

export function couponStage(cart: WorkCart, coupons: readonly PricingCoupon[], customer: PricingCustomer, ex: Explanation): { discount: number; used: { code: string; amount: number }[] } {
  const seen = new Set<string>();
  const candidates: (Candidate & { source: string; kind: string; name: string; coupon: PricingCoupon })[] = [];
  for (const coupon of coupons) {
    const named = { code: coupon.code, name: coupon.name || coupon.code };
    if (seen.has(coupon.code)) { ex.refuse(coupon.code, 'coupon_duplicate', named); continue; }
    seen.add(coupon.code);
    if (coupon.refusal) { ex.refuse(coupon.code, coupon.refusal, named); continue; }
    if (customer.id === null) { ex.refuse(coupon.code, 'guest', named); continue; }
    const audience = audienceRefusal(coupon.audience, customer);
    if (audience) { ex.refuse(coupon.code, audience, named); continue; }
    const lines = linesIn(cart, coupon.scope);
    if (lines.length === 0) { ex.refuse(coupon.code, 'not_in_scope', named); continue; }
    const units = cart.unitsOfLines(lines);
    const amount = cart.amountOf(units);
    if (amount < coupon.minSpend) {
      ex.refuse(coupon.code, 'min_spend_not_met', { ...named, minSpend: coupon.minSpend });
      ex.hint(coupon.code, 'promotions.hint.coupon_min_spend', { amount: coupon.minSpend - amount }, named);
      continue;
    }
    // Capped at the amount of the lines in its scope.
    const d = coupon.discount;
    const off = 'off' in d ? Math.min(d.off, amount) : Math.min(percentOf(amount, d.percentOff), d.maxOff ?? Number.MAX_SAFE_INTEGER);
    if (off <= 0) { ex.refuse(coupon.code, 'no_amount_left', named); continue; }
    // The order is the line of coupons: one per group per order.
    candidates.push({ source: coupon.code, kind: 'coupon', name: named.name, coupon, discounts: cart.spread(off, units), bonus: 0, keys: [0], group: coupon.stacking.group, exclusive: coupon.stacking.exclusive });
  }
  // One coupon per group per order; an exclusive one alone.
  const chosen = bestCombination(candidates, cart.left);
  const before = ex.applied.length;
  const { discount } = applyChosen(cart, candidates, chosen, ex);
  const used = ex.applied.slice(before).map((a) => ({ code: a.source, amount: a.amount }));
  return { discount, used };
}

// --- Stage 4: points (积分抵现) --------------------------------------------------------------------

export function pointsStage(cart: WorkCart, requested: number, customer: PricingCustomer, currency: string, ex: Explanation): { used: number; deduction: number } {
  if (requested <= 0) return { used: 0, deduction: 0 };
  if (customer.id === null) { ex.refuse('points', 'guest', { name: 'points' }); return { used: 0, deduction: 0 }; }
  if (!customer.points || customer.points.pointsPerYuan <= 0) { ex.refuse('points', 'points_unavailable'); return { used: 0, deduction: 0 }; }
  const { available, pointsPerYuan, maxShare } = customer.points;
  let usable = requested;
  if (requested > available) { ex.refuse('points', 'points_insufficient', { available }); usable = available; }
  const perMajor = 10 ** minorDigits(currency);
  const byPoints = mulDivFloor(usable, perMajor, pointsPerYuan);
  const cap = shareOf(cart.total(), maxShare);
  const deduction = Math.min(byPoints, cap);
  // The points it takes: the fewest that pay for the deduction.
  const product = BigInt(deduction) * BigInt(pointsPerYuan);
  const used = Number(product / BigInt(perMajor) + (product % BigInt(perMajor) === 0n ? 0n : 1n));
  if (deduction < byPoints) ex.refuse('points', 'points_capped', { maxShare, used });
  if (deduction <= 0) return { used: 0, deduction: 0 };
  const units = cart.left.map((_, u) => u).filter((u) => cart.left[u] > 0);
  const spread = cart.spread(deduction, units);
  cart.take('points', spread);
  // The points go with the units they paid for, so a refund gives each unit's back.
  const pointsPerUnit = spread.units.length > 0 ? allocatePoints(used, spread.amounts) : [];
  spread.units.forEach((u, k) => { cart.points[u] += pointsPerUnit[k]; });
  ex.applied.push({ source: 'points', kind: 'points', name: 'points', amount: deduction, text: ex.text('promotions.applied.points', {}) });
  return { used, deduction };
}

function allocatePoints(points: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum === 0) return weights.map(() => 0);
  // Same largest-remainder rule as money.
  const parts = weights.map((w) => mulDivFloor(points, w, sum));
  let left = points - parts.reduce((s, p) => s + p, 0);
  const order = weights.map((w, i) => ({ i, r: (BigInt(points) * BigInt(w)) % BigInt(sum) })).sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k].i] += 1;
  return parts;
}

// --- Stage 5: shipping ---------------------------------------------------------------------------

export function shippingStage(cart: WorkCart, fee: number, promotions: readonly PricingPromotion[], customer: PricingCustomer, ex: Explanation): number {
  if (fee <= 0) return 0;
  if (customer.freeShipping && customer.tier !== null) {
    ex.applied.push({ source: `tier:${customer.tier}`, kind: 'free_shipping', name: customer.tier, amount: fee, text: ex.text('promotions.applied.tier_free_shipping', { tier: customer.tier }) });
    return fee;
  }
  for (const p of promotions) {
    if (p.kind !== 'threshold' || !isShippingRule(p.rule)) continue;
    const lines = linesIn(cart, p.scope);
    if (lines.length === 0) continue;
    if (!eligible(p, customer, ex)) continue;
    const units = cart.unitsOfLines(lines);
    const value = basisOf(cart, units, p.rule.basis);
    const met = tierMet(p.rule.tiers, value);
    if (met >= 0) {
      ex.applied.push({ source: p.id, kind: 'free_shipping', name: p.name, amount: fee });
      return fee;
    }
    const missing = p.rule.tiers[0].min - value;
    ex.hint(p.id, p.rule.basis === 'amount' ? 'promotions.hint.free_shipping' : 'promotions.hint.free_shipping_quantity', p.rule.basis === 'amount' ? { amount: missing } : { quantity: missing }, { name: p.name });
    ex.refuse(p.id, 'threshold_not_met', { name: p.name });
  }
  return 0;
}
