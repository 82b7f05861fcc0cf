/**
 * The demo shop's promotions and coupon templates (issue 19), derived from the retail calendar:
 * what the loader creates through the promotions module, and what the generator prices its carts
 * with through the same pure engine (`priceCart`), so an order's amounts are the engine's.
 *
 * A run of consecutive days with the same offer makes one promotion (or template), windowed to
 * those local days: 满减 tiers per campaign, 直降 (timed prices on promoted SKUs) per campaign
 * phase, 双11's 店铺满减 tiers, a campaign's 店铺券; all year a 零食 3件立减 bundle and the standing coupons.
 */
import { couponTemplateCreate, promotionCreate, type CouponTemplateCreate, type PromotionCreate } from '@flywheel/contracts';
import { compileScope, type PricingInput, type PricingPromotion } from '../modules/promotions';
import { dayProfile, fromDayNumber, type CampaignCoupon, type DayProfile } from './calendar';
import type { SkuInfo } from './catalog';
import type { ShopClock } from './clock';

/** A coupon as the engine takes it (the module's index names the input, not this part of it). */
type PricingCoupon = PricingInput['coupons'][number];

/** A promotion of the demo: `key` names it in the generator (its id there) until the loader creates it. */
export interface DemoPromotion {
  key: string;
  create: PromotionCreate;
  /** The first and the day after the last window day, as day numbers. */
  fromDay: number;
  toDay: number;
}

/** A coupon template of the demo: buyers claim one of it when they check out with it. */
export interface DemoCouponTemplate {
  key: string;
  /** The code the storefront shows (NEW20, D11-80...); each claim gets its own code. */
  code: string;
  create: CouponTemplateCreate;
  fromDay: number;
  toDay: number;
}

/** Shop coupons that are not tied to a campaign. */
export const standingCoupons = {
  /** 新人券: first order. */
  newCustomer: { code: 'NEW20', threshold: 9900, off: 2000 },
  /** 召回券: customers who have not bought for three months. */
  winBack: { code: 'BACK15', threshold: 12900, off: 1500 },
  /** 店铺满减券 anyone can collect. */
  everyday: { code: 'SHOP10', threshold: 19900, off: 1000 },
} satisfies Record<string, CampaignCoupon>;

const standingNames: Record<string, string> = { NEW20: '新人券', BACK15: '老客召回券', SHOP10: '店铺券' };

/** The all-year bundle: any 3 snacks (食品 under 100 yuan) take 15 yuan off. */
const SNACK_BUNDLE = { quantity: 3, off: 1500, maxPrice: 10000 };

/** How long a promotion or template still runs after the history: it is live when the demo opens. */
const STANDING_DAYS_AFTER = 90;

/**
 * 直降 on a promoted SKU during a campaign: 10% (15% on the peak day), in whole yuan, and never more
 * than half the SKU's margin (a shop does not cut a 16%-margin tablet by 15%, 满减 and coupons on top).
 */
function campaignPrice(sku: SkuInfo, peak: boolean): number | null {
  if (!sku.onPromotion) return null;
  const margin = 1 - sku.cost / sku.price;
  const rate = Math.min(peak ? 0.15 : 0.1, margin / 2);
  const cut = Math.floor((sku.price * rate) / 100) * 100;
  return cut > 0 ? sku.price - cut : null;
}

const yuan = (minor: number) => String(minor / 100);
const mmdd = (day: number) => fromDayNumber(day).slice(5);

/** Consecutive days with the same offer (by `keyOf`; null: none that day), as [from, to) runs. */
function runs<T>(fromDay: number, toDay: number, offerOf: (p: DayProfile) => T | null, keyOf: (offer: T) => string) {
  const out: { offer: T; profile: DayProfile; fromDay: number; toDay: number }[] = [];
  for (let day = fromDay; day < toDay; day++) {
    const profile = dayProfile(fromDayNumber(day));
    const offer = offerOf(profile);
    const last = out[out.length - 1];
    if (offer === null) continue;
    if (last && last.toDay === day && keyOf(last.offer) === keyOf(offer)) last.toDay = day + 1;
    else out.push({ offer, profile, fromDay: day, toDay: day + 1 });
  }
  return out;
}

/**
 * The promotions and coupon templates of a history of `days` local days from `startDay`, in the
 * order the loader creates them (the engine breaks ties for the older promotion).
 */
export class DemoOffers {
  readonly promotions: DemoPromotion[] = [];
  readonly templates: DemoCouponTemplate[] = [];
  /** The engine's form of each promotion, its id the key. */
  readonly pricing: PricingPromotion[];
  /** The keys of the item-stage promotions (直降): their discount stays on the order's lines. */
  readonly lineSources: Set<string>;
  private readonly couponsByCode = new Map<string, DemoCouponTemplate[]>();

