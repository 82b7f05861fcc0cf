// The preparation worker: parses and validates tracking calls and builds their rows (prepare.ts) on a
// second core, while the main thread serves HTTP and appends to DuckDB. Plain JavaScript so it can
// register the TypeScript loader itself, from wherever the process was started.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { prepareCalls } = await import('./prepare.ts');

parentPort.on('message', ({ id, input }) => {
  try {
    const result = prepareCalls(input);
    parentPort.postMessage({ id, result }, [result.ts.buffer, result.receivedAt.buffer, result.ends.buffer, result.nulls.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
