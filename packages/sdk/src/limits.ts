/**
 * The server's limits on what one request may carry, as the SDK needs them.
 *
 * They are facts of `@flywheel/contracts` (MAX_BATCH_EVENTS, MAX_BATCH_BYTES in tracking.ts; the
 * 200-character event name of `trackCall`), but the SDK may only import *types* from there: any
 * value import evaluates every zod schema of the contracts, which adds ~95 KB gzipped to the
 * tracker's ~3.5 KB storefront bundle (esbuild --minify). So the numbers are written here once,
 * for the tracker and the client alike, and held to the contracts: the type of MAX_BATCH_EVENTS is
 * the contracts' literal (tsc refuses any other count), and limits.test.ts compares all three.
 */
import type { MAX_BATCH_EVENTS as CONTRACTS_MAX_BATCH_EVENTS } from '@flywheel/contracts';

export const MAX_BATCH_EVENTS: typeof CONTRACTS_MAX_BATCH_EVENTS = 500;
export const MAX_BATCH_BYTES = 500 * 1024;
/** `trackCall.event` takes 1 to 200 characters. */
export const MAX_EVENT_NAME_LENGTH = 200;

/** Browsers refuse beacons / keepalive requests above ~64 KB in flight; stay below it. */
export const BEACON_MAX_BYTES = 60 * 1024;
