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
  {
    id: 'shops/002_invitations_and_login_failures',
    statements: [
      `create table operator_invitations (
        id text primary key,
        shop_id text not null references shops(id),
        email text not null,
        role text not null check (role in ('owner','operator','analyst','viewer')),
        token_hash text not null unique,
        invited_by text not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        accepted_at timestamptz,
        revoked_at timestamptz
      )`,
      `create index operator_invitations_shop on operator_invitations (shop_id, created_at)`,
      // One row per failed login, by account and by address, for the attempt limits (any process may read them).
      `create table login_failures (
        key text not null,
        failed_at timestamptz not null default now()
      )`,
      `create index login_failures_key on login_failures (key, failed_at)`,
      `create unique index operators_email_lower on operators (lower(email))`,
    ],
  },
  {
    // An attempt is counted before its password is checked, so concurrent guesses see each other.
    id: 'shops/003_login_attempts',
    statements: [`alter table login_failures add column attempt text`],
  },
  {
    // 涨红跌绿 unless the shop asks for good news in green (changeColours in contracts' metric-catalog.ts).
    id: 'shops/004_change_colours',
    statements: [`alter table shops add column change_colours text not null default 'red_up' check (change_colours in ('red_up','good_green'))`],
  },
];
