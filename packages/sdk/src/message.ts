/** The calls the tracker queues and sends: the contracts' calls, each with its `type` set. */
import type { AliasCall, IdentifyCall, PageCall, TrackCall } from '@flywheel/contracts';

export type Properties = Record<string, unknown>;

export type TrackerMessage =
  | (TrackCall & { type: 'track' })
  | (PageCall & { type: 'page' })
  | (IdentifyCall & { type: 'identify' })
  | (AliasCall & { type: 'alias' });
