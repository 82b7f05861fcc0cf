import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords';

describe('password hashing', () => {
  it('accepts the right password, refuses a wrong one, and never stores the password', async () => {
    const stored = await hashPassword('s3cret-pass');
    expect(stored).not.toContain('s3cret-pass');
    expect(await verifyPassword('s3cret-pass', stored)).toBe(true);
    expect(await verifyPassword('s3cret-pasS', stored)).toBe(false);
    expect(await hashPassword('s3cret-pass')).not.toBe(stored); // salted
  });
});
