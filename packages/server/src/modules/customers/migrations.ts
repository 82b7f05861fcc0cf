import type { Migration } from '../../platform/db';

/**
 * The customers module's own tables: the lifecycle settings, tags set by hand, saved segments with
 * their size history, and erasures in progress. Customer records, orders and events belong to
 * commerce and tracking; this module reaches them through their services (Postgres) or reads their
 * analytics tables (DuckDB).
 */
export const customersMigrations: Migration[] = [
  {
    id: 'customers/001_settings_tags_segments_erasures',
    statements: [
      `create table customer_settings (
        shop_id text primary key,
        new_days integer not null, active_days integer not null, dormant_days integer not null,
        updated_at timestamptz not null default now()
      )`,
      // A tag added or removed by hand; `removed` also hides a tag the shop's own records carry.
      `create table customer_tags (
        shop_id text not null, customer_id text not null, tag text not null,
        state text not null check (state in ('added', 'removed')),
        updated_at timestamptz not null default now(), updated_by text,
        primary key (shop_id, customer_id, tag)
      )`,
      `create table segments (
        shop_id text not null, id text not null,
        name text not null, description text, rule jsonb not null,
        size integer not null, size_at timestamptz not null,
        created_by text, created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
        primary key (shop_id, id)
      )`,
      // One point a local day: the size last measured that day.
      `create table segment_sizes (
        shop_id text not null, segment_id text not null, date text not null,
        size integer not null, measured_at timestamptz not null,
        primary key (shop_id, segment_id, date)
      )`,
      // An erasure holds the external id only until every store has forgotten it (then it is set to null).
      `create table customer_erasures (
        shop_id text not null, anonymous_id text not null, external_id text,
        requested_by text, requested_at timestamptz not null default now(), completed_at timestamptz,
        primary key (shop_id, anonymous_id)
      )`,
      `create unique index customer_erasures_pending on customer_erasures (shop_id, external_id) where external_id is not null`,
    ],
  },
];
