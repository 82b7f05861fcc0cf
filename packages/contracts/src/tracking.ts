import { z } from 'zod';
import { isoTimestamp } from './common';

/** Segment's e-commerce events (v2 spec) that Flywheel understands with their standard properties. */
export const ecommerceEvents = [
  'Product Viewed',
  'Product Added',
  'Product Removed',
  'Cart Viewed',
  'Checkout Started',
  'Order Completed',
  'Products Searched',
  'Coupon Applied',
  'Signed Up',
  'Signed In',
  'Product Shared',
  'Product Reviewed',
] as const;
export type EcommerceEvent = (typeof ecommerceEvents)[number];

export const MAX_BATCH_EVENTS = 500;
export const MAX_BATCH_BYTES = 500 * 1024;

const id = z.union([z.string().min(1).max(200), z.number()]).transform(String);

export const campaignContext = z
  .object({
    source: z.string().optional(),
    medium: z.string().optional(),
    name: z.string().optional(),
    term: z.string().optional(),
    content: z.string().optional(),
  })
  .loose();

export const pageContext = z
  .object({
    url: z.string().optional(),
    path: z.string().optional(),
    referrer: z.string().optional(),
    title: z.string().optional(),
    search: z.string().optional(),
  })
  .loose();

export const eventContext = z
  .object({
    page: pageContext.optional(),
    campaign: campaignContext.optional(),
    userAgent: z.string().optional(),
    ip: z.string().optional(),
    locale: z.string().optional(),
  })
  .loose();

const common = {
  messageId: z.string().min(1).max(200).optional(),
  anonymousId: id.optional(),
  userId: id.optional(),
  timestamp: isoTimestamp.optional(),
  originalTimestamp: isoTimestamp.optional(),
  sentAt: isoTimestamp.optional(),
  context: eventContext.optional(),
  integrations: z.record(z.string(), z.unknown()).optional(),
};

export const trackCall = z.object({ ...common, type: z.literal('track').optional(), event: z.string().min(1).max(200), properties: z.record(z.string(), z.unknown()).optional() });
export const pageCall = z.object({ ...common, type: z.enum(['page', 'screen']).optional(), name: z.string().max(500).optional(), category: z.string().optional(), properties: z.record(z.string(), z.unknown()).optional() });
export const identifyCall = z.object({ ...common, type: z.literal('identify').optional(), traits: z.record(z.string(), z.unknown()).optional() });
export const aliasCall = z.object({ ...common, type: z.literal('alias').optional(), previousId: id });

export type TrackCall = z.infer<typeof trackCall>;
export type PageCall = z.infer<typeof pageCall>;
export type IdentifyCall = z.infer<typeof identifyCall>;
export type AliasCall = z.infer<typeof aliasCall>;

export const callTypes = ['track', 'page', 'screen', 'identify', 'alias'] as const;
export type CallType = (typeof callTypes)[number];

/**
 * One element of a /v1/batch body: an object whose `type` says which call it is. Each item is validated
 * on its own by the tracking service, so an item that is not an object, or has no or an unknown type,
 * is rejected by index and the others land.
 */
export const batchItem = z.unknown().describe(`a call: an object with type one of ${callTypes.join(', ')}`);
export const batchBody = z.object({
  batch: z.array(batchItem).max(MAX_BATCH_EVENTS, { error: `at most ${MAX_BATCH_EVENTS} events a call` }),
  sentAt: isoTimestamp.optional(),
  context: eventContext.optional(),
});

export const trackResult = z.object({ success: z.literal(true), accepted: z.number().int(), duplicates: z.number().int() });
export type TrackResult = z.infer<typeof trackResult>;

/** `GET /v1/events/recent`: the newest events, or those received after a cursor (for a live debugger). */
export const recentEventsQuery = z.object({
  after: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const recentEvents = z.object({
  events: z.array(z.object({
    messageId: z.string(), type: z.string(), event: z.string().nullable(), anonymousId: z.string().nullable(), userId: z.string().nullable(),
    sessionId: z.string().nullable(), channel: z.string().nullable(), timestamp: z.string(), receivedAt: z.string(), properties: z.record(z.string(), z.unknown()),
  })),
  /** Pass as `after` to get only what arrived since. */
  cursor: z.string().nullable(),
});
export type RecentEvents = z.infer<typeof recentEvents>;
