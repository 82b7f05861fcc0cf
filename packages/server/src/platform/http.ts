import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import client from 'prom-client';
import type { Logger } from 'pino';
import { NUL_MESSAGE, nulPath } from '@flywheel/contracts';
import { z } from 'zod';
import { actorOf, allows, type Access, type Principal } from './auth';
import { FlywheelError } from './errors';
import { fingerprintOf, type IdempotencyKeys } from './idempotency';
import { SDK_SCRIPT_PATH, serveSdkScript } from './sdk-script';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The Idempotency-Key this request claimed: its answer is kept for retries. */
    idempotencyKey?: string;
  }
  interface FastifyContextConfig {
    /** What the route needs of its caller; routes without it are refused to everyone. */
    access?: Access;
    /**
     * The body is a batch whose records the route checks one by one (a bad one rejected by index, the
     * others kept), NUL characters included; other bodies holding a NUL are refused whole.
     */
    perRecord?: boolean;
  }
}

export type HttpApp = FastifyInstance<any, any, any, FastifyBaseLogger, ZodTypeProvider>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface HttpOptions {
  logger: Logger;
  authenticate: (token: string) => Promise<Principal | null>;
  rateLimitPerSecond: number;
  /** The built console (packages/web/dist), served at / when it exists. */
  consoleDir?: string;
  /** Origins whose pages may call the admin API from a browser (tracking routes allow any origin). */
  corsOrigins?: string[];
  /** When set, `/metrics` needs it as a bearer token. */
  metricsToken?: string;
  /** Where creating calls keep their answers for retries under the same Idempotency-Key. */
  idempotency?: IdempotencyKeys;
}

/** The console's session cookie: httpOnly, so a script on the page can never read the token. */
export const SESSION_COOKIE = 'flywheel_session';
/** A browser sends the session cookie on its own; a state-changing call made with it must also carry this header, which no other site's page can set. */
export const CSRF_HEADER = 'x-flywheel-csrf';
/** The largest body a route takes unless it says otherwise. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const idempotencyHeaders = z.looseObject({
  [IDEMPOTENCY_HEADER]: z.string().regex(/^[\x21-\x7e]{1,255}$/, { error: 'must be 1 to 255 printable ASCII characters, e.g. a UUID' }).optional()
    .describe('A retry with the same key and body returns the first answer instead of creating the thing twice (kept 24 h)'),
});

/** A creating call (a POST that answers 201) honours an Idempotency-Key. */
function creates(method: string | string[], response: unknown): boolean {
  return (Array.isArray(method) ? method.includes('POST') : method === 'POST') && typeof response === 'object' && response !== null && 201 in response;
}

/** Storefronts call the tracking routes from their own pages, so those answer any origin. */
const TRACKING_PATHS = /^\/v1\/(track|page|screen|identify|alias|batch)(\?|$)/;

/** What the console may load: its own scripts only (no inline script), so an injected tag does nothing. */
export const CONSOLE_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
  "font-src 'self' data:", "connect-src 'self'", "worker-src 'self' blob:", "frame-ancestors 'none'",
  "base-uri 'self'", "form-action 'self'", "object-src 'none'",
].join('; ');

/** The caller of an authenticated route; throws if the route was declared public. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new FlywheelError('unauthenticated', 'this call needs an API key or a session token');
  return request.principal;
}

export function actor(request: FastifyRequest): string {
  return actorOf(principalOf(request));
}

/** `/items/2/quantity` (JSON pointer of a validation error) -> `items[2].quantity` */
function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** The credential a call carries: a bearer token (or Segment's Basic user name), else the console's session cookie. */
export function credentialOf(request: FastifyRequest): { token: string; viaCookie: boolean } | undefined {
  const token = bearer(request);
  if (token) return { token, viaCookie: false };
  const cookie = cookieOf(request, SESSION_COOKIE);
  return cookie ? { token: cookie, viaCookie: true } : undefined;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  if (/^bearer$/i.test(scheme)) return value?.trim();
  // Segment's libraries send the write key as the Basic auth user name.
  if (/^basic$/i.test(scheme) && value) return Buffer.from(value, 'base64').toString('utf8').split(':')[0];
  return undefined;
}

function writeKeyOf(body: unknown): string | undefined {
  // A route that takes its body as bytes (the tracking batch) has it parsed by its service, later.
  if (Buffer.isBuffer(body)) {
    try { body = JSON.parse(body.toString('utf8')); } catch { return undefined; }
  }
  const key = (body as { writeKey?: unknown } | null)?.writeKey;
  return typeof key === 'string' ? key : undefined;
}

/** A token bucket per credential: `rate` requests a second with a burst of two seconds' worth. */
class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly rate: number) {}
  take(key: string): number {
    const now = Date.now();
    const burst = this.rate * 2;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return Math.ceil((1 - bucket.tokens) / this.rate);
    bucket.tokens -= 1;
    return 0;
  }
}

