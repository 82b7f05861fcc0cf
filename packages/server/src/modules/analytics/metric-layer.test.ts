import { describe, expect, it } from 'vitest';
import { metricCatalog, metricNames } from '@flywheel/contracts';
import { factsOf, measuresOf, metricDefinitions } from './metric-layer';

describe('metric layer and the metric catalog', () => {
  it('defines every metric of the catalog, from the facts the catalog names', () => {
    expect(Object.keys(metricDefinitions).sort()).toEqual([...metricNames].sort());
    for (const metric of metricNames) {
      expect([...factsOf(measuresOf([metric])).keys()].sort(), metric).toEqual([...metricCatalog[metric].facts].sort());
    }
  });
});
