import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { AnalyticsStore } from './analytics-store';
import { loadConfig } from './config';

describe('config', () => {
  it('gives DuckDB 40% of RAM unless FLYWHEEL_ANALYTICS_MEMORY says otherwise, and DuckDB applies it', async () => {
    expect(loadConfig({}, {}).analyticsMemory).toBe(`${Math.floor((os.totalmem() * 0.4) / 2 ** 20)}MiB`);
    const config = loadConfig({}, { FLYWHEEL_ANALYTICS_MEMORY: '512MB' });
    const store = await AnalyticsStore.open(null, { memoryLimit: config.analyticsMemory });
    try {
      const row = await store.one<{ limit: string }>(`select current_setting('memory_limit') as limit`);
      expect(row?.limit).toBe('488.2 MiB'); // DuckDB shows 512 MB (10^6 bytes) in MiB
    } finally {
      await store.close();
    }
  });

  it('keeps funnel events in 10% of RAM unless FLYWHEEL_FUNNEL_MEMORY says otherwise', () => {
    expect(loadConfig({}, {}).funnelMemoryBytes).toBe(Math.floor(os.totalmem() * 0.1));
    expect(loadConfig({}, { FLYWHEEL_FUNNEL_MEMORY: '512MiB' }).funnelMemoryBytes).toBe(512 * 2 ** 20);
    expect(loadConfig({}, { FLYWHEEL_FUNNEL_MEMORY: '1.5GB' }).funnelMemoryBytes).toBe(1.5e9);
    expect(() => loadConfig({}, { FLYWHEEL_FUNNEL_MEMORY: '1.5' })).toThrow(/FLYWHEEL_FUNNEL_MEMORY: must look like 4GB or 512MB/);
  });

  it('names the variable when a value is malformed', () => {
    expect(() => loadConfig({}, { FLYWHEEL_ANALYTICS_MEMORY: 'lots' })).toThrow(/FLYWHEEL_ANALYTICS_MEMORY: must look like 4GB or 512MB/);
  });
});
