import { randomUUID } from 'node:crypto';
import { aliasCall, batchBody, identifyCall, NUL_MESSAGE, nulPath, pageCall, trackCall, type CallType, type ChannelMapping, type RejectedRecord } from '@flywheel/contracts';
import { fromZodIssue, type ErrorCode } from '../../platform/errors';
import { deriveChannel, utmOf } from './channels';

/**
 * The calls to prepare: a `/v1/batch` body (its bytes) or JSON lines (parsed here, off the main
 * thread), or calls already parsed (a single-call route, the demo generator).
 */
export type CallSource = { kind: 'calls'; calls: readonly unknown[] } | { kind: 'batch'; body: Uint8Array } | { kind: 'lines'; lines: readonly string[] };

export interface PrepareInput {
  source: CallSource;
  /** The type of calls that carry none (a single-call route, an events import); null for a batch, where each item names its own. */
  defaultType: CallType | null;
  /** Historical backfill: the event time is also its receive time. */
  historical: boolean;
  receivedAt: number;
  mapping: ChannelMapping | null;
}

/** The string columns of `events` a call determines, in table order (shop, session and the session's channel come later). */
export const PREPARED_COLUMNS = ['messageId', 'type', 'event', 'anonymousId', 'userId', 'channel', 'utmSource', 'utmMedium', 'utmCampaign',
  'referrer', 'url', 'path', 'productId', 'sku', 'category', 'orderId', 'query', 'properties'] as const;
export type PreparedColumn = (typeof PREPARED_COLUMNS)[number];
const COLUMN = Object.fromEntries(PREPARED_COLUMNS.map((c, i) => [c, i])) as Record<PreparedColumn, number>;

/**
 * Valid calls as columns, plus what was refused. The string columns travel packed, each column's
 * values in one string, with their end offsets and a null mask (column by column, row by row): a few
 * strings cross between threads instead of thousands, and a column of ASCII stays one byte a
 * character. Read a value with `valueAt`.
 */
export interface PreparedEvents {
  size: number;
  texts: string[];
  ends: Uint32Array;
  nulls: Uint8Array;
  /** Event and receive times, epoch milliseconds. */
  ts: Float64Array;
  receivedAt: Float64Array;
  /** anonymousId -> userId links the rows state (identify, alias, or any call carrying both), as [row, anonymousId, userId]. */
  links: [number, string, string][];
  rejected: RejectedRecord[];
  /** A body that is not a valid batch at all: nothing in it is taken. */
  bodyError?: { code: ErrorCode; message: string; field?: string };
}

const schemas = { track: trackCall, page: pageCall, screen: pageCall, identify: identifyCall, alias: aliasCall } as const;

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));

type ParsedCall = Record<string, unknown> & { messageId?: string; anonymousId?: string; userId?: string; timestamp?: string; originalTimestamp?: string; sentAt?: string; context?: Record<string, unknown>; previousId?: string };

/**
 * Validates calls and turns each into its `events` row: Segment's clock-skew correction, UTM and
 * referrer, the event's own channel, the e-commerce properties. Pure and stateless, so it runs in the
 * preparation worker; de-duplication, sessions and identity links need the service's memory and are
 * done by the service.
 */
export function prepareCalls(input: PrepareInput): PreparedEvents {
  const rejected: RejectedRecord[] = [];
  let calls: readonly unknown[];
  // A batch's envelope may carry `sentAt` and `context` for all its calls (Segment's batch).
  let sentAt: string | undefined;
  let context: Record<string, unknown> | undefined;
  let lineErrors: (string | undefined)[] = [];
  const { source } = input;
  if (source.kind === 'batch') {
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(source.body));
    } catch (error) {
      return emptyWith({ code: 'invalid_request', message: `the body is not valid JSON: ${(error as Error).message}` });
    }
    const parsed = batchBody.safeParse(body);
    if (!parsed.success) {
      const e = fromZodIssue(parsed.error.issues[0]);
      return emptyWith({ code: e.code, message: e.message, field: e.field });
    }
    ({ sentAt, context } = parsed.data);
    calls = parsed.data.batch;
  } else if (source.kind === 'lines') {
    lineErrors = new Array(source.lines.length);
    calls = source.lines.map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (error) {
        lineErrors[i] = `not valid JSON: ${(error as Error).message}`;
        return undefined;
      }
    });
  } else {
    calls = source.calls;
  }

  const columns = PREPARED_COLUMNS.map(() => new Array<string | null>(calls.length));
  const ts = new Float64Array(calls.length);
  const receivedAt = new Float64Array(calls.length);
  const links: [number, string, string][] = [];
  let size = 0;
  const prefixOf = (i: number) => (source.kind === 'batch' ? `batch[${i}]` : '');
  const reject = (i: number, code: string, message: string, field?: string) => {
    const prefix = prefixOf(i);
    rejected.push({ index: i, code, message: prefix ? `${prefix}.${message}` : message, field: field === undefined ? undefined : prefix ? `${prefix}.${field}` : field });
  };
  calls.forEach((raw, i) => {
    if (lineErrors[i] !== undefined) { rejected.push({ index: i, code: 'invalid_request', message: lineErrors[i] }); return; }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      reject(i, 'invalid_request', source.kind === 'lines' ? 'each line must hold one JSON object' : 'must be a JSON object');
      return;
    }
    const type = ((raw as { type?: unknown }).type ?? input.defaultType) as CallType | undefined;
    if (typeof type !== 'string' || !Object.hasOwn(schemas, type)) {
      reject(i, 'invalid_field', 'type: must be one of track, page, screen, identify, alias', 'type');
      return;
    }
    const nul = nulPath(raw);
    if (nul !== undefined) { reject(i, 'invalid_field', `${nul}: ${NUL_MESSAGE}`, nul); return; }
    const parsed = schemas[type].safeParse(raw);
    if (!parsed.success) {
      const e = fromZodIssue(parsed.error.issues[0], prefixOf(i));
      rejected.push({ index: i, code: e.code, message: e.message, field: e.field });
      return;
    }
    const call = parsed.data as ParsedCall;
    if (!call.anonymousId && !call.userId) {
      reject(i, 'invalid_field', 'anonymousId: an anonymousId or a userId is required', 'anonymousId');
      return;
    }
    const t = eventTime(call.timestamp ?? call.originalTimestamp, call.sentAt ?? sentAt, input.receivedAt);
    const merged = context ? { ...context, ...call.context } : (call.context ?? {});
    const row = size++;
    ts[row] = t;
    receivedAt[row] = input.historical ? t : input.receivedAt;
    writeRow(columns, row, type, call, merged, input.mapping);
    const anonymousId = type === 'alias' ? call.previousId : call.anonymousId;
    if (anonymousId && call.userId && anonymousId !== call.userId) links.push([row, String(anonymousId), String(call.userId)]);
  });
  return { size, ...pack(columns, size), ts: ts.slice(0, size), receivedAt: receivedAt.slice(0, size), links, rejected };
}

