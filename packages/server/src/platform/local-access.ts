/**
 * How a command of the `flywheel` CLI reads through the server that holds the data dir. The embedded
 * stores belong to one process (data-dir-lock.ts), so a read-only command such as `flywheel review`
 * cannot open them beside a running server; it asks that server instead.
 *
 * A listening server writes `flywheel.server.json` into the data dir: its pid, its URL and a token made
 * for this process alone, readable by the data dir's owner only (whoever can read that file can read
 * the databases beside it anyway). The token, sent as `Bearer <token>:<shopId>`, reads one shop's data
 * with a viewer's rights; `GET /v1/local/shops` with the bare token lists the shops. The file goes when
 * the server closes; one left by a killed server names a process that is gone, and is ignored.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { Principal } from './auth';
import { FlywheelError } from './errors';
import type { HttpApp } from './http';

export const SERVER_FILE = 'flywheel.server.json';
/** The local token's principal: read only, and named in logs and the audit as the CLI. */
export const LOCAL_OPERATOR_ID = 'local-cli';

export interface RunningServer { pid: number; url: string; token: string }

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export class LocalAccess {
  readonly token = randomBytes(32).toString('base64url');
  private withdrawFile: () => void = () => {};

  /** The principal of `Bearer <token>:<shopId>`, or undefined for any other credential. */
  async principal(credential: string, shopExists: (shopId: string) => Promise<boolean>): Promise<Principal | undefined> {
    const colon = credential.indexOf(':');
    if (colon < 0 || !sameToken(credential.slice(0, colon), this.token)) return undefined;
    const shopId = credential.slice(colon + 1);
    if (!(await shopExists(shopId))) return undefined;
    return { kind: 'operator', shopId, operatorId: LOCAL_OPERATOR_ID, role: 'viewer' };
  }

  /** Writes the data dir's server file for a server listening at `address` (withdraw() removes it). */
  announce(dataDir: string, address: AddressInfo): void {
    const file = path.join(dataDir, SERVER_FILE);
    const running: RunningServer = { pid: process.pid, url: localUrl(address), token: this.token };
    fs.writeFileSync(file, `${JSON.stringify(running)}\n`, { mode: 0o600 });
    this.withdrawFile = () => {
      try { if ((JSON.parse(fs.readFileSync(file, 'utf8')) as RunningServer).token === this.token) fs.unlinkSync(file); } catch { /* gone already */ }
    };
  }

  /** Removes the server file, when this process wrote it. */
  withdraw(): void {
    this.withdrawFile();
    this.withdrawFile = () => {};
  }

  /** `GET /v1/local/shops`: the shops, for a command that takes the only one when --shop is not given. */
  routes(app: HttpApp, shopIds: () => Promise<string[]>): void {
    app.get('/v1/local/shops', { config: { access: 'public' }, schema: { hide: true, response: { 200: z.object({ shops: z.array(z.string()) }) } } }, async (request) => {
      const header = request.headers.authorization ?? '';
      if (!header.startsWith('Bearer ') || !sameToken(header.slice(7), this.token)) throw new FlywheelError('unauthenticated', 'this call takes the token of the data dir\'s flywheel.server.json');
      return { shops: await shopIds() };
    });
  }
}

/** Where a process on this machine reaches a server listening on `address` (0.0.0.0 and :: are every interface). */
function localUrl(address: AddressInfo): string {
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** The server that holds `dataDir`, when one is listening (its file names a live process other than this one). */
export function runningServer(dataDir: string): RunningServer | undefined {
  try {
    const running = JSON.parse(fs.readFileSync(path.join(dataDir, SERVER_FILE), 'utf8')) as RunningServer;
    if (typeof running.url === 'string' && typeof running.token === 'string' && running.pid !== process.pid && alive(running.pid)) return running;
  } catch { /* no file, or not one of ours */ }
  return undefined;
}
