/**
 * Typed client of the Flywheel HTTP API for back-ends and scripts (use a secret key, `sk_...`;
 * never ship it to a browser: storefronts use the tracker with a publishable key).
 *
 * Request and response types are the contracts' own (`z.input` of a request schema: what a caller
 * may send, defaults still optional; `z.infer` of a response schema). Only types are imported: a
 * value import would drag zod into every bundle of the SDK (see limits.ts).
 */
import type {
  AliasCall,
  attributionQuery,
  attributionResult,
  BatchResult,
  cohortsQuery,
  cohortsResult,
  comparisons,
  Dimension,
  EntityName,
  funnelRequest,
  funnelResult,
  Grain,
  IdentifyCall,
  ImportResult,
  Locale,
  MetricName,
  MetricsResult,
  MoneyUnit,
  PageCall,
  recordSchemas,
  TrackCall,
  TrackResult,
} from '@flywheel/contracts';
import type { z } from 'zod';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from './limits';

export interface ClientOptions {
  /** e.g. https://flywheel.example.com */
  baseUrl: string;
  /** Secret key (`sk_...`) or a session token. */
  apiKey: string;
  fetch?: typeof fetch;
}

/** A non-2xx answer, carrying the server's `{error: {code, message, field}}` (the contracts' ErrorBody). */
export class FlywheelApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'FlywheelApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

// --- request and response shapes --------------------------------------------------------------

export type { MetricsResult };

/** One record as sent to an upsert: the contract's input (fields with a server default optional); more fields are welcome. */
export type UpsertRecord<E extends EntityName> = z.input<(typeof recordSchemas)[E]> & Record<string, unknown>;

export type BatchCall =
  | (TrackCall & { type: 'track' })
  | (PageCall & { type: 'page' | 'screen' })
  | (IdentifyCall & { type: 'identify' })
  | (AliasCall & { type: 'alias' });

/** Known values first; any other string passes through to the server. */
type Open<T extends string> = T | (string & Record<never, never>);

/**
 * `GET /v1/metrics` in a caller's terms: metrics as a list and filters by dimension, which
 * metricsQuery() turns into the contract's `metrics=a,b` and `filter.<dimension>=` parameters.
 */
export interface MetricsParams {
  /** snake_case metric identifiers, e.g. ['sales', 'orders', 'conversion_rate'] */
  metrics: Array<Open<MetricName>>;
  /** YYYY-MM-DD, inclusive */
  from: string;
  /** YYYY-MM-DD, exclusive */
  to: string;
  grain?: Open<Grain>;
  compare?: Open<(typeof comparisons)[number]>;
  breakdown?: Open<Dimension>;
  /** Sent as `filter.<name>=<value>`, e.g. { channel: 'paid_social' } */
  filters?: Partial<Record<Dimension, string>> & Record<string, string>;
}

export type MetricValues = MetricsResult['totals'];

export type FunnelRequest = z.input<typeof funnelRequest>;
export type FunnelResult = z.infer<typeof funnelResult>;

/** The contract's query; `periods` is coerced from query text on the server, and the client sends a number. */
export type CohortsParams = Omit<z.input<typeof cohortsQuery>, 'periods'> & { periods?: number };
export type CohortsResult = z.infer<typeof cohortsResult>;

export type AttributionParams = z.input<typeof attributionQuery>;
export type AttributionResult = z.infer<typeof attributionResult>;

export interface FlywheelClient {
  upsert<E extends EntityName>(entity: E, records: ReadonlyArray<UpsertRecord<E>>): Promise<BatchResult>;
  track(call: TrackCall): Promise<TrackResult>;
  /** Splits into requests within the server's limits (MAX_BATCH_EVENTS calls, MAX_BATCH_BYTES) and adds up the results. */
  batch(calls: readonly BatchCall[]): Promise<TrackResult>;
  metrics(params: MetricsParams): Promise<MetricsResult>;
  funnels(body: FunnelRequest): Promise<FunnelResult>;
  cohorts(params: CohortsParams): Promise<CohortsResult>;
  attribution(params: AttributionParams): Promise<AttributionResult>;
  /**
   * Imports a file as the console does. `money`: the unit of amounts when the file does not show it
   * (a decimal point or ¥ in a money column is 元; a file of whole numbers without it is refused, 400
   * with field `money`). `lang`: the language of the refusals' messages and the errors CSV.
   */
  importFile(entity: EntityName, fileName: string, data: Blob | Uint8Array, options?: { money?: MoneyUnit; lang?: Locale }): Promise<ImportResult>;
}

