import { describe, expect, it } from 'vitest';
import { childPeriodLabels, fromInputValue, toInputValue } from './planValues';

describe('plan values', () => {
  it('turns 元 into 分 exactly and back', () => {
    expect(fromInputValue('sales', 1234567.89, 'CNY')).toBe(123456789);
    expect(toInputValue('sales', 123456789, 'CNY')).toBe(1234567.89);
    expect(fromInputValue('conversion_rate', 3.45, 'CNY')).toBeCloseTo(0.0345, 10);
    expect(toInputValue('conversion_rate', 0.0345, 'CNY')).toBe(3.45);
  });

  it('names child periods as the planning API does', () => {
    expect(childPeriodLabels({ from: '2026-01-01', to: '2027-01-01' }, 'quarter')).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(childPeriodLabels({ from: '2026-10-01', to: '2027-01-01' }, 'month')).toEqual(['2026-10', '2026-11', '2026-12']);
    // 2026-10-01 is a Thursday: the first week is cut off by the month start, the rest run Monday to Monday.
    expect(childPeriodLabels({ from: '2026-10-01', to: '2026-11-01' }, 'week')).toEqual(['2026-10-01/2026-10-05', '2026-10-05/2026-10-12', '2026-10-12/2026-10-19', '2026-10-19/2026-10-26', '2026-10-26/2026-11-01']);
    // A custom period cut by quarters: the part that is a whole month is named as the month, as the API keys it.
    expect(childPeriodLabels({ from: '2026-03-01', to: '2026-08-01' }, 'quarter')).toEqual(['2026-03', '2026-Q2', '2026-07']);
  });
});
