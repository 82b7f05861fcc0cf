/** Behaviour events: Segment-compatible ingestion, de-duplication, sessions, identities, channels. The only door into the module. */
export { TrackingService } from './service';
export { trackingAnalyticsSchema } from './schema';
export { trackingRoutes } from './routes';
export { defaultChannelRules } from './channels';