function pack(columns: (string | null)[][], size: number): Pick<PreparedEvents, 'texts' | 'ends' | 'nulls'> {
  const ends = new Uint32Array(columns.length * size);
  const nulls = new Uint8Array(columns.length * size);
  let k = 0;
  const texts = columns.map((column) => {
    const parts: string[] = [];
    let end = 0;
    for (let r = 0; r < size; r++, k++) {
      const v = column[r];
      if (v === null) nulls[k] = 1;
      else { parts.push(v); end += v.length; }
      ends[k] = end;
    }
    return parts.join('');
  });
  return { texts, ends, nulls };
}

/** One value of the prepared events. */
export function valueAt(events: PreparedEvents, column: PreparedColumn, row: number): string | null {
  const k = COLUMN[column] * events.size + row;
  if (events.nulls[k]) return null;
  return events.texts[COLUMN[column]].slice(row === 0 ? 0 : events.ends[k - 1], events.ends[k]);
}

function emptyWith(bodyError: PreparedEvents['bodyError']): PreparedEvents {
  return { size: 0, texts: PREPARED_COLUMNS.map(() => ''), ends: new Uint32Array(0), nulls: new Uint8Array(0), ts: new Float64Array(0), receivedAt: new Float64Array(0), links: [], rejected: [], bodyError };
}

function writeRow(columns: (string | null)[][], row: number, type: CallType, call: ParsedCall, context: Record<string, unknown>, mapping: ChannelMapping | null) {
  const page = (context.page ?? {}) as Record<string, unknown>;
  const campaign = (context.campaign ?? {}) as Record<string, unknown>;
  const props = (call.properties ?? call.traits ?? {}) as Record<string, unknown>;
  const url = str(page.url ?? props.url);
  const utm = utmOf(url);
  const source = str(campaign.source) ?? utm.source ?? null;
  const medium = str(campaign.medium) ?? utm.medium ?? null;
  const referrer = str(page.referrer ?? props.referrer);
  const firstProduct = Array.isArray(props.products) ? (props.products[0] as Record<string, unknown> | undefined) : undefined;
  columns[COLUMN.messageId][row] = call.messageId ?? `srv-${randomUUID()}`;
  columns[COLUMN.type][row] = type === 'screen' ? 'page' : type;
  columns[COLUMN.event][row] = type === 'track' ? String(call.event) : type === 'page' || type === 'screen' ? str(call.name) : null;
  columns[COLUMN.anonymousId][row] = str(call.anonymousId);
  columns[COLUMN.userId][row] = str(call.userId);
  columns[COLUMN.channel][row] = deriveChannel({ source, medium, referrer, ownHost: utm.host }, mapping);
  columns[COLUMN.utmSource][row] = source;
  columns[COLUMN.utmMedium][row] = medium;
  columns[COLUMN.utmCampaign][row] = str(campaign.name) ?? utm.campaign ?? null;
  columns[COLUMN.referrer][row] = referrer;
  columns[COLUMN.url][row] = url;
  columns[COLUMN.path][row] = str(page.path ?? props.path);
  columns[COLUMN.productId][row] = str(props.product_id ?? props.productId ?? firstProduct?.product_id);
  columns[COLUMN.sku][row] = str(props.sku ?? firstProduct?.sku);
  columns[COLUMN.category][row] = str(props.category ?? firstProduct?.category);
  columns[COLUMN.orderId][row] = str(props.order_id ?? props.orderId);
  columns[COLUMN.query][row] = str(props.query);
  columns[COLUMN.properties][row] = JSON.stringify(props);
}

/**
 * Segment's clock-skew correction: the client's clock may be wrong, but the gap between its event and
 * its send is right, so the event happened `sentAt - timestamp` before the server received it.
 */
export function eventTime(timestamp: string | undefined, sentAt: string | undefined, receivedAt: number): number {
  if (!timestamp) return receivedAt;
  const t = Date.parse(timestamp);
  if (!sentAt) return t;
  return receivedAt - (Date.parse(sentAt) - t);
}
