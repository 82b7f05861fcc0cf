/**
 * The HTTP load the benchmarks drive: CONCURRENCY keep-alive clients in a worker thread (the
 * client's own work stays off the server's thread), each sending the next request (the next of
 * `bodies`, in turn) when its answer has arrived, for `seconds` or until `requests` were sent.
 * Client and server share the machine's cores, as on a one-box deployment.
 */
import { Worker } from 'node:worker_threads';

const LOADER = `
const http = require('node:http');
const { parentPort, workerData: { port, url, headers, bodies, seconds, requests, concurrency } } = require('node:worker_threads');
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const times = []; const statuses = {}; let errors = 0; let sent = 0;
const deadline = seconds ? performance.now() + seconds * 1000 : Infinity;
const more = () => performance.now() < deadline && (!requests || sent < requests);
const one = () => new Promise((resolve) => {
  const body = bodies[sent++ % bodies.length];
  const started = performance.now();
  const request = http.request({ host: '127.0.0.1', port, path: url, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (response) => {
    response.resume();
    response.on('end', () => { statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1; times.push(performance.now() - started); resolve(); });
  });
  request.on('error', () => { errors++; resolve(); });
  request.end(body);
});
(async () => {
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => { while (more()) await one(); }));
  agent.destroy();
  parentPort.postMessage({ times, statuses, errors, elapsed: (performance.now() - started) / 1000 });
})();`;

export interface LoadResult { requests: number; perSecond: number; p50: number; p99: number; statuses: Record<string, number>; errors: number }

export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

export async function load(port: number, url: string, headers: Record<string, string>, bodies: readonly string[], run: { concurrency: number; seconds?: number; requests?: number }): Promise<LoadResult> {
  const worker = new Worker(LOADER, { eval: true, workerData: { port, url, headers, bodies, seconds: run.seconds ?? 0, requests: run.requests ?? 0, concurrency: run.concurrency } });
  const { times, statuses, errors, elapsed } = await new Promise<{ times: number[]; statuses: Record<string, number>; errors: number; elapsed: number }>((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
  await worker.terminate();
  times.sort((a, b) => a - b);
  return { requests: times.length, perSecond: times.length / elapsed, p50: percentile(times, 0.5), p99: percentile(times, 0.99), statuses, errors };
}

export const formatLoad = (r: LoadResult) => `${Math.round(r.perSecond).toLocaleString('en-US')}/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms${r.errors ? `, ${r.errors} errors` : ''}`;
