/**
 * What every call says about where it was made: the page, the campaign that brought the visitor
 * (utm_* of the landing URL, kept for the session), the browser and the library.
 */
import type { TrackCall } from '@flywheel/contracts';
import { attempt, type DocumentLike, type NavigatorLike, type StorageLike, type WindowLike } from './browser';
import { isPlainObject, readJson } from './storage';

export const LIBRARY = { name: 'flywheel-sdk', version: '0.1.0' } as const;

const CAMPAIGN_KEY = 'fw_campaign';

const UTM_FIELDS = { utm_source: 'source', utm_medium: 'medium', utm_campaign: 'name', utm_term: 'term', utm_content: 'content' } as const;
export type Campaign = Partial<Record<(typeof UTM_FIELDS)[keyof typeof UTM_FIELDS], string>>;

/** Reads utm_* parameters from a query string; undefined when there are none. */
export function campaignFromSearch(search: string): Campaign | undefined {
  const params = attempt(() => new URLSearchParams(search), undefined);
  if (!params) return undefined;
  const campaign: Campaign = {};
  let found = false;
  for (const [param, field] of Object.entries(UTM_FIELDS)) {
    const value = params.get(param);
    if (value) {
      campaign[field] = value;
      found = true;
    }
  }
  return found ? campaign : undefined;
}

export type PageInfo = Record<string, string | undefined>;
export type EventContext = TrackCall['context'];

export interface PageContext {
  /** url, path, referrer, title and search of the current page. */
  page(): PageInfo;
  /** The `context` of a call made now. */
  context(): EventContext;
  /** Follows an SPA navigation; false when the URL did not change. */
  navigated(): boolean;
}

export interface BrowserParts {
  win: WindowLike | undefined;
  doc: DocumentLike | undefined;
  nav: NavigatorLike | undefined;
  /** Per-tab storage for the landing campaign. */
  session: StorageLike;
}

export function loadPageContext({ win, doc, nav, session }: BrowserParts): PageContext {
  const campaign = loadCampaign();
  let referrer = attempt(() => doc?.referrer, undefined) || undefined;
  let lastHref = attempt(() => win?.location?.href, undefined);

  /** utm_* of the landing URL, remembered for the session so later pages keep the attribution. */
  function loadCampaign(): Campaign | undefined {
    const landing = campaignFromSearch(attempt(() => win?.location?.search ?? '', ''));
    if (landing) {
      session.setItem(CAMPAIGN_KEY, JSON.stringify(landing));
      return landing;
    }
    const stored = readJson(session, CAMPAIGN_KEY);
    return isPlainObject(stored) ? (stored as Campaign) : undefined;
  }

  function page(): PageInfo {
    const loc = attempt(() => win?.location, undefined);
    return {
      url: loc?.href,
      path: loc?.pathname,
      referrer,
      title: attempt(() => doc?.title, undefined),
      search: loc?.search,
    };
  }

  return {
    page,
    context: () => ({
      page: page(),
      ...(campaign ? { campaign } : {}),
      userAgent: attempt(() => nav?.userAgent, undefined),
      locale: attempt(() => nav?.language, undefined),
      library: { ...LIBRARY },
    }),
    navigated() {
      const href = attempt(() => win?.location?.href, undefined);
      if (href === lastHref) return false; // pushState to the same URL, or a hash-only popstate we already saw
      referrer = lastHref ?? referrer; // in an SPA the previous route is the referrer
      lastHref = href;
      return true;
    },
  };
}
