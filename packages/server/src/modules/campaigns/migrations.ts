import type { Migration } from '../../platform/db';

/**
 * The campaigns module's tables. `flash_sale_ledger` is append-only (each entry keyed; a unit given
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
];
