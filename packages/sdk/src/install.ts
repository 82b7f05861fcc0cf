import { SNIPPET_METHODS, type SnippetStub } from './snippet';
import { createTracker, type Tracker } from './tracker';

/** What `/sdk.js` runs in the page: the tracker behind `window.flywheel`, with what was queued before it arrived. */
export function installFromSnippet(win: { flywheel?: SnippetStub | Tracker } = globalThis as { flywheel?: SnippetStub | Tracker }): Tracker | undefined {
  const stub = win.flywheel;
  if (!Array.isArray(stub) || stub.loaded) return undefined;
  if (!stub.writeKey || !stub.options?.endpoint) {
    console.warn('[flywheel] /sdk.js was loaded without flywheel.load(writeKey, { endpoint }): nothing is tracked');
    return undefined;
  }
  stub.loaded = true;
  const tracker = createTracker({ ...stub.options, writeKey: stub.writeKey, endpoint: stub.options.endpoint });
  for (const [method, ...args] of stub.splice(0)) {
    const fn = tracker[method] as ((...a: unknown[]) => unknown) | undefined;
    if (SNIPPET_METHODS.includes(method) && fn) fn(...args);
  }
  win.flywheel = tracker;
  return tracker;
}
