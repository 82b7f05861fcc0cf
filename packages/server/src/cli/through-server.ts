/**
 * A read-only command beside a running server: the server holds the data dir, so the command asks it
 * over HTTP with the token of the dir's flywheel.server.json (platform/local-access.ts) instead of
 * opening the stores itself.
 */
import { errorStatus, FlywheelError, type ErrorCode } from '../platform/errors';
import type { RunningServer } from '../platform/local-access';

export interface ServerReader {
  shopId: string;
  /** GETs `path` (with its query) as the shop; throws the server's error as a FlywheelError. */
  get(path: string): Promise<Response>;
}

async function failure(response: Response, server: RunningServer): Promise<FlywheelError> {
  let error: { code?: string; message?: string; field?: string } | undefined;
  try { error = ((await response.json()) as { error?: typeof error }).error; } catch { /* not JSON */ }
  const code = (error?.code && error.code in errorStatus ? error.code : 'internal') as ErrorCode;
  return new FlywheelError(code, error?.message ?? `the server at ${server.url} (process ${server.pid}) answered ${response.status}`, error?.field);
}

async function fetchFrom(server: RunningServer, path: string, credential: string): Promise<Response> {
  try {
    return await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${credential}` } });
  } catch (error) {
    throw new FlywheelError('conflict', `the data dir is held by flywheel process ${server.pid}, which does not answer at ${server.url} (${(error as Error).message}); stop it, or try again`);
  }
}

/** The shop to read (`--shop`, else the server's only one), and a way to read it. */
export async function readerOf(server: RunningServer, shop: string | undefined): Promise<ServerReader> {
  let shopId = shop;
  if (!shopId) {
    const response = await fetchFrom(server, '/v1/local/shops', server.token);
    if (!response.ok) throw await failure(response, server);
    const { shops } = (await response.json()) as { shops: string[] };
    if (shops.length === 0) throw new FlywheelError('not_found', 'there is no shop yet: run `flywheel init` (or `flywheel demo`) first');
    if (shops.length > 1) throw new FlywheelError('invalid_field', `there are ${shops.length} shops; say which with --shop (${shops.join(', ')})`, 'shop');
    shopId = shops[0];
  }
  const credential = `${server.token}:${shopId}`;
  return {
    shopId,
    async get(path) {
      const response = await fetchFrom(server, path, credential);
      if (response.status === 401) throw new FlywheelError('not_found', `no shop ${shopId} in this data dir`, 'shop');
      if (!response.ok) throw await failure(response, server);
      return response;
    },
  };
}
