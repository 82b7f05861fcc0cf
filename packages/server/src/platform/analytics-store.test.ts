import { describe, expect, it } from 'vitest';
import { AnalyticsStore } from './analytics-store';
import { FlywheelError } from './errors';

describe('analytics store reads', () => {
  it('stops a read that runs past the query timeout with 503 query_timeout, and the next reads answer', async () => {
    const store = await AnalyticsStore.open(null, { queryTimeoutMs: 200 });
    try {
      // A cross join of 10^12 rows: minutes of work if it were not stopped.
      const started = Date.now();
      const error = await store.one('select count(*) as n from range(1000000) a, range(1000000) b where a.range + b.range = 7').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlywheelError);
      expect((error as FlywheelError).code).toBe('query_timeout');
      expect((error as FlywheelError).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(20_000);
      const reads = await Promise.all([1, 2, 3].map((n) => store.one<{ n: number }>('select $n::int as n', { n })));
      expect(reads.map((r) => r?.n)).toEqual([1, 2, 3]);
    } finally {
      await store.close();
    }
  });
});
