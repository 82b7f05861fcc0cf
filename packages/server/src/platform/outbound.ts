/**
 * Calls Flywheel makes to addresses a shop configured (alert webhooks now; message providers later).
 * A shop's URL must not reach the server's own network: loopback, private, link-local (cloud
 * metadata at 169.254.169.254) and other non-public addresses are refused, both when the URL is
 * saved and when it is called, after DNS, on the address actually connected to, so a name that
 * resolves elsewhere later (DNS rebinding) is caught too. `allowPrivate` (the server setting
 * FLYWHEEL_ALLOW_PRIVATE_WEBHOOKS) lifts this for receivers on the shop's own network.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { FlywheelError } from './errors';

const PRIVATE_V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
];
const v4 = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);

/** Whether `ip` is an address no shop's receiver should have: loopback, private, link-local, multicast, reserved. */
export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) return PRIVATE_V4.some(([base, bits]) => Math.floor(v4(ip) / 2 ** (32 - bits)) === Math.floor(v4(base) / 2 ** (32 - bits)));
  const lower = ip.toLowerCase();
  const mapped = lower.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped) return isPrivateAddress(mapped[1]);
  return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || /^ff/.test(lower);
}

const refusal = (field: string, what: string) =>
  new FlywheelError('invalid_field', `${field}: ${what} is a loopback or private address, which Flywheel does not call; use a public address, or set FLYWHEEL_ALLOW_PRIVATE_WEBHOOKS=true on a server whose receivers are on its own network`, field);

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Checks a URL as it is saved: refused when its host is a private address, `localhost`, or a name
 * that resolves to one. A name that does not resolve yet is accepted (it is checked again when called).
 */
export async function assertPublicUrl(text: string, field: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = hostOf(new URL(text));
  if (net.isIP(host)) {
    if (isPrivateAddress(host)) throw refusal(field, host);
    return;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) throw refusal(field, host);
  const addresses = await dns.promises.lookup(host, { all: true }).catch(() => []);
  const inside = addresses.find((a) => isPrivateAddress(a.address));
  if (inside) throw refusal(field, `${host} (${inside.address})`);
}

export interface PostResult { status: number }

/** The address was refused before any connection: retrying will not help. */
export class RefusedAddressError extends Error {}

/** POSTs `body` to `url` and drains the answer; throws on network errors, timeouts and refused addresses. */
export function postJson(url: string, body: string, headers: Record<string, string>, options: { timeoutMs: number; allowPrivate: boolean }): Promise<PostResult> {
  const target = new URL(url);
  const host = hostOf(target);
  if (!options.allowPrivate && net.isIP(host) && isPrivateAddress(host)) return Promise.reject(new RefusedAddressError(`refused: ${host} is a private address`));
  const lookup: net.LookupFunction = (hostname, lookupOptions, callback) => {
    dns.lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      const inside = options.allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (inside) return callback(new RefusedAddressError(`refused: ${hostname} resolves to the private address ${inside.address}`), '', 0);
      if (lookupOptions.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      lookup,
      timeout: options.timeoutMs,
    }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * A receiver URL as people below owner see it: the scheme, host and path they need to recognise it,
 * without what authenticates the call (user and password, query values, a token as the last path
 * segment, as 企业微信, 钉钉 and 飞书 bot URLs carry them).
 */
export function maskUrl(text: string): string {
  const url = new URL(text);
  if (url.username || url.password) { url.username = '***'; url.password = ''; }
  for (const key of [...new Set(url.searchParams.keys())]) url.searchParams.set(key, '***');
  const segments = url.pathname.split('/');
  const last = segments.length - 1;
  if (segments[last].length >= 16) segments[last] = `${segments[last].slice(0, 4)}***`;
  url.pathname = segments.join('/');
  return url.toString().replace(/%2A%2A%2A/g, '***');
}