/**
 * An answer given before the body was read (413, or 401 before an upload): the client is usually
 * still sending, and closing at once would reset the connection before the answer arrives. As
 * nginx's lingering close does, the rest of the body is read and dropped, for at most 5 s, and the
 * connection closes.
 */
function answerBeforeBody(request: FastifyRequest, reply: FastifyReply, error: FlywheelError) {
  const raw = request.raw;
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (hasBody && request.body === undefined && !raw.readableEnded) {
    reply.header('connection', 'close');
    raw.removeAllListeners('data');
    raw.on('data', () => {});
    raw.resume();
    const timer = setTimeout(() => raw.socket?.destroy(), 5000);
    timer.unref();
    raw.once('end', () => clearTimeout(timer));
  }
  return reply.status(error.status).send(error.toBody());
}

export async function createHttpApp(options: HttpOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: DEFAULT_BODY_LIMIT,
    trustProxy: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const requests = new client.Counter({ name: 'flywheel_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [registry] });
  const duration = new client.Histogram({ name: 'flywheel_http_request_seconds', help: 'HTTP request duration', labelNames: ['route'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [registry] });

  const adminOrigins = options.corsOrigins ?? [];
  await app.register(cors, {
    delegator: (request, callback) => callback(null, {
      origin: TRACKING_PATHS.test(request.url ?? '') || (request.url ?? '').startsWith(SDK_SCRIPT_PATH) ? true : adminOrigins.length > 0 ? adminOrigins : false,
      credentials: false,
      allowedHeaders: ['authorization', 'content-type', IDEMPOTENCY_HEADER],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    }),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Flywheel API', version: '0.1.0', description: 'E-commerce growth operations: tracking, commerce data, metrics, plans.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  if (options.consoleDir) await app.register(fastifyStatic, { root: options.consoleDir, prefix: '/', wildcard: false });

  // navigator.sendBeacon posts tracking batches as text/plain; their content is JSON all the same.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
    try { done(null, JSON.parse(body as string)); } catch { done(new FlywheelError('invalid_request', 'the body is not valid JSON'), undefined); }
  });

  app.addHook('onRoute', (route) => {
    const schema = route.schema as { response?: unknown; headers?: unknown } | undefined;
    if (schema && !schema.headers && creates(route.method, schema.response)) schema.headers = idempotencyHeaders;
  });

  app.decorateRequest('principal', null);
  const limiter = new RateLimiter(options.rateLimitPerSecond);

  /** Checks the credential, the rate and the role; sets `request.principal`. */
  async function authorise(request: FastifyRequest, reply: FastifyReply, access: Access, credential: { token: string; viaCookie: boolean } | undefined) {
    if (!credential) throw new FlywheelError('unauthenticated', 'send an API key or session token as "Authorization: Bearer <key>"');
    if (credential.viaCookie && request.method !== 'GET' && request.method !== 'HEAD' && request.headers[CSRF_HEADER] !== '1') {
      throw new FlywheelError('forbidden', `a call made with the session cookie must carry the header ${CSRF_HEADER}: 1`);
    }
    const principal = await options.authenticate(credential.token);
    if (!principal) throw new FlywheelError('unauthenticated', 'the API key or session token is not valid (revoked or expired?)');
    const waitSeconds = limiter.take(credential.token);
    if (waitSeconds > 0) {
      reply.header('retry-after', String(waitSeconds));
      throw new FlywheelError('rate_limited', `too many requests for this key; retry in ${waitSeconds}s`);
    }
    if (!allows(principal, access)) {
      const who = principal.kind === 'operator' ? `role ${principal.role}` : `a ${principal.kind} key`;
      throw new FlywheelError('forbidden', `${who} may not do this (needs ${access} access)`);
    }
    request.principal = principal;
  }

  // Authentication runs before the body is read, so nobody unauthenticated makes the server read a
  // body. The one exception is a tracking call without a header: navigator.sendBeacon cannot set
  // headers, so it carries its publishable key as `writeKey` in the (small) body, as Segment's does.
  app.addHook('onRequest', async (request, reply) => {
    (request as { startedAt?: bigint }).startedAt = process.hrtime.bigint();
    if (request.url.includes('%00') || request.url.includes('\0')) throw new FlywheelError('invalid_request', 'the URL contains a NUL character (%00); ids never do');
    const declared = Number(request.headers['content-length']);
    const limit = request.routeOptions.bodyLimit ?? DEFAULT_BODY_LIMIT;
    if (declared > limit) throw new FlywheelError('payload_too_large', `the request body is ${declared} bytes; this call takes at most ${limit}`);
    const access = request.routeOptions.config?.access;
    if (access === undefined) {
      // 404s, the docs UI and the console's static files are public.
      if (request.routeOptions.url === undefined || request.url.startsWith('/docs') || !request.url.startsWith('/v1/')) return;
      throw new FlywheelError('forbidden', 'this route declares no access rule');
    }
    if (access === 'public') return;
    if (access === 'track' && !bearer(request)) return; // the key may be in the body: checked once it is read
    await authorise(request, reply, access, credentialOf(request));
  });
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config?.perRecord || Buffer.isBuffer(request.body)) return;
    const nul = nulPath(request.body);
    if (nul !== undefined) throw new FlywheelError('invalid_field', `${nul || 'body'}: ${NUL_MESSAGE}`, nul || undefined);
  });
  app.addHook('preValidation', async (request, reply) => {
    if (request.principal || request.routeOptions.config?.access !== 'track') return;
    const writeKey = writeKeyOf(request.body);
    await authorise(request, reply, 'track', writeKey ? { token: writeKey, viaCookie: false } : credentialOf(request));
  });

  const keys = options.idempotency;
  if (keys) {
    app.addHook('preHandler', async (request, reply) => {
      const key = request.headers[IDEMPOTENCY_HEADER];
      if (typeof key !== 'string' || !request.principal || !creates(request.method, request.routeOptions.schema?.response)) return;
      const shopId = request.principal.shopId;
      const claim = await keys.claim(shopId, key, fingerprintOf(request.method, request.routeOptions.url ?? '', request.params, request.body));
      if (claim.kind === 'mismatch') throw new FlywheelError('conflict', 'Idempotency-Key: this key was used for a different request; use a new key for a new request', 'Idempotency-Key');
      if (claim.kind === 'in_progress') throw new FlywheelError('conflict', 'Idempotency-Key: a request with this key is still running; retry in a moment', 'Idempotency-Key');
      if (claim.kind === 'replay') {
        reply.header('idempotent-replayed', 'true');
        if (claim.contentType) reply.type(claim.contentType);
        return reply.code(claim.status).send(claim.body);
      }
      request.idempotencyKey = key;
    });
  }

  app.addHook('onSend', async (request, reply, payload) => {
    if (keys && request.idempotencyKey && request.principal) {
      const { shopId } = request.principal;
      if (reply.statusCode >= 500 || typeof payload !== 'string') await keys.release(shopId, request.idempotencyKey);
      else await keys.complete(shopId, request.idempotencyKey, reply.statusCode, (reply.getHeader('content-type') as string | undefined) ?? null, payload);
    }
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (!request.url.startsWith('/docs')) {
      reply.header('x-frame-options', 'DENY');
      reply.header('content-security-policy', CONSOLE_CSP);
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ route, status: String(reply.statusCode) });
    const started = (request as { startedAt?: bigint }).startedAt;
    if (started) duration.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
  });

  app.setNotFoundHandler((request, reply) => {
    // The console is a single-page app: its own paths (/overview, /analyse/funnels ...) load index.html.
    if (options.consoleDir && request.method === 'GET' && !/^\/(v1|docs|healthz|metrics)(\/|$)/.test(request.url)) {
      return reply.type('text/html').sendFile('index.html');
    }
    reply.status(404).send(new FlywheelError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`).toBody());
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof FlywheelError && error.retryAfterSeconds) reply.header('retry-after', String(error.retryAfterSeconds));
    if (error instanceof FlywheelError) return answerBeforeBody(request, reply, error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const first = error.validation[0];
      const field = pointerToField(first.instancePath);
      const where = error.validationContext === 'querystring' ? 'query ' : '';
      const message = `${where}${field || 'body'}: ${first.message}`;
      return reply.status(400).send(new FlywheelError('invalid_field', message, field || undefined).toBody());
    }
    const e = error as { code?: string; statusCode?: number; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return answerBeforeBody(request, reply, new FlywheelError('payload_too_large', `the request body is too large for this call (at most ${request.routeOptions.bodyLimit ?? DEFAULT_BODY_LIMIT} bytes)`));
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.status(e.statusCode).send(new FlywheelError(e.statusCode === 413 ? 'payload_too_large' : 'invalid_request', e.message).toBody());
    }
    request.log.error({ err: error, url: request.url }, 'unhandled error');
    return reply.status(500).send(new FlywheelError('internal', 'something went wrong on the server; it has been logged').toBody());
  });

  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ ok: true }));
  // The browser tracker for storefronts' <script> snippet (sdk-script.ts).
  app.get(SDK_SCRIPT_PATH, { config: { access: 'public' }, schema: { hide: true } }, serveSdkScript);
  app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    if (options.metricsToken && bearer(request) !== options.metricsToken) {
      throw new FlywheelError('unauthenticated', 'send the token of FLYWHEEL_METRICS_TOKEN as "Authorization: Bearer <token>"');
    }
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return app;
}

