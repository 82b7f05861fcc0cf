/**
 * The tracker for a `<script>` tag: what the Flywheel server bundles and serves at `/sdk.js`, and the
 * snippet a storefront pastes into its pages to load it, as Segment's analytics.js is loaded.
 *
 * The snippet defines `window.flywheel` at once as a queue: calls made before `/sdk.js` has arrived
 * (`flywheel.track(...)` in the page's own scripts) are kept, in order. When the script runs it creates
 * the tracker with the key and options given to `flywheel.load(...)`, replays the queue, and makes
 * `window.flywheel` the tracker itself (install.ts). This file holds only the snippet, so the console
 * can show it without bundling the tracker.
 */
import type { TrackerOptions } from './tracker';

/** Options `flywheel.load(key, options)` takes in a page: the tracker's own, minus what only a program passes. */
export type SnippetOptions = Pick<TrackerOptions, 'endpoint' | 'autoPage' | 'flushAt' | 'flushIntervalMs' | 'cookieDomain'>;

/** The tracker's methods a page may call before `/sdk.js` has arrived. */
export const SNIPPET_METHODS = ['track', 'page', 'identify', 'alias', 'flush', 'reset'] as const;
export type SnippetMethod = (typeof SNIPPET_METHODS)[number];

/** `window.flywheel` before the script has loaded: the snippet's queue of calls, and what `load` was given. */
export interface SnippetStub extends Array<[SnippetMethod, ...unknown[]]> {
  writeKey?: string;
  options?: SnippetOptions;
  loaded?: boolean;
}

/**
 * The snippet for a page, minified by hand (it runs before anything else, so it must stay small and
 * dependency-free). `src` is where `/sdk.js` is served; `options.endpoint` is the server calls go to
 * (the same server, as a rule). Loaded twice, or after the tracker is in place, it does nothing.
 */
export function loaderSnippet(src: string, writeKey: string, options: SnippetOptions): string {
  const call = `f.load(${JSON.stringify(writeKey)},${JSON.stringify(options)});`;
  return (
    '<script>\n' +
    '!function(w,d){var f=w.flywheel=w.flywheel||[];if(!Array.isArray(f)||f.load)return;' +
    `var m=${JSON.stringify(SNIPPET_METHODS)};` +
    'm.forEach(function(k){f[k]=function(){f.push([k].concat([].slice.call(arguments)));return f}});' +
    'f.load=function(key,o){f.writeKey=key;f.options=o;var s=d.createElement("script");s.async=true;' +
    `s.src=${JSON.stringify(src)};var x=d.getElementsByTagName("script")[0];x.parentNode.insertBefore(s,x)};` +
    `${call}}(window,document);\n` +
    '</script>'
  );
}
