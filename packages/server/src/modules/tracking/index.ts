/** Behaviour events: Segment-compatible ingestion, de-duplication, sessions, identities, channels. The only door into the module. */
export { TrackingService, trackingAnalyticsSchema } from './service';
export { trackingRoutes } from './routes';
export { defaultChannelRules } from './channels';
