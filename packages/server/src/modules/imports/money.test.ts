import { describe, expect, it } from 'vitest';
import { yuanToFen } from './money';

describe('元 to 分', () => {
  it('converts by decimal string arithmetic and refuses a fraction of a fen', () => {
    // where floats drift (0.1 + 0.2 !== 0.3), 分 add up
    expect(yuanToFen(0.1 + 0.2)).toEqual({ value: 30 });
    expect(yuanToFen('0.07')).toEqual({ value: 7 });
    // Math.round(45035996273704.95 * 100) is ...496: only string arithmetic gets large sums right
    expect(yuanToFen('45035996273704.95')).toEqual({ value: 4503599627370495 });
    expect(yuanToFen('1.005')).toEqual({ problem: 'fen_fraction' });
    expect(yuanToFen('12元')).toEqual({ problem: 'not_amount' });
  });
});
