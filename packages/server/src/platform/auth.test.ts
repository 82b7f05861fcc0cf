import { describe, expect, it } from 'vitest';
import { allows, type Principal } from './auth';

describe('access rules', () => {
  const op = (role: 'owner' | 'operator' | 'analyst' | 'viewer'): Principal => ({ kind: 'operator', shopId: 's', operatorId: 'o', role });
  it('a publishable key may only track', () => {
    const pk: Principal = { kind: 'publishable', shopId: 's', keyId: 'k' };
    expect(allows(pk, 'track')).toBe(true);
    for (const a of ['read', 'analyse', 'write', 'admin'] as const) expect(allows(pk, a)).toBe(false);
  });
  it('a viewer reads but changes nothing; an analyst analyses; an operator writes; only the owner administers', () => {
    expect(allows(op('viewer'), 'read')).toBe(true);
    expect(allows(op('viewer'), 'write')).toBe(false);
    expect(allows(op('viewer'), 'analyse')).toBe(false);
    expect(allows(op('analyst'), 'analyse')).toBe(true);
    expect(allows(op('analyst'), 'write')).toBe(false);
    expect(allows(op('operator'), 'write')).toBe(true);
    expect(allows(op('operator'), 'admin')).toBe(false);
    expect(allows(op('owner'), 'admin')).toBe(true);
  });
});
