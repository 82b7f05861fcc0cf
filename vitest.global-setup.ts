/**
 * Once per test run, before the test processes start: unpack the packaged browser, so the PDF and
 * console tests running in parallel processes never unpack it at the same time.
 */
import { browserExecutable } from './packages/server/src/platform/browser';

export default async function setup() {
  await browserExecutable();
}
