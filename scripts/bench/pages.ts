// The store page phases: as visitors load it (mostly copies from the proxy's cache), and rendered
// for every request, which shows what the cache saves.
import { request, type RunResult } from "./load";
import { log } from "./log";
import { loadPhase, pick, show, type Bench } from "./measure";

/**
 * Anonymous page loads, as a visitor who scanned a code: mostly copies from the proxy's cache
 * (lib/http/page-cache.ts). How many of each kind is printed; a render alone costs about 7 ms.
 */
export async function storePage(b: Bench): Promise<RunResult> {
  const served = new Map<string, number>();
  const r = await loadPhase(b, "page", async () => {
    const res = await request(b.base, "GET", `/s/${pick(b.stores).slug}`, { accept: "text/html" }, undefined, { discardBody: true });
    if (res.status !== 200) throw new Error(`store page ${res.status}`);
    const how = String(res.headers["x-page-cache"] ?? "rendered");
    served.set(how, (served.get(how) ?? 0) + 1);
  });
  show("store page /s/[slug], 32 clients", r);
  if (served.size > 0) log(`  store page answers (warm-up included): ${[...served].map(([k, n]) => `${k} ${n}`).join(", ")}`);
  return r;
}

/** The same page rendered for every request: the cache never answers a query. Not a target. */
export async function renderedPage(b: Bench): Promise<RunResult> {
  const r = await loadPhase(b, "render", async () => {
    const res = await request(b.base, "GET", `/s/${pick(b.stores).slug}?from=bench`, { accept: "text/html" }, undefined, { discardBody: true });
    if (res.status !== 200) throw new Error(`store page ${res.status}`);
  });
  show("store page rendered each time (?from=bench bypasses the cache), 32 clients", r);
  return r;
}
