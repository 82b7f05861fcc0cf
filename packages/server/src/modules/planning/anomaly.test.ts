import { describe, expect, it } from 'vitest';
import { sigmaCheck } from './anomaly';

// 28 days alternating 90 and 110: mean 100, sample sd ~10.18
const trailing = Array.from({ length: 28 }, (_, i) => (i % 2 ? 110 : 90));

describe('N-sigma moves of a KPI', () => {
  it('flags a day more than 3 sigma from its trailing 28 days, either way', () => {
    expect(sigmaCheck(140, trailing)).toMatchObject({ anomalous: true, direction: 'up', mean: 100 });
    expect(sigmaCheck(60, trailing)).toMatchObject({ anomalous: true, direction: 'down' });
    expect(sigmaCheck(125, trailing)!.anomalous).toBe(false);
    expect(sigmaCheck(125, trailing, 2)!.anomalous).toBe(true);
  });

  it('says nothing on a flat or short history, or without a value', () => {
    expect(sigmaCheck(500, Array(28).fill(100))).toBeNull();
    expect(sigmaCheck(500, trailing.slice(0, 10))).toBeNull();
    expect(sigmaCheck(null, trailing)).toBeNull();
    expect(sigmaCheck(0.5, [...trailing.map((v) => v / 1000), null, null])!.anomalous).toBe(true);
  });
});
