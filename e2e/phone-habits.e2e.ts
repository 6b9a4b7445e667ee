import { expect, test, type Browser, type Page } from "./test";
import { login, main, openStore, register, uniqueUser } from "./pages";

const PASSWORD = "phone-habits-pass-2026";
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

type Small = { what: string; width: number; height: number };

/**
 * Every interactive element on the page whose tap target is under 44 × 44 CSS px. The target of a
 * checkbox, radio or switch inside a label is the label (a tap on it works the control). Links
 * inside a sentence are exempt, as WCAG 2.5.8 exempts them: their size is the text's.
 */
function smallTargets(page: Page): Promise<Small[]> {
  return page.evaluate(() => {
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="switch"], [role="tab"]';
    const out: { what: string; width: number; height: number }[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      if (el.closest("dialog:not([open])")) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || el.getClientRects().length === 0) continue;
      const parent = el.parentElement;
      const inSentence =
        el.tagName === "A" && style.display === "inline" && parent !== null &&
        (parent.textContent ?? "").trim().length > (el.textContent ?? "").trim().length;
      if (inSentence) continue;
      const target = el.tagName === "INPUT" && ["checkbox", "radio"].includes((el as HTMLInputElement).type) ? (el.closest("label") ?? el) : el;
      const box = target.getBoundingClientRect();
      if (box.width < 43.5 || box.height < 43.5) {
        const name = (el.getAttribute("aria-label") ?? el.textContent ?? el.getAttribute("name") ?? "").trim().slice(0, 30);
        out.push({ what: `${el.tagName.toLowerCase()} "${name}"`, width: Math.round(box.width), height: Math.round(box.height) });
      }
    }
    return out;
  });
}

