import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { log } from "@/lib/observability/log";
import {
  cacheablePageRequest,
  cachedPage,
  FRESH_MS,
  forgetCachedPages,
  MAX_BACKGROUND_REFRESHES,
  MAX_ENTRIES,
  MIN_FRESH_MS,
  STALE_MS,
  withNonce,
  type RenderedPage,
} from "./page-cache";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** A fill that counts its calls and renders the page with a nonce of its own each time. */
function renderer(body = (n: number) => `<p>render ${n}</p>`, status = 200) {
  let calls = 0;
  const fill = vi.fn(async (): Promise<RenderedPage> => {
    calls++;
    const nonce = `N${calls}xYz+/=`;
    return { status, html: `<script nonce="${nonce}">${body(calls)}</script><style nonce="${nonce}"></style>`, nonce, headers: [["content-type", "text/html"]] };
  });
  return { fill, calls: () => calls };
}

beforeEach(() => {
  vi.useFakeTimers();
  forgetCachedPages();
});
afterEach(() => vi.useRealTimers());

describe("withNonce", () => {
  it("gives the render with the new nonce in every place the old one was, and nothing else changed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme" }), { minLength: 1, maxLength: 6 }),
        fc.base64String({ minLength: 24, maxLength: 24 }),
        fc.base64String({ minLength: 24, maxLength: 24 }),
        (pieces, oldNonce, newNonce) => {
          fc.pre(pieces.every((p) => !p.includes(oldNonce)) && oldNonce !== newNonce);
          const html = pieces.join(oldNonce);
          const page = { status: 200, parts: html.split(oldNonce).map((p) => Buffer.from(p)), headers: [], filledAt: 0, freshMs: FRESH_MS };
          expect(decode(withNonce(page, newNonce))).toBe(pieces.join(newNonce));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("cachedPage", () => {
  it("renders once for concurrent misses, then serves copies while the copy is fresh", async () => {
    const r = renderer();
    const first = await Promise.all([cachedPage("k", r.fill), cachedPage("k", r.fill), cachedPage("k", r.fill)]);
    expect(r.calls()).toBe(1);
    expect(first.map((x) => x?.state)).toEqual(["miss", "miss", "miss"]);
    vi.advanceTimersByTime(MIN_FRESH_MS - 1);
    const hit = await cachedPage("k", r.fill);
    expect(hit?.state).toBe("hit");
    expect(r.calls()).toBe(1);
    expect(decode(withNonce(hit!.page, "NEW"))).toBe(`<script nonce="NEW"><p>render 1</p></script><style nonce="NEW"></style>`);
  });

  it("serves a stale copy while one refresh runs, then the refreshed one", async () => {
    const r = renderer();
    await cachedPage("k", r.fill);
    vi.advanceTimersByTime(FRESH_MS);
    const stale = await Promise.all([cachedPage("k", r.fill), cachedPage("k", r.fill)]);
    expect(stale.map((x) => x?.state)).toEqual(["stale", "stale"]);
    expect(decode(withNonce(stale[0]!.page, "n"))).toContain("render 1");
    await vi.runAllTimersAsync();
    expect(r.calls()).toBe(2);
    const fresh = await cachedPage("k", r.fill);
    expect(fresh?.state).toBe("hit");
    expect(decode(withNonce(fresh!.page, "n"))).toContain("render 2");
  });

  it("draws each copy's freshness between MIN_FRESH_MS and FRESH_MS, so copies filled together go stale apart", async () => {
    const r = renderer();
    for (let i = 0; i < 40; i++) await cachedPage(`k${i}`, r.fill);
    vi.advanceTimersByTime((MIN_FRESH_MS + FRESH_MS) / 2);
    const states = await Promise.all(Array.from({ length: 40 }, (_, i) => cachedPage(`k${i}`, r.fill)));
    const stale = states.filter((x) => x?.state === "stale").length;
    // Half would be expected; all or none would mean no spread (odds of either: 2 × 2^-40).
    expect(stale).toBeGreaterThan(0);
    expect(stale).toBeLessThan(40);
    vi.advanceTimersByTime(FRESH_MS);
    expect((await cachedPage("k0", r.fill))?.state).toBe("stale");
  });

  it(`refreshes at most ${MAX_BACKGROUND_REFRESHES} stale copies at once, and serves the rest stale meanwhile`, async () => {
    const r = renderer();
    for (let i = 0; i < 5; i++) await cachedPage(`k${i}`, r.fill);
    vi.advanceTimersByTime(FRESH_MS);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = vi.fn(async (): Promise<RenderedPage> => {
      await gate;
      return { status: 200, html: "<p>new</p>", nonce: "n", headers: [] };
    });
    const states = await Promise.all(Array.from({ length: 5 }, (_, i) => cachedPage(`k${i}`, slow)));
    expect(states.map((x) => x?.state)).toEqual(["stale", "stale", "stale", "stale", "stale"]);
    expect(slow).toHaveBeenCalledTimes(MAX_BACKGROUND_REFRESHES);
    release();
    await vi.runAllTimersAsync();
    await cachedPage("k4", slow); // the limit is free again: this one refreshes
    expect(slow).toHaveBeenCalledTimes(MAX_BACKGROUND_REFRESHES + 1);
  });

  it("renders again first when the copy is older than STALE_MS", async () => {
    const r = renderer();
    await cachedPage("k", r.fill);
    vi.advanceTimersByTime(STALE_MS);
    const again = await cachedPage("k", r.fill);
    expect(again?.state).toBe("miss");
    expect(decode(withNonce(again!.page, "n"))).toContain("render 2");
  });

  it("keeps a 200 page; serves a 404 to those who waited for it but keeps none; serves no other", async () => {
    const notFound = renderer(undefined, 404);
    const first = await Promise.all([cachedPage("unknown", notFound.fill), cachedPage("unknown", notFound.fill)]);
    expect(first.map((x) => [x?.state, x?.page.status])).toEqual([["miss", 404], ["miss", 404]]);
    expect(notFound.calls()).toBe(1);
    expect((await cachedPage("unknown", notFound.fill))?.state).toBe("miss");
    expect(notFound.calls()).toBe(2);

    const broken = renderer(undefined, 500);
    expect(await cachedPage("broken", broken.fill)).toBeNull();
    expect(await cachedPage("broken", broken.fill)).toBeNull();
    expect(broken.calls()).toBe(2);

    const ok = renderer();
    await cachedPage("k", ok.fill);
    vi.advanceTimersByTime(FRESH_MS);
    expect((await cachedPage("k", broken.fill))?.state).toBe("stale"); // the refresh gets a 500
    await vi.runAllTimersAsync();
    expect(await cachedPage("k", broken.fill)).toBeNull();
    // A store that stops being one (a 404 now) loses its kept page too.
    await cachedPage("gone", ok.fill);
    vi.advanceTimersByTime(FRESH_MS);
    await cachedPage("gone", notFound.fill);
    await vi.runAllTimersAsync();
    const now = await cachedPage("gone", notFound.fill);
    expect([now?.state, now?.page.status]).toEqual(["miss", 404]);
  });

  it("treats a failed or empty fill as nothing to serve", async () => {
    const errors = vi.spyOn(log, "warn").mockImplementation(() => {});
    expect(await cachedPage("k", async () => { throw new Error("connection refused"); })).toBeNull();
    expect(await cachedPage("k", async () => null)).toBeNull();
    expect(errors).toHaveBeenCalledOnce();
    errors.mockRestore();
  });

  it("forgets every copy on a change, and does not keep a render that began before it", async () => {
    const r = renderer();
    await cachedPage("a", r.fill);
    forgetCachedPages();
    expect((await cachedPage("a", r.fill))?.state).toBe("miss");
    expect(r.calls()).toBe(2);

    let release!: () => void;
    const slow = vi.fn(() => new Promise<RenderedPage>((resolve) => {
      release = () => resolve({ status: 200, html: "<p>before the change</p>", nonce: "x", headers: [] });
    }));
    const pending = cachedPage("b", slow);
    forgetCachedPages();
    release();
    expect(await pending).toBeNull();
    const after = renderer(() => "after the change");
    const fresh = await cachedPage("b", after.fill);
    expect(decode(withNonce(fresh!.page, "n"))).toContain("after the change");
  });

  it(`keeps at most ${MAX_ENTRIES} pages, dropping the oldest fill`, async () => {
    const r = renderer();
    for (let i = 0; i <= MAX_ENTRIES; i++) await cachedPage(`k${i}`, r.fill);
    expect((await cachedPage(`k${MAX_ENTRIES}`, r.fill))?.state).toBe("hit");
    expect((await cachedPage("k1", r.fill))?.state).toBe("hit");
    expect((await cachedPage("k0", r.fill))?.state).toBe("miss");
  });
});

describe("cacheablePageRequest", () => {
  const pageLoad = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "sec-fetch-dest": "document" };
  const base = { method: "GET", pathname: "/s/tea-house", search: "", headers: new Headers(pageLoad), anonymous: true };

  it("takes an anonymous page load of a store page", () => {
    expect(cacheablePageRequest(base)).toBe(true);
    // A client that sends no Sec-Fetch-Dest (an older browser, a monitor) but asks for HTML.
    expect(cacheablePageRequest({ ...base, headers: new Headers({ accept: "text/html" }) })).toBe(true);
  });

  it("refuses the router's RSC fetches, which the proxy sees without their flight headers", () => {
    // What a navigation or prefetch looks like to the proxy once Next has stripped rsc and _rsc.
    expect(cacheablePageRequest({ ...base, headers: new Headers({ accept: "*/*", "sec-fetch-dest": "empty" }) })).toBe(false);
    expect(cacheablePageRequest({ ...base, headers: new Headers({ accept: "text/html", "sec-fetch-dest": "empty" }) })).toBe(false);
    expect(cacheablePageRequest({ ...base, headers: new Headers({ "sec-fetch-dest": "document" }) })).toBe(false);
  });

  it("refuses everything else", () => {
    expect(cacheablePageRequest({ ...base, anonymous: false })).toBe(false);
    expect(cacheablePageRequest({ ...base, method: "POST" })).toBe(false);
    expect(cacheablePageRequest({ ...base, method: "HEAD" })).toBe(false);
    expect(cacheablePageRequest({ ...base, search: "?x=1" })).toBe(false);
    for (const p of ["/", "/s/tea-house/rules", "/s/", "/s/Tea", "/me", "/s/tea-house/", "/s/-x"]) {
      expect(cacheablePageRequest({ ...base, pathname: p }), p).toBe(false);
    }
    for (const h of ["rsc", "next-action", "next-router-prefetch", "next-router-state-tree", "next-router-segment-prefetch", "next-url"]) {
      expect(cacheablePageRequest({ ...base, headers: new Headers({ ...pageLoad, [h]: "1" }) }), h).toBe(false);
    }
  });
});
