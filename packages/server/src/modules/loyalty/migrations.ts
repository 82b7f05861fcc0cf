import type { Migration } from '../../platform/db';

/**
 * Loyalty's tables. The ledger is `points_entries` with `points_allocations` (append-only: a reversal
 * is a new entry); `points_lots` and `loyalty_members` are the state derived from it, kept in the
 * same transactions (a lot's `remaining` is its amount less its allocations, a member's `owed` the
 * clawbacks not covered less what later lots settled; tests check both against the ledger).
 * `loyalty_orders`, `loyalty_refunds` and `loyalty_interactions` are what loyalty keeps of the
 * shop's events to compute growth values (it reads no other module's tables).
 */
export const loyaltyMigrations: Migration[] = [
  {
    id: 'loyalty/001_program_members_ledger',
    statements: [
      // Versions of a shop's program: version n applies from effective_from on (the default before version 1).
      `create table loyalty_programs (
        shop_id text not null, version integer not null,
        program jsonb not null, effective_from timestamptz not null,
        created_by text, created_at timestamptz not null default now(),
        primary key (shop_id, version)
      )`,
      `create table loyalty_members (
        shop_id text not null, customer_id text not null,
        tier text not null, tier_since timestamptz not null,
        -- The first thing loyalty knew of them (business time): members of the report from then on.
        since timestamptz not null,
        birthday text,
        owed bigint not null default 0,
        last_sign_in text, streak integer not null default 0,
        created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
        primary key (shop_id, customer_id)
      )`,
      `create index loyalty_members_tier on loyalty_members (shop_id, tier)`,
      `create table loyalty_orders (
        shop_id text not null, order_id text not null, customer_id text not null,
        paid_amount bigint not null, refunded bigint not null default 0, paid_at timestamptz not null,
        unit bigint not null, growth_rate bigint not null, points_rate bigint not null,
        -- Points credited for the order so far (earned less clawed back): what a refund compares against.
        credited bigint not null default 0,
        lot_id text,
        primary key (shop_id, order_id)
      )`,
      `create index loyalty_orders_customer on loyalty_orders (shop_id, customer_id, paid_at)`,
      `create index loyalty_orders_paid on loyalty_orders (shop_id, paid_at)`,
      `create table loyalty_refunds (
        shop_id text not null, refund_id text not null, order_id text not null,
        amount bigint not null, created_at timestamptz not null,
        primary key (shop_id, refund_id)
      )`,
      `create index loyalty_refunds_order on loyalty_refunds (shop_id, order_id)`,
      `create table loyalty_interactions (
        shop_id text not null, key text not null, customer_id text not null,
        kind text not null, at timestamptz not null, growth integer not null,
        primary key (shop_id, key)
      )`,
      `create index loyalty_interactions_customer on loyalty_interactions (shop_id, customer_id, at)`,
      `create table loyalty_tier_changes (
        id bigserial primary key, shop_id text not null, customer_id text not null,
        from_tier text, to_tier text not null, reason text not null, growth bigint not null, source text,
        at timestamptz not null, key text not null,
        unique (shop_id, key)
      )`,
      `create index loyalty_tier_changes_customer on loyalty_tier_changes (shop_id, customer_id, at)`,
      `create index loyalty_tier_changes_at on loyalty_tier_changes (shop_id, at)`,
      `create table points_entries (
        seq bigserial primary key, id text not null unique,
        shop_id text not null, customer_id text not null,
        amount bigint not null, kind text not null, source text not null,
        idempotency_key text not null, request_hash text, reason text,
        -- The entry it reverses (a clawback: the order's earning).
        reverses text,
        -- When it happened in the shop (an earning at the payment, an expiry at the lot's time); recorded_at is when it was written.
        created_at timestamptz not null, recorded_at timestamptz not null default now(),
        unique (shop_id, idempotency_key)
      )`,
      `create index points_entries_customer on points_entries (shop_id, customer_id, seq)`,
      `create index points_entries_created on points_entries (shop_id, created_at)`,
      `create table points_allocations (
        shop_id text not null, customer_id text not null,
        entry_id text not null, lot_id text not null, amount bigint not null, kind text not null, at timestamptz not null
      )`,
      `create index points_allocations_lot on points_allocations (lot_id)`,
      `create index points_allocations_at on points_allocations (shop_id, at)`,
      `create table points_lots (
        id text primary key, shop_id text not null, customer_id text not null,
        amount bigint not null, remaining bigint not null, status text not null,
        available_at timestamptz not null, expires_at timestamptz, expiry text not null,
        created_at timestamptz not null
      )`,
      `create index points_lots_open on points_lots (shop_id, customer_id) where remaining > 0`,
      `create index points_lots_due on points_lots (shop_id, available_at) where status = 'pending'`,
      `create index points_lots_expiring on points_lots (shop_id, expires_at) where remaining > 0`,
      `create index points_lots_created on points_lots (shop_id, created_at)`,
    ],
  },
];
