import { expect, test, type APIResponse } from "./test";
import { login, main, openStore } from "./pages";

// The anonymous store page comes from the proxy's short cache (lib/http/page-cache.ts): each copy
// must carry its own response's nonce and nothing of the render's, never reach a signed-in
// visitor, keep languages apart, and give way at once to a change the merchant makes.

// As a browser's address bar asks for a page: the cache answers page loads only, never the
// router's RSC fetches (which the proxy cannot tell by their headers; see cacheablePageRequest).
const PAGE_LOAD = { accept: "text/html,application/xhtml+xml,*/*;q=0.8", "sec-fetch-dest": "document" };

const nonceOf = (res: APIResponse) => /'nonce-([^']+)'/.exec(res.headers()["content-security-policy"] ?? "")?.[1] ?? "";

/** Every nonce attribute in a page. */
const nonceAttributes = (html: string) => [...html.matchAll(/nonce="([^"]*)"/g)].map((m) => m[1]);

test("anonymous store pages are copies of one render, each with its own response's nonce", async ({ request }) => {
  const a = await request.get("/s/fruit-stand", { headers: PAGE_LOAD });
  const b = await request.get("/s/fruit-stand", { headers: PAGE_LOAD });
  expect(a.status()).toBe(200);
  expect(b.headers()["x-page-cache"]).toBe("hit");
  const [htmlA, htmlB] = [await a.text(), await b.text()];
  const [na, nb] = [nonceOf(a), nonceOf(b)];
  expect(na).not.toBe(nb);
  // Every script and style of the page has this response's nonce, and the render's is nowhere.
  for (const [html, nonce] of [[htmlA, na], [htmlB, nb]] as const) {
    const attrs = nonceAttributes(html);
    expect(attrs.length).toBeGreaterThan(3);
    expect(new Set(attrs)).toEqual(new Set([nonce]));
  }
  // Apart from the nonce, the same page.
  expect(htmlB.split(nb).join("N")).toBe(htmlA.split(na).join("N"));
  expect(b.headers()["content-type"]).toContain("text/html");
  expect(b.headers()["cache-control"]).toContain("no-store");
  expect(b.headers()["x-content-type-options"]).toBe("nosniff");

  // Each language is a copy of its own.
  const en = await request.get("/s/fruit-stand", { headers: { ...PAGE_LOAD, cookie: "NEXT_LOCALE=en" } });
  expect(en.headers()["x-page-cache"]).toBeDefined();
  expect(await en.text()).toContain('<html lang="en"');
  expect(htmlA).toContain('<html lang="zh-CN"');

  // An unknown store's 404 page is served from its fill (one render, not two) but never kept, so
  // made-up slugs cannot push the stores' pages out.
  const missing = [await request.get("/s/no-such-store", { headers: PAGE_LOAD }), await request.get("/s/no-such-store", { headers: PAGE_LOAD })];
  expect(missing.map((r) => [r.status(), r.headers()["x-page-cache"]])).toEqual([[404, "miss"], [404, "miss"]]);

  // A language or theme the app does not know is the default page, not a copy of its own.
  const odd = await request.get("/s/fruit-stand", { headers: { ...PAGE_LOAD, cookie: "NEXT_LOCALE=xx; theme=purple" } });
  expect(odd.headers()["x-page-cache"]).toBe("hit");
  expect(await odd.text()).toContain('<html lang="zh-CN"');

  // Not for Next's router (its RSC payload), a query, or another page.
  for (const [path, headers] of [
    ["/s/fruit-stand?_rsc=x1", { rsc: "1", accept: "*/*", "sec-fetch-dest": "empty" }],
    ["/s/fruit-stand?from=poster", PAGE_LOAD],
    ["/s/fruit-stand/rules", PAGE_LOAD],
    ["/", PAGE_LOAD],
  ] as const) {
    const res = await request.get(path, { headers });
    expect(res.headers()["x-page-cache"], path).toBeUndefined();
  }
  const rsc = await request.get("/s/fruit-stand?_rsc=x2", { headers: { rsc: "1", accept: "*/*", "sec-fetch-dest": "empty" } });
  expect(rsc.headers()["content-type"]).toContain("text/x-component");
});

test("moving from the home page to a cached store page is a client navigation, not a reload", async ({ page }) => {
  await page.request.get("/s/tea-house", { headers: PAGE_LOAD }); // the page is in the cache
  await page.goto("/");
  await page.evaluate(() => Object.assign(window, { sameDocument: true }));
  await main(page).getByRole("link", { name: /清风茶舍/ }).first().click();
  await page.waitForURL(/\/s\/tea-house$/);
  await expect(page.getByRole("heading", { level: 1, name: "清风茶舍" })).toBeVisible();
  // The router got its RSC payload: had the cache answered with HTML, Next would have reloaded.
  expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);
});

test("a signed-in visitor's store page is rendered for them, never a cached copy", async ({ page }) => {
  await page.goto("/s/tea-house"); // anonymous: fills the cache
  await login(page, "demo", "demo-pass-2026", "/s/tea-house");
  const res = await page.goto("/s/tea-house");
  expect(res?.headers()["x-page-cache"]).toBeUndefined();
  await expect(main(page).getByRole("button", { name: "下单并支付" })).toBeVisible();
  await expect(page.getByRole("link", { name: "我的" })).toBeVisible();
});

test("a rule change shows on the store's next anonymous page", async ({ browser, request }) => {
  const ops = await browser.newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  const slug = `cache-${Date.now().toString(36)}`;
  const merchant = await openStore(browser, ops, { slug, name: `缓存小店 ${slug.slice(-5)}`, owner: "cacheshop", password: "cache-pass-2026" });

  const before = await request.get(`/s/${slug}`, { headers: PAGE_LOAD });
  expect((await request.get(`/s/${slug}`, { headers: PAGE_LOAD })).headers()["x-page-cache"]).toBe("hit");
  expect(await before.text()).not.toContain("每笔订单的 30%");

  await merchant.goto("/merchant/settings");
  await merchant.fill('input[name="rebateBps"]', "30");
  await main(merchant).getByRole("button", { name: "保存为新版本" }).click();
  await merchant.getByTestId("save-rules-confirm").click();
  await expect(merchant.getByTestId("settings-status")).toContainText("已保存为第");

  const after = await request.get(`/s/${slug}`, { headers: PAGE_LOAD });
  expect(after.headers()["x-page-cache"]).toBe("miss");
  expect(await after.text()).toContain("每笔订单的 30%");
});
