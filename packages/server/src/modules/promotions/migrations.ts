import type { Migration } from '../../platform/db';

/**
 * The promotions module's tables. Ledgers are append-only (`promotion_ledger`, `coupon_ledger`: each
 * entry keyed, a reversal a new entry); the rows of promotions, templates, coupons and holds carry
 * their state, moved only by the transitions in states.ts.
 */
export const promotionsMigrations: Migration[] = [
  {
    id: 'promotions/001_init',
    statements: [
      `create table promotions (
        shop_id text not null, id text not null, seq bigserial,
        name text not null, kind text not null, status text not null,
        starts_at timestamptz not null, ends_at timestamptz not null,
        scope jsonb not null, audience jsonb not null, budget jsonb not null, stacking jsonb not null, rule jsonb not null,
        created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
        primary key (shop_id, id)
      )`,
      // Bumped with every change a process's in-memory index depends on; other processes look at it.
      `create table promotion_versions (shop_id text primary key, promotions bigint not null default 0, catalog bigint not null default 0)`,
      // The catalogue as pricing reads it, kept from commerce's product.upserted events.
      `create table promotion_catalog (
        shop_id text not null, sku text not null, product_id text not null, title text, category text, price bigint not null, cost bigint,
        primary key (shop_id, sku)
      )`,
      `create index promotion_catalog_product on promotion_catalog (shop_id, product_id)`,
      `create table coupon_templates (
        shop_id text not null, id text not null, seq bigserial,
        name text not null, discount jsonb not null, min_spend bigint not null, scope jsonb not null, validity jsonb not null,
        total bigint not null, per_customer integer not null, audience jsonb not null, stacking jsonb not null,
        created_at timestamptz not null default now(),
        primary key (shop_id, id)
      )`,
      `create table coupons (
        shop_id text not null, code text not null, template_id text not null, customer_id text,
        state text not null, claim_key text, claimed_at timestamptz not null, valid_from timestamptz, expires_at timestamptz not null,
        hold_id text, order_id text, updated_at timestamptz not null default now(),
        primary key (shop_id, code)
      )`,
      `create unique index coupons_claim_key on coupons (shop_id, template_id, claim_key)`,
      `create index coupons_customer on coupons (shop_id, customer_id)`,
      `create index coupons_template on coupons (shop_id, template_id, state)`,
      `create table coupon_claims_per_customer (
        shop_id text not null, template_id text not null, customer_id text not null, claimed integer not null,
        primary key (shop_id, template_id, customer_id)
      )`,
      `create table coupon_ledger (
        id bigserial primary key, shop_id text not null, code text not null, kind text not null,
        hold_id text, order_id text, key text not null unique, at timestamptz not null default now()
      )`,
      `create table pricing_holds (
        shop_id text not null, id text not null, order_id text not null, customer_id text,
        fingerprint text not null, state text not null, expires_at timestamptz not null,
        answer jsonb, lines jsonb, promotions jsonb, coupons jsonb, points bigint not null default 0,
        shipping_fee bigint not null default 0, currency text not null,
        order_status text, refunds jsonb not null default '{}',
        created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
        primary key (shop_id, id), unique (shop_id, order_id)
      )`,
      `create index pricing_holds_state on pricing_holds (shop_id, state)`,
      // What a hold took: a coupon, a promotion's use or discount (hot counters), a customer's use, points.
      `create table pricing_hold_takes (
        shop_id text not null, hold_id text not null, resource text not null, counter text, amount bigint not null, state text not null,
        primary key (shop_id, hold_id, resource)
      )`,
      `create table promotion_customer_uses (
        shop_id text not null, promotion_id text not null, customer_id text not null, uses integer not null,
        primary key (shop_id, promotion_id, customer_id)
      )`,
      `create table promotion_ledger (
        id bigserial primary key, shop_id text not null, promotion_id text not null, order_id text not null, customer_id text,
        kind text not null, discount bigint not null, cost bigint not null, sales bigint not null, at timestamptz not null,
        key text not null unique
      )`,
      `create index promotion_ledger_promotion on promotion_ledger (shop_id, promotion_id, at)`,
    ],
  },
];