// --- helpers --------------------------------------------------------------------------------

type QueryValue = string | number | undefined;

/** Builds a query string, leaving out undefined values. */
export function queryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

function metricsQuery(params: MetricsParams): string {
  const filters: Record<string, string> = {};
  for (const [name, value] of Object.entries(params.filters ?? {})) filters[`filter.${name}`] = value;
  return queryString({
    metrics: params.metrics.join(','),
    from: params.from,
    to: params.to,
    grain: params.grain,
    compare: params.compare,
    breakdown: params.breakdown,
    ...filters,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Turns a non-2xx response into a FlywheelApiError, whatever the body looks like. */
async function toApiError(response: Response): Promise<FlywheelApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
  const message = typeof error?.message === 'string' ? error.message : text.slice(0, 500) || response.statusText || `HTTP ${response.status}`;
  const field = typeof error?.field === 'string' ? error.field : undefined;
  return new FlywheelApiError(response.status, code, message, field);
}

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  jsonl: 'application/x-ndjson',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function fileBlob(fileName: string, data: Blob | Uint8Array): Blob {
  if (data instanceof Blob) return data;
  const extension = fileName.split('.').pop()?.toLowerCase() ?? '';
  // Copy: a view over a SharedArrayBuffer is not a valid BlobPart.
  return new Blob([new Uint8Array(data)], { type: CONTENT_TYPES[extension] ?? 'application/octet-stream' });
}

/** Splits calls into request-sized groups (count and encoded size). */
function splitCalls(calls: readonly BatchCall[]): BatchCall[][] {
  const encoder = new TextEncoder();
  const groups: BatchCall[][] = [];
  let current: BatchCall[] = [];
  let bytes = 0;
  const envelope = '{"batch":[]}'.length;
  for (const call of calls) {
    const size = encoder.encode(JSON.stringify(call)).length + 1;
    if (current.length > 0 && (current.length >= MAX_BATCH_EVENTS || envelope + bytes + size >= MAX_BATCH_BYTES)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(call);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

// --- the client -----------------------------------------------------------------------------

export function createClient(options: ClientOptions): FlywheelClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const authorization = `Bearer ${options.apiKey}`;

  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body; // fetch sets the multipart boundary itself
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetchFn(`${baseUrl}${path}`, { method, headers, body: payload });
    if (!response.ok) throw await toApiError(response);
    return (await response.json()) as T;
  }

  return {
    upsert: (entity, records) => request<BatchResult>('POST', `/v1/${encodeURIComponent(entity)}/batch`, { records }),
    track: (call) => request<TrackResult>('POST', '/v1/track', call),
    async batch(calls) {
      const total: TrackResult = { success: true, accepted: 0, duplicates: 0 };
      for (const group of splitCalls(calls)) {
        const result = await request<TrackResult>('POST', '/v1/batch', { batch: group });
        total.accepted += result.accepted;
        total.duplicates += result.duplicates;
      }
      return total;
    },
    metrics: (params) => request<MetricsResult>('GET', `/v1/metrics${metricsQuery(params)}`),
    funnels: (body) => request<FunnelResult>('POST', '/v1/funnels', body),
    cohorts: (params) => request<CohortsResult>('GET', `/v1/cohorts${queryString({ ...params })}`),
    attribution: (params) => request<AttributionResult>('GET', `/v1/attribution${queryString({ ...params })}`),
    importFile(entity, fileName, data, options = {}) {
      const form = new FormData();
      form.set('file', fileBlob(fileName, data), fileName);
      return request<ImportResult>('POST', `/v1/import/${encodeURIComponent(entity)}${queryString({ ...options })}`, form);
    },
  };
}
