import type { Role } from '@flywheel/contracts';

/** Who is calling: a storefront with a publishable key, a back-end with a secret key, or an operator. */
export type Principal =
  | { kind: 'publishable'; shopId: string; keyId: string }
  | { kind: 'secret'; shopId: string; keyId: string }
  | { kind: 'operator'; shopId: string; operatorId: string; role: Role };

/**
 * What a route needs. `track`: tracking calls (any key); `read`: see data; `analyse`: build analyses;
 * `write`: change shop data and run levers; `admin`: operators, keys and settings.
 */
export type Access = 'public' | 'track' | 'read' | 'analyse' | 'write' | 'admin';

const roleAccess: Record<Role, Access[]> = {
  owner: ['track', 'read', 'analyse', 'write', 'admin'],
  operator: ['track', 'read', 'analyse', 'write'],
  analyst: ['track', 'read', 'analyse'],
  viewer: ['read'],
};

export function allows(principal: Principal, access: Access): boolean {
  if (access === 'public') return true;
  if (principal.kind === 'publishable') return access === 'track';
  if (principal.kind === 'secret') return true;
  return roleAccess[principal.role].includes(access);
}

export function actorOf(principal: Principal): string {
  return principal.kind === 'operator' ? `operator:${principal.operatorId}` : `key:${principal.keyId}`;
}
