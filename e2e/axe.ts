import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "@playwright/test";

// Every page a journey opens is checked with axe-core, once per kind of page and colour scheme
// (ids and order numbers in the path are folded, so /orders/FL… is one page however many orders a
// run makes). A serious or critical violation fails the journey at the step that opened the page.

const checked = new Set<string>();
/** Pages that are also checked in the dark theme (their kind, as `pageKind` names it). */
const DARK_TOO = new Set(["/", "/s/:slug", "/me", "/me/wallet", "/merchant", "/operator", "/login"]);

/** The kind of page a path is: numbers, order numbers and store slugs folded. */
export function pageKind(pathname: string): string {
  return pathname
    .replace(/^\/s\/[^/]+/, "/s/:slug")
    .replace(/\/FL[0-9A-Z]+/g, "/:orderNo")
    .replace(/\/\d+(?=\/|$)/g, "/:id");
}

type Violation = Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"][number];

function describe(v: Violation): string {
  const nodes = v.nodes.slice(0, 5).map((n) => {
    const target = n.target.map(String).join(" ");
    const why = n.failureSummary?.split("\n").slice(1, 2).join(" ").trim() ?? "";
    return `    at ${target}\n      ${why}`;
  });
  const more = v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : "";
  return `  - ${v.id} (${v.impact}): ${v.help}\n${nodes.join("\n")}${more}\n    ${v.helpUrl}`;
}

/** Runs axe on the page as it is now; throws a readable list of serious and critical violations. */
export async function checkA11y(page: Page, scheme: "light" | "dark" = "light"): Promise<void> {
  const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze(); // legacy: no helper page, which browser.newPage() pages cannot open
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length > 0) {
    const where = new URL(page.url()).pathname;
    throw new Error(`accessibility: ${bad.length} serious/critical axe violation(s) on ${where} (${scheme} theme):\n${bad.map(describe).join("\n")}`);
  }
}

/** A navigation that lands mid-check destroys the page's context: check that page next time. */
function isNavigationRace(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return /Execution context was destroyed|navigat|Target (page, context or browser )?(has been )?closed|frame was detached/i.test(msg);
}

async function checkOnce(page: Page): Promise<void> {
  if (page.isClosed()) return;
  const url = new URL(page.url());
  if (url.protocol !== "http:" && url.protocol !== "https:") return;
  const kind = pageKind(url.pathname);
  const schemes: ("light" | "dark")[] = DARK_TOO.has(kind) ? ["light", "dark"] : ["light"];
  for (const scheme of schemes) {
    const key = `${kind} ${scheme}`;
    if (checked.has(key)) continue;
    try {
      if (scheme === "dark") await page.emulateMedia({ colorScheme: "dark" });
      await checkA11y(page, scheme);
      checked.add(key);
    } catch (err) {
      if (!isNavigationRace(err)) throw err;
    } finally {
      if (scheme === "dark" && !page.isClosed()) await page.emulateMedia({ colorScheme: null }).catch(() => {});
    }
  }
}

const instrumented = new WeakSet<object>();

/** Wraps the ways a journey lands on a page (goto, reload, waitForURL) so each is followed by a check. */
export function instrumentPage(page: Page): Page {
  if (instrumented.has(page)) return page;
  instrumented.add(page);
  const goto = page.goto.bind(page);
  const reload = page.reload.bind(page);
  const waitForURL = page.waitForURL.bind(page);
  page.goto = async (...args: Parameters<Page["goto"]>) => {
    const response = await goto(...args);
    await checkOnce(page);
    return response;
  };
  page.reload = async (...args: Parameters<Page["reload"]>) => {
    const response = await reload(...args);
    await checkOnce(page);
    return response;
  };
  page.waitForURL = async (...args: Parameters<Page["waitForURL"]>) => {
    await waitForURL(...args);
    await page.waitForLoadState("load");
    await checkOnce(page);
  };
  return page;
}

export function instrumentContext(context: BrowserContext): BrowserContext {
  if (instrumented.has(context)) return context;
  instrumented.add(context);
  context.pages().forEach(instrumentPage);
  context.on("page", instrumentPage);
  const newPage = context.newPage.bind(context);
  context.newPage = async () => instrumentPage(await newPage());
  return context;
}

export function instrumentBrowser(browser: Browser): Browser {
  if (instrumented.has(browser)) return browser;
  instrumented.add(browser);
  const newContext = browser.newContext.bind(browser);
  const newPage = browser.newPage.bind(browser);
  // axe-core runs as a script in the page, which a context without JavaScript never runs (the check
  // would wait until the test times out): such contexts are left alone.
  const scripted = (options?: Parameters<Browser["newContext"]>[0]) => options?.javaScriptEnabled !== false;
  browser.newContext = async (...args: Parameters<Browser["newContext"]>) => {
    const context = await newContext(...args);
    return scripted(args[0]) ? instrumentContext(context) : context;
  };
  browser.newPage = async (...args: Parameters<Browser["newPage"]>) => {
    const page = await newPage(...args);
    if (!scripted(args[0])) return page;
    instrumentContext(page.context());
    return instrumentPage(page);
  };
  return browser;
}
