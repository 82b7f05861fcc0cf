import { randomBytes } from 'node:crypto';
import type { CouponDiscount, CouponTemplate, CouponTemplateCreate, CouponValidity, CustomerCoupon, PricingAudience, PricingScope, Stacking } from '@flywheel/contracts';
import { sql } from 'kysely';
import type { HotCounters } from '../../platform/counters';
import { type Db, isUniqueViolation } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import type { Trx } from '../../platform/jobs';
import { audienceRefusal } from './pricing/explain';
import type { PricingCustomer } from './pricing/types';
import { couponState } from './states';
import type { ShopVersions } from './versions';

/** A refusal of a lever with its own code in the error body (`sold_out`, `limit_reached`), answered 409. */
export class LeverRefusal extends FlywheelError {
  constructor(readonly refusal: string, message: string, field?: string) {
    super('conflict', message, field);
  }

  override toBody() {
    return { error: { code: this.refusal as FlywheelError['code'], message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

export interface StoredTemplate {
  id: string;
  seq: number;
  name: string;
  discount: CouponDiscount;
  minSpend: number;
  scope: PricingScope;
  validity: CouponValidity;
  total: number;
  perCustomer: number;
  audience: PricingAudience;
  stacking: Stacking;
  createdAt: string;
}

/** The hot counter of a template's coupons still to give. */
export const templateCounter = (shopId: string, templateId: string) => `coupon:${shopId}:${templateId}:left`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function templateOf(r: any): StoredTemplate {
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return {
    id: r.id, seq: Number(r.seq), name: r.name, discount: json(r.discount), minSpend: Number(r.min_spend), scope: json(r.scope), validity: json(r.validity),
    total: Number(r.total), perCustomer: Number(r.per_customer), audience: json(r.audience), stacking: json(r.stacking), createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Codes people can type: no 0/O or 1/I. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function newCode(): string {
  let out = '';
  for (const b of randomBytes(12)) out += CODE_ALPHABET[b % CODE_ALPHABET.length];
  return out;
}


/** Where a coupon's validity starts and ends for one given out at `at`. */
function validityAt(validity: CouponValidity, at: Date): { from: string | null; to: string } {
  if ('days' in validity) return { from: null, to: new Date(at.getTime() + validity.days * 86_400_000).toISOString() };
  return { from: new Date(validity.from).toISOString(), to: new Date(validity.to).toISOString() };
}

class LimitReached extends Error {}
class AlreadyClaimed extends Error {}

/**
 * Coupon templates and their coupons: a claim by a customer (idempotent by key; the template's total
 * a hot counter, the customer's limit a conditional upsert, both in the claim's transaction), codes
 * in bulk, a customer's coupons. Pricing reads templates from memory (with the shop's version).
 */
export class CouponService {
  private readonly templates = new Map<string, { version: number; byId: Map<string, StoredTemplate> }>();

  constructor(private readonly db: Db, private readonly counters: HotCounters, private readonly versions: ShopVersions) {}

  async createTemplate(shopId: string, input: CouponTemplateCreate, now = new Date()): Promise<CouponTemplate> {
    const id = newId('ctpl');
    if (input.total > 0) await this.counters.set(templateCounter(shopId, id), input.total);
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('coupon_templates').values({
        shop_id: shopId, id, name: input.name, discount: JSON.stringify(input.discount), min_spend: input.minSpend, scope: JSON.stringify(input.scope),
        validity: JSON.stringify(input.validity), total: input.total, per_customer: input.perCustomer, audience: JSON.stringify(input.audience),
        stacking: JSON.stringify(input.stacking), created_at: now.toISOString(),
      }).execute();
      await this.versions.bump(trx, shopId, 'promotions');
    });
    this.versions.stale(shopId);
    return this.getTemplate(shopId, id);
  }

  async template(shopId: string, id: string): Promise<StoredTemplate> {
    const row = await this.db.selectFrom('coupon_templates').selectAll().where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new FlywheelError('not_found', `no coupon template ${id} in this shop`, 'templateId');
    return templateOf(row);
  }

  /** Templates by id from memory, for pricing. */
  async templatesById(shopId: string): Promise<Map<string, StoredTemplate>> {
    const version = (await this.versions.current(shopId)).promotions;
    const known = this.templates.get(shopId);
    if (known && known.version === version) return known.byId;
    const rows = await this.db.selectFrom('coupon_templates').selectAll().where('shop_id', '=', shopId).execute();
    const byId = new Map(rows.map((r) => [r.id as string, templateOf(r)]));
    this.templates.set(shopId, { version, byId });
    return byId;
  }

  async getTemplate(shopId: string, id: string): Promise<CouponTemplate> {
    const [view] = await this.views(shopId, [await this.template(shopId, id)]);
    return view;
  }

  async listTemplates(shopId: string): Promise<CouponTemplate[]> {
    const rows = await this.db.selectFrom('coupon_templates').selectAll().where('shop_id', '=', shopId).orderBy('seq', 'desc').execute();
    return this.views(shopId, rows.map(templateOf));
  }

  private async views(shopId: string, templates: StoredTemplate[]): Promise<CouponTemplate[]> {
    if (templates.length === 0) return [];
    const counts = await sql<{ template_id: string; state: string; n: number }>`
      select template_id, state, count(*)::bigint as n from coupons where shop_id = ${shopId} and template_id in (${sql.join(templates.map((t) => t.id))})
      group by template_id, state`.execute(this.db);
    const count = (id: string, state?: string) => counts.rows.filter((r) => r.template_id === id && (!state || r.state === state)).reduce((s, r) => s + Number(r.n), 0);
    const out: CouponTemplate[] = [];
    for (const t of templates) {
      const { seq: _seq, ...rest } = t;
      out.push({ ...rest, issued: count(t.id), remaining: t.total < 0 ? null : (await this.counters.remaining(templateCounter(shopId, t.id))) ?? 0, held: count(t.id, 'held'), redeemed: count(t.id, 'redeemed') });
    }
    return out;
  }

  /**
   * `POST /v1/coupons/claim`: one coupon of the template for the customer. The same idempotency key
   * gives the same coupon; past the template's total 409 `sold_out`, past the customer's limit 409
   * `limit_reached`, both exact under any concurrency (the counter's take and the customer's count
   * commit with the coupon, or not at all).
   */
  async claim(shopId: string, request: { templateId: string; customerId: string; idempotencyKey: string }, customer: () => Promise<PricingCustomer>, now = new Date()): Promise<{ code: string; expiresAt: string }> {
    const again = await this.claimed(shopId, request.templateId, request.idempotencyKey);
    if (again) return again;
    const template = await this.template(shopId, request.templateId);
    const validity = validityAt(template.validity, now);
    if (Date.parse(validity.to) <= now.getTime()) throw new LeverRefusal('ended', `coupon template ${template.id} has ended (valid until ${validity.to})`, 'templateId');
    const refusal = audienceRefusal(template.audience, await customer());
    if (refusal) throw new LeverRefusal('not_eligible', `customer ${request.customerId} is not in the audience of coupon template ${template.id}`, 'customerId');
    const code = newCode();
    const work = async (trx: Trx) => {
      const counted = await sql<{ claimed: number }>`
        insert into coupon_claims_per_customer (shop_id, template_id, customer_id, claimed) values (${shopId}, ${template.id}, ${request.customerId}, 1)
        on conflict (shop_id, template_id, customer_id) do update set claimed = coupon_claims_per_customer.claimed + 1
          where coupon_claims_per_customer.claimed < ${template.perCustomer}
        returning claimed`.execute(trx);
      if (counted.rows.length === 0) throw new LimitReached();
      try {
        await trx.insertInto('coupons').values({
          shop_id: shopId, code, template_id: template.id, customer_id: request.customerId, state: 'available', claim_key: request.idempotencyKey,
          claimed_at: now.toISOString(), valid_from: validity.from, expires_at: validity.to, updated_at: now.toISOString(),
        }).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new AlreadyClaimed();
        throw error;
      }
      await trx.insertInto('coupon_ledger').values({ shop_id: shopId, code, kind: 'claimed', key: `claim:${shopId}:${template.id}:${request.idempotencyKey}` }).execute();
      return { code, expiresAt: validity.to };
    };
    try {
      const given = template.total < 0 ? await this.db.transaction().execute(work) : await this.counters.withTaken(templateCounter(shopId, template.id), 1, work);
      if (!given) throw new LeverRefusal('sold_out', `coupon template ${template.id} has no coupons left (${template.total} given)`, 'templateId');
      return given;
    } catch (error) {
      if (error instanceof LimitReached) throw new LeverRefusal('limit_reached', `customer ${request.customerId} has claimed ${template.perCustomer} coupon(s) of template ${template.id}, the most allowed`, 'customerId');
      // A claim with the same key won the race: its coupon is the answer.
      if (error instanceof AlreadyClaimed) return (await this.claimed(shopId, request.templateId, request.idempotencyKey))!;
      throw error;
    }
  }

  private async claimed(shopId: string, templateId: string, key: string) {
    const row = await this.db.selectFrom('coupons').select(['code', 'expires_at']).where('shop_id', '=', shopId).where('template_id', '=', templateId).where('claim_key', '=', key).executeTakeFirst();
    return row ? { code: row.code as string, expiresAt: new Date(row.expires_at as string).toISOString() } : null;
  }

  /** `POST /v1/coupon-templates/:id/codes`: codes anyone may use once, counted against the template's total. */
  async makeCodes(shopId: string, templateId: string, count: number, now = new Date()): Promise<{ codes: string[]; expiresAt: string | null }> {
    const template = await this.template(shopId, templateId);
    const validity = validityAt(template.validity, now);
    const codes = Array.from({ length: count }, newCode);
    const work = async (trx: Trx) => {
      for (let i = 0; i < codes.length; i += 1000) {
        await trx.insertInto('coupons').values(codes.slice(i, i + 1000).map((code) => ({
          shop_id: shopId, code, template_id: template.id, customer_id: null, state: 'available', claim_key: null,
          claimed_at: now.toISOString(), valid_from: validity.from, expires_at: validity.to, updated_at: now.toISOString(),
        }))).execute();
        await trx.insertInto('coupon_ledger').values(codes.slice(i, i + 1000).map((code) => ({ shop_id: shopId, code, kind: 'issued', key: `issue:${shopId}:${code}` }))).execute();
      }
      return codes;
    };
    const made = template.total < 0 ? await this.db.transaction().execute(work) : await this.counters.withTaken(templateCounter(shopId, template.id), count, work);
    if (!made) throw new LeverRefusal('sold_out', `coupon template ${template.id} has fewer than ${count} coupons left`, 'count');
    return { codes: made, expiresAt: validity.to };
  }

  /** A customer's coupons (the profile's 优惠券), newest first. */
  async ofCustomer(shopId: string, customerId: string, now = new Date()): Promise<CustomerCoupon[]> {
    const rows = await this.db.selectFrom('coupons').selectAll().where('shop_id', '=', shopId).where('customer_id', '=', customerId).orderBy('claimed_at', 'desc').limit(1000).execute();
    const templates = await this.templatesById(shopId);
    return rows.map((r) => {
      const t = templates.get(r.template_id as string);
      return {
        code: r.code as string, templateId: r.template_id as string, name: t?.name ?? '', discount: t?.discount ?? { off: 0 }, minSpend: t?.minSpend ?? 0,
        state: couponState(r.state as 'available', Date.parse(r.expires_at as string), now.getTime()),
        claimedAt: new Date(r.claimed_at as string).toISOString(), expiresAt: new Date(r.expires_at as string).toISOString(), orderId: (r.order_id as string | null) ?? null,
      };
    });
  }

  /** The coupons of these codes as stored (for pricing). */
  async byCodes(shopId: string, codes: readonly string[]) {
    if (codes.length === 0) return new Map<string, { code: string; templateId: string; customerId: string | null; state: string; holdId: string | null; validFrom: number | null; expiresAt: number }>();
    const rows = await this.db.selectFrom('coupons').select(['code', 'template_id', 'customer_id', 'state', 'hold_id', 'valid_from', 'expires_at'])
      .where('shop_id', '=', shopId).where('code', 'in', [...new Set(codes)]).execute();
    return new Map(rows.map((r) => [r.code as string, {
      code: r.code as string, templateId: r.template_id as string, customerId: (r.customer_id as string | null) ?? null, state: r.state as string, holdId: (r.hold_id as string | null) ?? null,
      validFrom: r.valid_from ? Date.parse(r.valid_from as string) : null, expiresAt: Date.parse(r.expires_at as string),
    }]));
  }
}
