/**
 * A real HTTP server on 127.0.0.1 for the SDK tests: it records every request and answers with
 * scripted replies (500, 429, 400, ...) before falling back to a Flywheel-like default. For
 * /v1/batch the default de-duplicates by messageId like the real server, so tests can check that
 * every event was accepted exactly once.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Parsed JSON when the body is JSON (also text/plain, as sendBeacon sends it); else undefined. */
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** messageId -> how many times a 2xx answer accepted it. */
  accepted: Map<string, number>;
  /** Scripted replies, used in order before the default ones. */
  respond(...replies: Reply[]): void;
  close(): Promise<void>;
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (!contentType || !/json|text\/plain/.test(contentType)) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

function batchOf(body: unknown): Array<{ messageId?: string }> {
  if (typeof body === 'object' && body !== null && Array.isArray((body as { batch?: unknown }).batch)) {
    return (body as { batch: Array<{ messageId?: string }> }).batch;
  }
  return [];
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const accepted = new Map<string, number>();
  const script: Reply[] = [];

  function defaultReply(request: ReceivedRequest): Reply {
    if (request.url.pathname !== '/v1/batch') return { status: 200, body: {} };
    let fresh = 0;
    let duplicates = 0;
    for (const { messageId } of batchOf(request.body)) {
      if (!messageId) continue;
      const seen = accepted.get(messageId) ?? 0;
      if (seen === 0) fresh++;
      else duplicates++;
      accepted.set(messageId, seen + 1);
    }
    return { status: 200, body: { success: true, accepted: fresh, duplicates } };
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        rawBody,
        body: parseBody(rawBody, req.headers['content-type']),
      };
      requests.push(request);
      const reply = script.shift() ?? defaultReply(request);
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      const contentType = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
      res.writeHead(reply.status, { 'content-type': contentType, ...reply.headers });
      res.end(text);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    respond: (...replies) => void script.push(...replies),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
