/**
 * The browser events the tracker follows: SPA navigations (for automatic page calls) and the page
 * going away, or being hidden, which on mobile is often the last chance before it is discarded.
 */
import { attempt, type DocumentLike, type HistoryLike, type WindowLike } from './browser';

/** Calls `listener` after every history.pushState and popstate. */
export function onNavigation(win: WindowLike | undefined, listener: () => void): void {
  const history = attempt(() => win?.history, undefined);
  if (history && typeof history.pushState === 'function') {
    const original = history.pushState;
    history.pushState = function patchedPushState(this: HistoryLike, ...args: Parameters<HistoryLike['pushState']>) {
      original.apply(this, args);
      listener();
    };
  }
  attempt(() => win?.addEventListener?.('popstate', listener), undefined);
}

/** Calls `listener` when the page is hidden or unloaded. */
export function onExit(win: WindowLike | undefined, doc: DocumentLike | undefined, listener: () => void): void {
  attempt(
    () =>
      doc?.addEventListener?.('visibilitychange', () => {
        if (doc.visibilityState === 'hidden') listener();
      }),
    undefined,
  );
  attempt(() => win?.addEventListener?.('pagehide', listener), undefined);
}
