import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone } from './masking';

describe('masking of contact details', () => {
  it('keeps the first three and last four digits of a phone, as 138****5678', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('138 1234 5678')).toBe('138****5678');
    expect(maskPhone('+86-138-1234-5678')).toBe('+86****5678');
  });
  it('stars a phone too short to keep digits of, and never returns a digit of it', () => {
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone('1')).toBe('****');
  });
  it('keeps the first character and the domain of an email', () => {
    expect(maskEmail('zhang.wei@example.com')).toBe('z***@example.com');
    expect(maskEmail('not-an-email')).toBe('***');
  });
});
