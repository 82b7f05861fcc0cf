/**
 * What the 埋点代码 page gives a storefront to paste: the `<script>` snippet that loads the tracker
 * from this server's `/sdk.js` (packages/sdk snippet.ts), the calls to make with it, and, for a front
 * end built inside this monorepo, the workspace import of the same tracker.
 */
import { loaderSnippet } from '@flywheel/sdk/snippet';

/** Into every page's <head>: loads `/sdk.js` without blocking the page; a page call on load and on every SPA navigation. */
export function scriptSnippet(origin: string, writeKey: string): string {
  return loaderSnippet(`${origin}/sdk.js`, writeKey, { endpoint: origin, autoPage: true });
}

/** Comments of the code shown, in the reader's language. */
export interface SnippetComments { signIn: string; logout: string; dependency: string }

/** The calls a storefront makes through `window.flywheel` (queued until /sdk.js has loaded). */
export function callsSnippet(comments: SnippetComments): string {
  return `// ${comments.signIn}
flywheel.identify('C10086', { name: '张三' });

flywheel.track('Product Viewed', { product_id: 'SPU-1001', sku: 'SKU-1001-M', category: '服饰/女装/连衣裙', price: 199 });
flywheel.track('Product Added', { product_id: 'SPU-1001', sku: 'SKU-1001-M', quantity: 1 });
flywheel.track('Checkout Started', { revenue: 199 });
flywheel.track('Order Completed', { order_id: 'O-20261111-0001', revenue: 199 });

// ${comments.logout}
flywheel.reset();`;
}

/** For a front end that is a workspace of this monorepo: @flywheel/sdk is not published to npm. */
export function workspaceSnippet(origin: string, writeKey: string, comments: SnippetComments): string {
  return `// ${comments.dependency}: "dependencies": { "@flywheel/sdk": "*" }
import { createTracker } from '@flywheel/sdk/tracker';

const flywheel = createTracker({ writeKey: '${writeKey}', endpoint: '${origin}', autoPage: true });`;
}
