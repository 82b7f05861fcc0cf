import type { Migration } from '../../platform/db';

export const commerceMigrations: Migration[] = [
  {
    id: 'commerce/001_init',
    statements: [
      `create table products (
        shop_id text not null, external_id text not null,
        title text not null, category text not null, brand text, status text not null,
        content_hash text not null, updated_at timestamptz not null default now(),
        primary key (shop_id, external_id)
      )`,
      `create table skus (
        shop_id text not null, sku text not null, product_id text not null,
        price bigint not null, cost bigint, attributes jsonb,
        primary key (shop_id, sku)
      )`,
      `create index skus_product on skus (shop_id, product_id)`,
      `create table customers (
        shop_id text not null, external_id text not null,
        name text, phone text, email text, gender text, birthday date, province text, city text,
        registered_at timestamptz, channel text, tags jsonb,
        content_hash text not null, updated_at timestamptz not null default now(),
        primary key (shop_id, external_id)
      )`,
      `create table orders (
        shop_id text not null, external_id text not null, customer_id text not null,
        status text not null, items jsonb not null,
        shipping_fee bigint not null, discount bigint not null, payable_amount bigint not null, paid_amount bigint,
        refunded_amount bigint not null default 0, currency text not null,
        placed_at timestamptz not null, paid_at timestamptz, shipped_at timestamptz, completed_at timestamptz, cancelled_at timestamptz,
        platform text, channel text, campaign text, coupon_codes jsonb,
        content_hash text not null, updated_at timestamptz not null default now(),
        primary key (shop_id, external_id)
      )`,
      `create index orders_customer on orders (shop_id, customer_id)`,
      `create table refunds (
        shop_id text not null, external_id text not null, order_id text not null,
        amount bigint not null, items jsonb, reason text, created_at timestamptz not null,
        content_hash text not null,
        primary key (shop_id, external_id)
      )`,
      `create table inventory_levels (
        shop_id text not null, sku text not null, warehouse text not null,
        on_hand integer not null, reserved integer not null, updated_at timestamptz not null,
        content_hash text not null,
        primary key (shop_id, sku, warehouse)
      )`,
      `create table marketing_spend (
        shop_id text not null, date date not null, channel text not null, campaign text not null,
        amount bigint not null, impressions bigint, clicks bigint,
        content_hash text not null,
        primary key (shop_id, date, channel, campaign)
      )`,
    ],
  },
];