/** Pixels the page is wider than the screen (0: no sideways scrolling). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

async function checkTargets(page: Page, paths: string[]): Promise<string[]> {
  const failures: string[] = [];
  for (const path of paths) {
    await page.goto(path);
    for (const s of await smallTargets(page)) failures.push(`${path}: ${s.what} is ${s.width}×${s.height}`);
  }
  return failures;
}

async function newStore(browser: Browser): Promise<{ slug: string; merchant: Page }> {
  const ops = await browser.newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  const slug = `habits-${Date.now().toString(36)}`;
  const merchant = await openStore(browser, ops, { slug, name: `Habits ${slug.slice(-5)}`, owner: "habitshop", password: PASSWORD });
  await ops.close();
  return { slug, merchant };
}

test("every interactive element on the customer pages is at least 44 × 44 px at 390 px", async ({ browser }) => {
  test.setTimeout(240_000);
  const { slug, merchant } = await newStore(browser);
  await merchant.close();
  const context = await browser.newContext(PHONE);
  const p = await context.newPage();

  const anonymous = await checkTargets(p, ["/", `/s/${slug}`, `/s/${slug}/rules`, "/rules", "/login", "/register", "/forgot", "/privacy"]);

  await register(p, uniqueUser("habit"), PASSWORD, `/s/${slug}`);
  await p.fill('input[name="amount"]', "120");
  await main(p).getByRole("button", { name: /下单并支付/ }).click();
  // The pay step drawn in place of the form, then the pay page a customer comes back to.
  const pending = `/pay/${(await main(p).getByTestId("pay-here-order-no").innerText()).trim()}`;
  const inPlace = (await smallTargets(p)).map((s) => `/s/${slug} (pay step): ${s.what} is ${s.width}×${s.height}`);
  const pendingTargets = [...inPlace, ...(await checkTargets(p, [pending]))];
  await main(p).getByRole("button", { name: /确认支付/ }).click();
  await p.waitForURL(/\/orders\/FL/);
  const paid = new URL(p.url()).pathname;
  const signedIn = await checkTargets(p, [paid, "/orders", `/s/${slug}`, "/me", "/me/wallet", "/me/points", "/me/password", "/me/notifications", "/me/notifications/settings", "/me/data", "/me/delete", "/apply", "/"]);

  expect([...anonymous, ...pendingTargets, ...signedIn]).toEqual([]);
  await context.close();
});

test("no sideways scrolling at 360 px, the brand whole, the merchant's tabs all on screen", async ({ browser }) => {
  test.setTimeout(240_000);
  const { slug, merchant } = await newStore(browser);
  await merchant.setViewportSize({ width: 360, height: 780 });
  for (const path of ["/merchant", "/merchant/queue", "/merchant/orders", "/merchant/settings", "/merchant/api-keys", "/merchant/poster", "/me"]) {
    await merchant.goto(path);
    expect(await overflow(merchant), path).toBeLessThanOrEqual(0);
    // Every tab of the merchant's navigation is inside the screen, none behind a sideways scroll.
    if (path.startsWith("/merchant")) {
      for (const box of await merchant.getByRole("navigation", { name: "商家后台" }).getByRole("link").evaluateAll((els) =>
        els.map((e) => e.getBoundingClientRect().right),
      )) expect(box, path).toBeLessThanOrEqual(360);
    }
    // The whole name shows, not 「F…」 (the tagline waits for wider screens).
    const brand = merchant.getByTestId("brand");
    expect(await brand.innerText()).toBe("Freeline");
    expect(await brand.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true);
  }
  await merchant.close();

  for (const locale of ["zh-CN", "en-US"]) {
    const context = await browser.newContext({ ...PHONE, viewport: { width: 360, height: 780 }, locale });
    const p = await context.newPage();
    for (const path of ["/", `/s/${slug}`, "/rules", "/login", "/register"]) {
      await p.goto(path);
      expect(await overflow(p), `${locale} ${path}`).toBeLessThanOrEqual(0);
    }
    await register(p, uniqueUser("narrow"), PASSWORD, `/s/${slug}`);
    for (const path of [`/s/${slug}`, "/me", "/me/wallet", "/me/points"]) {
      await p.goto(path);
      expect(await overflow(p), `${locale} ${path}`).toBeLessThanOrEqual(0);
      expect(await p.getByTestId("brand").innerText()).toBe("Freeline");
    }
    await context.close();
  }
});

test("the tab bar and signing out with a confirmation, in Chinese and in English", async ({ browser }) => {
  for (const [locale, words] of [
    ["zh-CN", { home: "首页", orders: "订单", queue: "排队", me: "我的", out: "退出登录", cancel: "取消", confirm: "确认退出", signIn: "登录", queueTitle: "我的排队" }],
    ["en-US", { home: "Home", orders: "Orders", queue: "Queue", me: "My account", out: "Sign out", cancel: "Cancel", confirm: "Yes, sign out", signIn: "Sign in", queueTitle: "My queue" }],
  ] as const) {
    const context = await browser.newContext({ ...PHONE, locale });
    const p = await context.newPage();
    await register(p, uniqueUser("tabs"), PASSWORD, "/");
    const tabs = p.getByTestId("tab-bar");
    await expect(tabs.getByRole("link")).toHaveCount(4);
    for (const name of [words.home, words.orders, words.queue, words.me]) await expect(tabs.getByRole("link", { name, exact: true })).toBeVisible();
    await expect(tabs.getByRole("link", { name: words.home })).toHaveAttribute("aria-current", "page");
    await tabs.getByRole("link", { name: words.queue }).click();
    await p.waitForURL("**/me#queue");
    await expect(main(p).getByRole("heading", { name: words.queueTitle })).toBeVisible();
    await expect(tabs.getByRole("link", { name: words.me })).toHaveAttribute("aria-current", "page");

    // Signing out asks first; cancelling keeps the session.
    await main(p).getByRole("button", { name: words.out }).click();
    const dialog = p.getByTestId("logout-dialog");
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: words.cancel }).click();
    await expect(dialog).toBeHidden();
    await p.reload();
    await expect(p).toHaveURL(/\/me/);
    await main(p).getByRole("button", { name: words.out }).click();
    await dialog.getByRole("button", { name: words.confirm }).click();
    await expect(p.getByRole("link", { name: words.signIn, exact: true })).toBeVisible();
    await p.goto("/me");
    await expect(p).toHaveURL(/\/login/);
    await context.close();
  }
});
