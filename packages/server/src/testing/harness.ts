import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InitResult } from '@flywheel/contracts';
import { openFlywheel, type Flywheel } from '../app';
import { loadConfig, type Config } from '../platform/config';
import { databaseEnv } from './database';

/**
 * A real Flywheel for tests: embedded PGlite (or the Postgres named by DATABASE_URL, as CI's second
 * run does: a database of its own per data dir) and a DuckDB file in a fresh temporary data dir.
 */
export async function startFlywheel(overrides: Partial<Config> = {}): Promise<Flywheel & { dataDir: string }> {
  const dataDir = overrides.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-test-'));
  const config = loadConfig({ dataDir, databaseUrl: (await databaseEnv(dataDir)).DATABASE_URL, logLevel: (process.env.TEST_LOG_LEVEL as Config['logLevel']) ?? 'silent', projectorIntervalMs: 20, rateLimitPerSecond: 100_000, ...overrides });
  const fw = await openFlywheel(config);
  return Object.assign(fw, { dataDir });
}

export interface CallResult<T = any> { status: number; body: T; headers: Record<string, unknown> } // eslint-disable-line @typescript-eslint/no-explicit-any

/** Calls the real HTTP stack (routing, auth, validation, serialisation) in process. */
export async function call<T = any>(fw: Flywheel, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, key?: string, body?: unknown, headers: Record<string, string> = {}): Promise<CallResult<T>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fw.http.inject({
    method,
    url,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    ...(body === undefined ? {} : typeof body === 'string' || Buffer.isBuffer(body) ? { payload: body } : { payload: body as object }),
  });
  let parsed: unknown = res.body;
  try { parsed = res.json(); } catch { /* not JSON */ }
  return { status: res.statusCode, body: parsed as T, headers: res.headers };
}

export function newShop(fw: Flywheel, name = 'Test shop'): Promise<InitResult> {
  return fw.shops.createShop({ name });
}

/**
 * Adds a person to a shop the way the console does: the shop's key invites the email, the person
 * accepts with their password (their existing one, or the new account's). Returns their login.
 */
export async function addOperator(fw: Flywheel, shopKey: string, person: { email: string; password: string; role: string; name?: string }) {
  const invite = await call(fw, 'POST', '/v1/operators', shopKey, { email: person.email, role: person.role });
  if (invite.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invite.body)}`);
  const accepted = await call(fw, 'POST', '/v1/auth/accept-invitation', undefined, { token: invite.body.token, password: person.password, name: person.name });
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  return accepted.body as { token: string; shopId: string; role: string };
}

/** A paid order in the API's record shape. */
export function paidOrder(id: string, customerId: string, amount: number, paidAt = '2026-11-11T10:00:00+08:00', extra: Record<string, unknown> = {}) {
  return {
    externalId: id, customerId, status: 'paid', placedAt: paidAt, paidAt,
    items: [{ sku: 'SKU-1', quantity: 1, unitPrice: amount }], payableAmount: amount, ...extra,
  };
}

/** The headless browser the console's tests drive: the same one the PDF export uses. */
export { launchBrowser } from '../platform/browser';
