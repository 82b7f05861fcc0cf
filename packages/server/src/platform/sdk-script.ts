/**
 * `GET /sdk.js`: the browser tracker (packages/sdk, entry global.ts) as one script a storefront loads
 * with a `<script>` snippet, as Segment serves analytics.js. Bundled on the first request with esbuild
 * (which tsx, the server's own runner, brings along), then kept in memory for the life of the process.
 *
 * The URL carries no version, so a server upgrade reaches storefronts: a day of caching, a week more
 * while it revalidates in the background, and an ETag so a revalidation costs a 304.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FlywheelError } from './errors';

export const SDK_SCRIPT_PATH = '/sdk.js';
export const SDK_CACHE_CONTROL = 'public, max-age=86400, stale-while-revalidate=604800';

interface Bundle { code: string; etag: string }

const require = createRequire(import.meta.url);
let bundle: Promise<Bundle> | undefined;

async function build(): Promise<Bundle> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    throw new FlywheelError('not_implemented', `/sdk.js cannot be built here: esbuild is not installed (${(error as Error).message}); run npm install`);
  }
  const result = await esbuild.build({
    entryPoints: [require.resolve('@flywheel/sdk/global')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2018',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  const code = `/* Flywheel tracker: ${SDK_SCRIPT_PATH} */\n${result.outputFiles[0].text}`;
  return { code, etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 27)}"` };
}

/** The bundle, built once; a failed build is tried again on the next request. */
export function sdkScript(): Promise<Bundle> {
  bundle ??= build().catch((error: unknown) => {
    bundle = undefined;
    throw error;
  });
  return bundle;
}

export async function serveSdkScript(request: FastifyRequest, reply: FastifyReply) {
  const { code, etag } = await sdkScript();
  reply.header('cache-control', SDK_CACHE_CONTROL).header('etag', etag);
  // Any storefront origin loads it (CORS for it is open in http.ts, for loaders that fetch and integrity checks).
  reply.header('cross-origin-resource-policy', 'cross-origin');
  const match = request.headers['if-none-match'];
  if (typeof match === 'string' && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
  return reply.type('application/javascript; charset=utf-8').send(code);
}
