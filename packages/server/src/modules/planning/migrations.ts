import type { Migration } from '../../platform/db';

/**
 * Plans, targets, budgets and alerts. Dates of periods are `YYYY-MM-DD` text (local dates in the shop's
 * time zone, compared as strings), so both drivers hand back exactly what was stored. Target values are
 * double precision: minor units up to 2^53 are exact in it, and ratios need decimals.
 */
export const planningMigrations: Migration[] = [
  {
    id: 'planning/001_plans_targets_budgets_alerts',
    statements: [
      `create table planning_plans (
        shop_id text not null, id text not null,
        name text not null, period_label text not null, period_from text not null, period_to text not null,
        owner text, note text, status text not null default 'active',
        created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
        primary key (shop_id, id)
      )`,
      `create table planning_targets (
        shop_id text not null, id text not null, plan_id text not null, parent_id text,
        metric text not null, value double precision not null,
        period_label text not null, period_from text not null, period_to text not null, period_grain text not null,
        dimension text, dimension_value text, owner text, note text,
        split_by text, method text, assumptions jsonb,
        created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
        primary key (shop_id, id)
      )`,
      `create index planning_targets_plan on planning_targets (shop_id, plan_id)`,
      `create index planning_targets_metric on planning_targets (shop_id, metric, period_from)`,
      `create table planning_budgets (
        shop_id text not null, id text not null,
        month text not null, channel text not null, campaign text not null default '',
        amount bigint not null, roas_floor double precision, cac_ceiling bigint, note text,
        created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
        primary key (shop_id, id),
        unique (shop_id, month, channel, campaign)
      )`,
      `create table planning_alert_settings (
        shop_id text primary key,
        settings jsonb not null,
        updated_at timestamptz not null default now()
      )`,
      `create table planning_alerts (
        shop_id text not null, id text not null,
        condition_key text not null, kind text not null, severity text not null, status text not null,
        message text not null, data jsonb not null,
        opened_at timestamptz not null, last_seen_at timestamptz not null, closed_at timestamptz,
        delivery_status text not null, delivery_attempts integer not null default 0, delivered_at timestamptz, last_error text,
        primary key (shop_id, id)
      )`,
      // One open episode per condition: two evaluations racing cannot both open (and notify) it.
      `create unique index planning_alerts_open_episode on planning_alerts (shop_id, condition_key) where status = 'open'`,
      `create index planning_alerts_recent on planning_alerts (shop_id, opened_at)`,
    ],
  },
  {
    // An alert's text as a message key and its values (contracts' texts.ts), rendered in the reader's language.
    id: 'planning/002_alert_texts',
    statements: ['alter table planning_alerts add column text jsonb'],
  },
];
