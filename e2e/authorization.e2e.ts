import fs from "node:fs";
import path from "node:path";
import { expect, test, type Browser, type Page } from "./test";
import { login } from "./pages";

/**
 * Every page in app/, found on disk, so a new page cannot be forgotten. Dynamic segments get sample
 * values; route groups vanish from the URL.
 */
function allPages(): string[] {
  const root = path.join(process.cwd(), "app");
  const out: string[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name.startsWith("_") || entry.name === "api") continue;
        walk(path.join(dir, entry.name), [...segments, entry.name]);
      } else if (entry.name === "page.tsx") {
        const url = segments
          .filter((s) => !/^\(.*\)$/.test(s))
          .map((s) => (s === "[slug]" ? "tea-house" : s === "[orderNo]" ? "FL261125ABCDEFGH" : /^\[.*\]$/.test(s) ? "1" : s))
          .join("/");
        out.push(`/${url}`);
      }
    }
  };
  walk(root, []);
  return out.sort();
}

type Actor = "anonymous" | "customer" | "merchant" | "operator";
const CREDENTIALS: Record<Exclude<Actor, "anonymous">, [string, string]> = {
  customer: ["demo", "demo-pass-2026"],
  merchant: ["tea", "merchant-pass-2026"],
  operator: ["ops", "operator-pass-2026"],
};

/** Who may open a page, by its area. */
function allowed(url: string, actor: Actor): "yes" | "login" | "forbidden" {
  const area = url.startsWith("/merchant") ? "merchant" : url.startsWith("/operator") ? "operator" : url.startsWith("/me") ? "signed-in" : "public";
  if (area === "public") return "yes";
  if (actor === "anonymous") return "login";
  if (area === "signed-in") return "yes";
  return area === actor ? "yes" : "forbidden";
}

async function pageFor(browser: Browser, actor: Actor): Promise<Page> {
  const page = await browser.newPage();
  if (actor !== "anonymous") await login(page, ...CREDENTIALS[actor], "/me");
  return page;
}

const pages = allPages();

test("the page list is found on disk", () => {
  expect(pages).toContain("/s/tea-house");
  expect(pages).toContain("/merchant/queue");
  expect(pages).toContain("/operator/payouts");
});

for (const actor of ["anonymous", "customer", "merchant", "operator"] as const) {
  test(`every page checks who is asking: ${actor}`, async ({ browser }) => {
    const page = await pageFor(browser, actor);
    for (const url of pages) {
      const res = await page.goto(url);
      const status = res?.status() ?? 0;
      const expected = allowed(url, actor);
      const where = `${actor} → ${url} (status ${status}, at ${page.url()})`;
      expect(status, where).toBeLessThan(500);
      if (expected === "login") expect(new URL(page.url()).pathname, where).toBe("/login");
      if (expected === "forbidden") expect(status, where).toBe(403);
      if (expected === "yes") expect([200, 404], where).toContain(status);
    }
    await page.close();
  });
}
