import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
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
import { actorOf, allows, type Access, type Principal } from './auth';
import { FlywheelError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** What the route needs of its caller; routes without it are refused to everyone. */
    access?: Access;
  }
}

export type HttpApp = FastifyInstance<any, any, any, FastifyBaseLogger, ZodTypeProvider>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface HttpOptions {
  logger: Logger;
  authenticate: (token: string) => Promise<Principal | null>;
  rateLimitPerSecond: number;
  /** The built console (packages/web/dist), served at / when it exists. */
  consoleDir?: string;
}

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

export async function createHttpApp(options: HttpOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: 10 * 1024 * 1024,
    trustProxy: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const requests = new client.Counter({ name: 'flywheel_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [registry] });
  const duration = new client.Histogram({ name: 'flywheel_http_request_seconds', help: 'HTTP request duration', labelNames: ['route'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [registry] });

  await app.register(cors, { origin: true, credentials: false, allowedHeaders: ['authorization', 'content-type'], methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Flywheel API', version: '0.1.0', description: 'E-commerce growth operations: tracking, commerce data, metrics, plans.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  if (options.consoleDir) await app.register(fastifyStatic, { root: options.consoleDir, prefix: '/', wildcard: false });

  // navigator.sendBeacon posts tracking batches as text/plain; their content is JSON all the same.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
    try { done(null, JSON.parse(body as string)); } catch { done(new FlywheelError('invalid_request', 'the body is not valid JSON'), undefined); }
  });

  app.decorateRequest('principal', null);
  const limiter = new RateLimiter(options.rateLimitPerSecond);

  app.addHook('onRequest', async (request) => { (request as { startedAt?: bigint }).startedAt = process.hrtime.bigint(); });
  // Authenticates after the body is parsed: navigator.sendBeacon cannot set headers, so a tracking
  // batch may carry its publishable key as `writeKey` in the body (as Segment's does).
  app.addHook('preValidation', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    if (access === undefined) {
      // 404s, the docs UI and the console's static files are public.
      if (request.routeOptions.url === undefined || request.url.startsWith('/docs') || !request.url.startsWith('/v1/')) return;
      throw new FlywheelError('forbidden', 'this route declares no access rule');
    }
    if (access === 'public') return;
    const token = bearer(request) ?? (access === 'track' ? writeKeyOf(request.body) : undefined);
    if (!token) throw new FlywheelError('unauthenticated', 'send an API key or session token as "Authorization: Bearer <key>"');
    const principal = await options.authenticate(token);
    if (!principal) throw new FlywheelError('unauthenticated', 'the API key or session token is not valid (revoked or expired?)');
    const waitSeconds = limiter.take(token);
    if (waitSeconds > 0) {
      reply.header('retry-after', String(waitSeconds));
      throw new FlywheelError('rate_limited', `too many requests for this key; retry in ${waitSeconds}s`);
    }
    if (!allows(principal, access)) {
      const who = principal.kind === 'operator' ? `role ${principal.role}` : `a ${principal.kind} key`;
      throw new FlywheelError('forbidden', `${who} may not do this (needs ${access} access)`);
    }
    request.principal = principal;
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
    if (error instanceof FlywheelError) return reply.status(error.status).send(error.toBody());
    if (hasZodFastifySchemaValidationErrors(error)) {
      const first = error.validation[0];
      const field = pointerToField(first.instancePath);
      const where = error.validationContext === 'querystring' ? 'query ' : '';
      const message = `${where}${field || 'body'}: ${first.message}`;
      return reply.status(400).send(new FlywheelError('invalid_field', message, field || undefined).toBody());
    }
    const e = error as { code?: string; statusCode?: number; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.status(413).send(new FlywheelError('payload_too_large', 'the request body is too large for this call').toBody());
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.status(e.statusCode).send(new FlywheelError(e.statusCode === 413 ? 'payload_too_large' : 'invalid_request', e.message).toBody());
    }
    request.log.error({ err: error, url: request.url }, 'unhandled error');
    return reply.status(500).send(new FlywheelError('internal', 'something went wrong on the server; it has been logged').toBody());
  });

  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return app;
}

