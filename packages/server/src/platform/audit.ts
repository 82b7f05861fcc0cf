import type { FastifyRequest } from 'fastify';
import { actorOf } from './auth';
import { principalOf } from './http';

/** Where audit entries go (the shops module's audit log). */
export type AuditWriter = (shopId: string, actor: string, action: string, detail: unknown) => Promise<void>;

/**
 * The one audit policy. Every change to a shop's settings, people, keys and plans is recorded with
 * who made it, a person or a secret key. Data feeds (commerce batches) are recorded when a person
 * sends them (an import from the console), not for every call of a storefront's back-end.
 */
export function auditor(write: AuditWriter) {
  return async (request: FastifyRequest, action: string, detail: unknown, kind: 'change' | 'feed' = 'change') => {
    const principal = principalOf(request);
    if (kind === 'feed' && principal.kind !== 'operator') return;
    await write(principal.shopId, actorOf(principal), action, detail);
  };
}
export type Audit = ReturnType<typeof auditor>;
