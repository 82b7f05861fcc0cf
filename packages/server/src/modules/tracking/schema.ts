import type { AnalyticsSchema } from '../../platform/analytics-store';

export const trackingAnalyticsSchema: AnalyticsSchema = {
  name: 'tracking',
  statements: [
    `create table if not exists events (shop_id varchar, message_id varchar, type varchar, event varchar,
      anonymous_id varchar, user_id varchar, ts timestamptz, received_at timestamptz,
      session_id varchar, channel varchar, utm_source varchar, utm_medium varchar, utm_campaign varchar, referrer varchar, url varchar, path varchar,
      product_id varchar, sku varchar, category varchar, order_id varchar, query varchar, properties json)`,
    `create table if not exists identities (shop_id varchar, anonymous_id varchar, user_id varchar, ts timestamptz)`,
    // A person is the customer (userId) once known, else the anonymous device; earlier anonymous events
    // of a device belong to the customer it was first linked to (`identity_links`: one row a device).
    `create or replace view identity_links as select shop_id, anonymous_id, arg_min(user_id, ts) as user_id from identities group by all`,
    `create or replace view tracked_events as
      select e.*, coalesce(e.user_id, i.user_id, e.anonymous_id) as person_id
      from events e left join identity_links i on i.shop_id = e.shop_id and i.anonymous_id = e.anonymous_id`,
  ],
  shared: {
    events: 'append-only (a row is never changed or deleted, except a person erased); rowids are dense and grow in commit order, so a reader that keeps the last rowid it read sees every later row exactly once (the visits and sessions rollups, behaviour triggers). `channel` is what the event alone names (its campaign tag or outside referrer; direct when none): sessions and their channels are cut by event time by analytics. `session_id` is the device\'s visit in arrival order, a hint for people reading events, not a session of PRODUCT.md',
    tracked_events: 'events with person_id: the customer (userId) once known, else the device, after identity stitching',
    identity_links: 'one row per device: the customer it was first linked to',
  },
};
