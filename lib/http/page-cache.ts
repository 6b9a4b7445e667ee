import { randomBytes } from "node:crypto";
import { log } from "@/lib/observability/log";

/**
 * Short-lived copies of the anonymous store page, kept by proxy.ts. It is the busiest page (every QR
 * scan) and a render costs about 7 ms of CPU, but Next cannot cache a page with a per-request CSP
 * nonce. A copy is the render's HTML with its nonce (128 random bits) replaced by the visitor's
 * fresh one: exactly the page a render with that nonce would give (docs/performance.md).
 *
 * Kept: page loads of /s/<slug> with no query and no session cookie, keyed by path, language and
 * theme (the only cookies the render is sent); 200s only, fresh 5-10 s, then served stale while
 * one refresh runs, up to 30 s. Never: a render that sets a cookie, a router's RSC fetch, a
 * signed-in or queried request. A 404 goes to the requests waiting on its render and is not kept,
 * so made-up slugs cannot push stores' pages out. Cleared on every instance by expireStorePages()
 * (lib/http/store-pages.ts) after a rule, approval or alliance change.
 */

/** A page as the proxy serves it. */
export type CachedPage = {
  status: number;
  /**
   * The HTML as rendered, cut where the render put its nonce, as UTF-8 bytes: a copy is the
   * parts joined by the new nonce, with no string work or encoding per request.
   */
  parts: Buffer[];
  /** Response headers worth keeping (content type, Vary, Link), not the render's CSP. */
  headers: [string, string][];
  filledAt: number;
  /** How long this copy is fresh: between MIN_FRESH_MS and FRESH_MS, drawn at the fill. */
  freshMs: number;
};

/** A rendered page: its HTML and the nonce the render used. */
export type RenderedPage = { status: number; html: string; nonce: string; headers: [string, string][] };

/** Statuses whose pages are the same for every anonymous visitor: served from a fill. Only a 200 is kept. */
const SERVED_STATUSES = new Set([200, 404]);

/** Renders the page; null (or a status not in SERVED_STATUSES) when it must be rendered as usual. */
export type PageFill = () => Promise<RenderedPage | null>;

// Fresh for 10 s: the page's gauge asks for the live figures as soon as the page loads (and every
// 10 s after), so an older copy shows the same page a moment later. Each store page is rendered at
// most once per 10 s per language and theme, however many people scan its code.
//
// Each copy's freshness is drawn between half of that and all of it: copies filled together (a
// restart, a burst of first visits) would otherwise all go stale together, and their refreshes, a
// render each, would queue up in one moment and hold every other request back (the bench's p99 showed it).
// For the same reason at most MAX_BACKGROUND_REFRESHES run at once; other stale copies wait for a
// later request.
export const FRESH_MS = 10_000;
export const MIN_FRESH_MS = FRESH_MS / 2;
export const STALE_MS = 30_000;
export const MAX_BACKGROUND_REFRESHES = 2;
export const MAX_ENTRIES = 500;

type Store = {
  entries: Map<string, CachedPage>;
  inflight: Map<string, Promise<CachedPage | null>>;
  /** Bumped by forgetCachedPages: a fill that started before a change must not be kept after it. */
  generation: number;
  /** Refreshes running for stale copies (not for misses, which someone is waiting on). */
  background: number;
  /** Marks the proxy's own fill requests, so they are rendered and not answered from the cache. */
  fillToken: string;
};

// On globalThis: proxy.ts and the server actions that clear the cache are compiled into different
// bundles of the same process, and a module-level Map would exist once per bundle.
const STORE_KEY = Symbol.for("freeline.pageCache");

function store(): Store {
  const g = globalThis as { [STORE_KEY]?: Store };
  return (g[STORE_KEY] ??= { entries: new Map(), inflight: new Map(), generation: 0, background: 0, fillToken: randomBytes(16).toString("hex") });
}


/** The request header the proxy's fill requests carry, with fillToken() as its value. */
export const FILL_HEADER = "x-freeline-page-fill";

/** This process's secret for FILL_HEADER: a request from outside cannot skip the cache's checks with it. */
export function fillToken(): string {
  return store().fillToken;
}

/** Store pages; the same pattern as a store slug (app/(customer)/s/[slug]/store.ts). */
const CACHEABLE_PATH = /^\/s\/[a-z0-9][a-z0-9-]{1,40}$/;

