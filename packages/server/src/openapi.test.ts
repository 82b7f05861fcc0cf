import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlywheel } from './testing/harness';

/**
 * /docs is built from the routes' zod schemas: a route without a response schema is a hole in the
 * reference storefronts and scripts are written from (and an answer nothing checks on its way out).
 */
describe('the OpenAPI document at /docs', () => {
  let fw: Awaited<ReturnType<typeof startFlywheel>>;
  beforeAll(async () => { fw = await startFlywheel(); });
  afterAll(async () => { await fw.close(); });

  it('describes the answer of every API route', async () => {
    await fw.http.ready();
    const doc = fw.http.swagger() as { paths: Record<string, Record<string, { responses?: Record<string, { content?: unknown; description?: string }> }>> };
    const missing: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1/') && !path.startsWith('/u/')) continue;
      for (const [method, op] of Object.entries(methods)) {
        const success = Object.entries(op.responses ?? {}).filter(([status]) => /^2/.test(status));
        const described = success.length > 0 && success.every(([status, r]) => status === '204' || r.content !== undefined);
        if (!described) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/v1/')).length).toBeGreaterThan(40);
  });
});