  constructor(startDay: number, days: number, skus: readonly SkuInfo[], clock: ShopClock) {
    const endDay = startDay + days;
    const at = (day: number) => clock.timestamp(day, 0);
    const add = (key: string, fromDay: number, toDay: number, fields: Record<string, unknown>) => {
      const create = promotionCreate.parse({ ...fields, status: 'live', startsAt: at(fromDay), endsAt: at(toDay) });
      this.promotions.push({ key, create, fromDay, toDay });
    };
    const year = (day: number) => fromDayNumber(day).slice(0, 4);

    for (const run of runs(startDay, endDay, (p) => (p.campaign && p.fullReduction ? p.fullReduction : null), (r) => `${JSON.stringify(r)}`)) {
      const { threshold, off, repeat } = run.offer;
      add(`threshold:${run.fromDay}`, run.fromDay, run.toDay, {
        kind: 'threshold', name: `${year(run.fromDay)} ${run.profile.campaign} ${repeat ? '每满' : '满'}${yuan(threshold)}减${yuan(off)}`,
        rule: { basis: 'amount', tiers: [{ min: threshold, off }], repeat },
      });
    }
    for (const run of runs(startDay, endDay, (p) => (p.campaign ? p.shopReduction : null), (r) => JSON.stringify(r))) {
      add(`shop-threshold:${run.fromDay}`, run.fromDay, run.toDay, {
        kind: 'threshold', name: `${year(run.fromDay)} ${run.profile.campaign} 店铺满减 ${run.offer.tiers.map((t) => `满${yuan(t.min)}减${yuan(t.off)}`).join('/')}`,
        rule: { basis: 'amount', tiers: run.offer.tiers, repeat: false },
        // The shop's own 满减 stacks with the platform's (another group).
        stacking: { group: 'shop', exclusive: false },
      });
    }
    const cutPhases = new Set(['sale', 'peak', 'encore']);
    for (const run of runs(startDay, endDay, (p) => (p.campaign && p.phase && cutPhases.has(p.phase) ? { campaign: p.campaign, peak: p.phase === 'peak' } : null), (o) => `${o.campaign}:${o.peak}`)) {
      const prices: Record<string, number> = {};
      for (const sku of skus) {
        const price = campaignPrice(sku, run.offer.peak);
        if (price !== null) prices[sku.sku] = price;
      }
      if (Object.keys(prices).length === 0) continue;
      const window = run.toDay - run.fromDay === 1 ? mmdd(run.fromDay) : `${mmdd(run.fromDay)}~${mmdd(run.toDay - 1)}`;
      add(`timed:${run.fromDay}`, run.fromDay, run.toDay, {
        kind: 'timed_discount', name: `${year(run.fromDay)} ${run.offer.campaign} ${run.offer.peak ? '巅峰直降' : '直降'} ${window}`, rule: { prices },
      });
    }
    const snacks = skus.filter((s) => s.category === '食品' && s.price < SNACK_BUNDLE.maxPrice).map((s) => s.sku);
    add('bundle:snacks', startDay, endDay + STANDING_DAYS_AFTER, {
      kind: 'bundle', name: `零食任选${SNACK_BUNDLE.quantity}件立减${yuan(SNACK_BUNDLE.off)}`,
      rule: { quantity: SNACK_BUNDLE.quantity, off: SNACK_BUNDLE.off }, scope: { skus: snacks },
      // Stacks with the campaigns' 满减 (another group), as 跨店满减 does with a shop's own offer.
      stacking: { group: 'bundle', exclusive: false },
    });

    for (const run of runs(startDay, endDay, (p) => (p.campaign ? p.coupon : null), (c) => c.code)) {
      const c = run.offer;
      this.addTemplate({
        key: `coupon:${c.code}:${run.fromDay}`, code: c.code, fromDay: run.fromDay, toDay: run.toDay,
        create: couponTemplateCreate.parse({
          name: `${year(run.fromDay)} ${run.profile.campaign} 满${yuan(c.threshold)}减${yuan(c.off)}券`, discount: { off: c.off }, minSpend: c.threshold,
          validity: { from: at(run.fromDay), to: at(run.toDay) }, total: -1, perCustomer: 1000,
        }),
      });
    }
    for (const c of Object.values(standingCoupons)) {
      this.addTemplate({
        key: `coupon:${c.code}`, code: c.code, fromDay: startDay, toDay: endDay + STANDING_DAYS_AFTER,
        create: couponTemplateCreate.parse({
          name: `${standingNames[c.code]} 满${yuan(c.threshold)}减${yuan(c.off)}`, discount: { off: c.off }, minSpend: c.threshold,
          validity: { from: at(startDay), to: at(endDay + STANDING_DAYS_AFTER) }, total: -1, perCustomer: 1000,
        }),
      });
    }

    this.pricing = this.promotions.map(({ key, create }) => ({
      id: key, name: create.name, kind: create.kind, rule: create.rule, startsAt: Date.parse(create.startsAt), endsAt: Date.parse(create.endsAt),
      scope: compileScope(create.scope), audience: create.audience, stacking: create.stacking, usesLeft: null, discountLeft: null, customerUsesLeft: null,
    }) as PricingPromotion);
    this.lineSources = new Set(this.promotions.filter((p) => p.create.kind === 'timed_discount').map((p) => p.key));
  }

  private addTemplate(template: DemoCouponTemplate) {
    this.templates.push(template);
    this.couponsByCode.set(template.code, [...(this.couponsByCode.get(template.code) ?? []), template]);
  }

  /** The template a coupon of the calendar (or a standing one) is claimed from on a day. */
  templateOf(coupon: CampaignCoupon, day: number): DemoCouponTemplate {
    const template = this.couponsByCode.get(coupon.code)?.find((t) => t.fromDay <= day && day < t.toDay);
    if (!template) throw new Error(`demo: no coupon template ${coupon.code} on ${fromDayNumber(day)}`);
    return template;
  }

  /** The engine's form of a claimed coupon of the template. */
  pricingCoupon(template: DemoCouponTemplate): PricingCoupon {
    const t = template.create;
    return { code: template.key, templateId: template.key, name: t.name, discount: t.discount, minSpend: t.minSpend, scope: compileScope(t.scope), audience: t.audience, stacking: t.stacking };
  }
}