/**
 * Headers of Next's router fetching a page's RSC payload (navigation, prefetch). Next strips them
 * (and the `_rsc` parameter) from the request the proxy sees, so they only show if that changes;
 * what marks a browser's page load is below.
 */
const FLIGHT_HEADERS = ["rsc", "next-action", "next-router-prefetch", "next-router-state-tree", "next-router-segment-prefetch", "next-url"];

/**
 * Whether a request may be answered from the cache: an anonymous GET of a store page, with no
 * query, by a browser loading the page itself. A page load asks for HTML (Accept) and, in every
 * current browser, says it is for a document (Sec-Fetch-Dest); the router's RSC fetches accept
 * anything and are for `empty`. Answering one of those with HTML would break client navigation.
 */
export function cacheablePageRequest(req: { method: string; pathname: string; search: string; headers: Headers; anonymous: boolean }): boolean {
  const dest = req.headers.get("sec-fetch-dest");
  return (
    req.anonymous &&
    req.method === "GET" &&
    req.search === "" &&
    CACHEABLE_PATH.test(req.pathname) &&
    (req.headers.get("accept") ?? "").includes("text/html") &&
    (dest === null || dest === "document") &&
    !FLIGHT_HEADERS.some((h) => req.headers.has(h))
  );
}

export type Lookup = { page: CachedPage; state: "hit" | "stale" | "miss" };

/**
 * The page under `key`: fresh from the cache, stale while one background refresh runs, or after
 * a fill that concurrent requests for the same key share. Null when the fill gives nothing
 * cacheable; the caller then renders as usual.
 */
export async function cachedPage(key: string, fill: PageFill): Promise<Lookup | null> {
  const now = Date.now();
  const s = store();
  const e = s.entries.get(key);
  if (e && now - e.filledAt < e.freshMs) return { page: e, state: "hit" };
  if (e && now - e.filledAt < STALE_MS) {
    if (!s.inflight.has(key) && s.background < MAX_BACKGROUND_REFRESHES) {
      s.background++;
      void refresh(key, fill).finally(() => s.background--);
    }
    return { page: e, state: "stale" };
  }
  const page = await refresh(key, fill);
  return page ? { page, state: "miss" } : null;
}

function refresh(key: string, fill: PageFill): Promise<CachedPage | null> {
  const s = store();
  const { entries, inflight } = s;
  const running = inflight.get(key);
  if (running) return running;
  const generation = s.generation;
  const p = fill()
    .then((page) => {
      if (!page || !SERVED_STATUSES.has(page.status) || generation !== s.generation) {
        // An error now must not leave the old page behind either.
        entries.delete(key);
        return null;
      }
      const cut: CachedPage = {
        status: page.status,
        parts: page.html.split(page.nonce).map((part) => Buffer.from(part, "utf8")),
        headers: page.headers,
        filledAt: Date.now(),
        freshMs: MIN_FRESH_MS + Math.random() * (FRESH_MS - MIN_FRESH_MS),
      };
      entries.delete(key);
      if (cut.status !== 200) return cut;
      entries.set(key, cut);
      // Oldest fill first: a Map iterates in insertion order.
      while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      return cut;
    })
    .catch((e: unknown) => {
      log.warn({ key, err: e instanceof Error ? e.message : e }, "page cache fill failed");
      return null;
    })
    .finally(() => inflight.delete(key));
  inflight.set(key, p);
  return p;
}

/** The cached HTML with this response's nonce where the render had its own. */
export function withNonce(page: CachedPage, nonce: string): Uint8Array<ArrayBuffer> {
  const n = Buffer.from(nonce, "utf8");
  const size = page.parts.reduce((sum, part) => sum + part.length, 0) + n.length * (page.parts.length - 1);
  const out = new Uint8Array(size);
  let at = 0;
  page.parts.forEach((part, i) => {
    if (i > 0) {
      out.set(n, at);
      at += n.length;
    }
    out.set(part, at);
    at += part.length;
  });
  return out;
}

/** Drops every cached page: a store's rules, approval or alliance changed. */
export function forgetCachedPages(): void {
  const s = store();
  s.generation++;
  s.entries.clear();
}
