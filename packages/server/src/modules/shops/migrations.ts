import type { Migration } from '../../platform/db';

export const shopMigrations: Migration[] = [
  {
    id: 'shops/001_init',
    statements: [
      `create table shops (
        id text primary key,
        name text not null,
        timezone text not null default 'Asia/Shanghai',
        currency text not null default 'CNY',
        channel_mapping jsonb,
        created_at timestamptz not null default now()
      )`,
      `create table operators (
        id text primary key,
        email text not null unique,
        name text not null,
        password_hash text not null,
        created_at timestamptz not null default now()
      )`,
      `create table shop_members (
        shop_id text not null references shops(id),
        operator_id text not null references operators(id),
        role text not null check (role in ('owner','operator','analyst','viewer')),
        primary key (shop_id, operator_id)
      )`,
      `create table operator_sessions (
        token_hash text primary key,
        operator_id text not null references operators(id),
        shop_id text not null references shops(id),
        expires_at timestamptz not null
      )`,
      `create table api_keys (
        id text primary key,
        shop_id text not null references shops(id),
        kind text not null check (kind in ('publishable','secret')),
        key_hash text not null unique,
        prefix text not null,
        label text,
        created_at timestamptz not null default now(),
        revoked_at timestamptz
      )`,
      `create table audit_log (
        id bigserial primary key,
        shop_id text not null,
        actor text not null,
        action text not null,
        detail jsonb,
        created_at timestamptz not null default now()
      )`,
    ],
  },
];
