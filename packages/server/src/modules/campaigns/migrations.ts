import type { Migration } from '../../platform/db';

/**
 * The campaigns module's tables (`group_buy_ledger` is append-only like `flash_sale_ledger`). `flash_sale_ledger` is append-only (each entry keyed; a unit given
 * back is a new entry pointing at the one that took it); a reservation's row carries its state, moved
 * only by the transitions in states.ts.
 */
export const campaignsMigrations: Migration[] = [
  {
    id: 'campaigns/001_flash_sales',
    statements: [
      `create table flash_sales (
        shop_id text not null, id text not null, seq bigserial,
        name text not null, sku text not null, price bigint not null, stock bigint not null, per_customer integer not null,
        starts_at timestamptz not null, ends_at timestamptz not null, hold_minutes integer not null,
        created_at timestamptz not null default now(),
        primary key (shop_id, id)
      )`,
      `create table flash_sale_reservations (
        shop_id text not null, id text not null, flash_sale_id text not null, customer_id text not null,
        sku text not null, price bigint not null, quantity integer not null, state text not null,
        idempotency_key text not null, order_id text, expires_at timestamptz not null,
        -- When an expired or cancelled reservation's units went back to the counter (once, by the give-back job).
        returned_at timestamptz,
        created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
        primary key (shop_id, id)
      )`,
      `create unique index flash_sale_reservations_key on flash_sale_reservations (shop_id, flash_sale_id, idempotency_key)`,
      `create index flash_sale_reservations_sale on flash_sale_reservations (shop_id, flash_sale_id, state)`,
      `create index flash_sale_reservations_order on flash_sale_reservations (shop_id, order_id) where order_id is not null`,
      // The units a customer holds or has bought in a sale, checked and counted in the reservation's transaction.
      `create table flash_sale_customers (
        shop_id text not null, flash_sale_id text not null, customer_id text not null, units integer not null,
        primary key (shop_id, flash_sale_id, customer_id)
      )`,
      `create table flash_sale_ledger (
        id bigserial primary key, shop_id text not null, flash_sale_id text not null, reservation_id text not null,
        kind text not null, quantity integer not null, order_id text, reverses text,
        key text not null unique, at timestamptz not null default now()
      )`,
      `create index flash_sale_ledger_sale on flash_sale_ledger (shop_id, flash_sale_id, id)`,
    ],
  },
  {
    id: 'campaigns/002_group_buys',
    statements: [
      `create table group_buys (
        shop_id text not null, id text not null, seq bigserial,
        name text not null, sku text not null, price bigint not null, group_size integer not null, hours integer not null, per_customer integer not null,
        starts_at timestamptz not null, ends_at timestamptz not null, created_at timestamptz not null default now(),
        primary key (shop_id, id)
      )`,
      // A group's row is the lock every change of it takes (FOR UPDATE): seats and paid counted under it.
      `create table group_buy_groups (
        shop_id text not null, id text not null, seq bigserial, group_buy_id text not null, leader_customer_id text not null,
        state text not null, group_size integer not null, seats integer not null, paid integer not null,
        idempotency_key text not null, expires_at timestamptz not null, closed_at timestamptz,
        created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
        primary key (shop_id, id)
      )`,
      `create unique index group_buy_groups_key on group_buy_groups (shop_id, group_buy_id, idempotency_key)`,
      `create index group_buy_groups_buy on group_buy_groups (shop_id, group_buy_id, seq)`,
      `create table group_buy_members (
        shop_id text not null, group_id text not null, group_buy_id text not null, customer_id text not null, order_id text not null,
        leader boolean not null, state text not null, idempotency_key text not null,
        -- The refund of a member paid into a failed group: its amount, decided once, and when commerce took it.
        refund_amount bigint, refunded_at timestamptz,
        joined_at timestamptz not null default now(), updated_at timestamptz not null default now(),
        primary key (shop_id, order_id)
      )`,
      `create unique index group_buy_members_customer on group_buy_members (shop_id, group_id, customer_id) where state <> 'left'`,
      `create unique index group_buy_members_key on group_buy_members (shop_id, group_id, idempotency_key)`,
      `create index group_buy_members_group on group_buy_members (shop_id, group_id)`,
      // The groups a customer is in (forming or succeeded), checked against perCustomer in the join's transaction.
      `create table group_buy_customers (
        shop_id text not null, group_buy_id text not null, customer_id text not null, active_groups integer not null,
        primary key (shop_id, group_buy_id, customer_id)
      )`,
      `create table group_buy_ledger (
        id bigserial primary key, shop_id text not null, group_buy_id text not null, group_id text not null,
        kind text not null, customer_id text, order_id text, amount bigint, reverses text,
        key text not null unique, at timestamptz not null default now()
      )`,
      `create index group_buy_ledger_group on group_buy_ledger (shop_id, group_id, id)`,
    ],
  },
];
