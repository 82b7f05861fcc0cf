import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const size = z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, { error: 'must look like 4GB or 512MB' });
const units: Record<string, number> = { kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
/** Bytes of a size like `4GB` (10^9) or `512MiB` (2^20), as DuckDB reads them. */
const bytesOf = (value: string) => Math.floor(parseFloat(value) * units[value.replace(/[\d.\s]/g, '').toLowerCase()]);

/** What funnels may keep in memory unless FLYWHEEL_FUNNEL_MEMORY says: 10% of RAM. */
export const defaultFunnelMemoryBytes = () => Math.floor(os.totalmem() * 0.1);

/** The only reader of process.env: every setting Flywheel honours, parsed and typed once. */
const envSchema = z.object({
  FLYWHEEL_DATA_DIR: z.string().default('./.flywheel'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Requests per second each API key may make (token bucket, burst = 2 s worth). */
  FLYWHEEL_RATE_LIMIT: z.coerce.number().int().min(1).default(500),
  /** How often the outbox projector polls Postgres for new rows, in ms. */
  FLYWHEEL_PROJECTOR_INTERVAL_MS: z.coerce.number().int().min(10).default(250),
  /** Window in which a repeated messageId is recognised as a duplicate, in hours. */
  FLYWHEEL_DEDUPE_WINDOW_HOURS: z.coerce.number().int().min(1).default(24),
  /**
   * Memory DuckDB may hold (its buffer manager: cached data, query state; it spills beyond), like
   * `4GB` or `512MB`. Default 40% of RAM: DuckDB's own default is 80%, which leaves too little for
   * PGlite and Node in the same process.
   */
  FLYWHEEL_ANALYTICS_MEMORY: size.optional(),
  /**
   * Memory funnels may keep shops' behaviour events in (about 12 bytes an event; the shops used least
   * recently are dropped beyond it and reloaded when needed). Default 10% of RAM.
   */
  FLYWHEEL_FUNNEL_MEMORY: size.optional(),
  /** Longest an analytics query may run before it is interrupted and answered 503 `query_timeout`, in ms. */
  FLYWHEEL_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Alert webhooks may point at loopback and private addresses only when this is `true` (SSRF guard). */
  FLYWHEEL_ALLOW_PRIVATE_WEBHOOKS: z.enum(['true', 'false']).default('false'),
  /** Origins (comma-separated) whose pages may call the admin API from a browser; tracking routes allow any origin. */
  FLYWHEEL_CORS_ORIGINS: z.string().default(''),
  /** A Chromium to print PDFs with instead of the packaged one (platform/browser.ts), e.g. /usr/bin/chromium. */
  FLYWHEEL_CHROMIUM: z.string().min(1).optional(),
  /** When set, `/metrics` (Prometheus) needs `Authorization: Bearer <token>`; unset, it is public (bind to 127.0.0.1). */
  FLYWHEEL_METRICS_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
});

export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  port: number;
  host: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  rateLimitPerSecond: number;
  projectorIntervalMs: number;
  dedupeWindowHours: number;
  analyticsMemory: string;
  funnelMemoryBytes: number;
  queryTimeoutMs: number;
  allowPrivateWebhooks: boolean;
  corsOrigins: string[];
  metricsToken: string | undefined;
  chromiumPath: string | undefined;
}

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const config: Config = {
    dataDir: e.FLYWHEEL_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    rateLimitPerSecond: e.FLYWHEEL_RATE_LIMIT,
    projectorIntervalMs: e.FLYWHEEL_PROJECTOR_INTERVAL_MS,
    dedupeWindowHours: e.FLYWHEEL_DEDUPE_WINDOW_HOURS,
    analyticsMemory: e.FLYWHEEL_ANALYTICS_MEMORY ?? `${Math.floor((os.totalmem() * 0.4) / 2 ** 20)}MiB`,
    funnelMemoryBytes: e.FLYWHEEL_FUNNEL_MEMORY ? bytesOf(e.FLYWHEEL_FUNNEL_MEMORY) : defaultFunnelMemoryBytes(),
    queryTimeoutMs: e.FLYWHEEL_QUERY_TIMEOUT_MS,
    allowPrivateWebhooks: e.FLYWHEEL_ALLOW_PRIVATE_WEBHOOKS === 'true',
    corsOrigins: e.FLYWHEEL_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    metricsToken: e.FLYWHEEL_METRICS_TOKEN,
    chromiumPath: e.FLYWHEEL_CHROMIUM,
    ...overrides,
  };
  return { ...config, dataDir: path.resolve(config.dataDir) };
}
