import { randomInt } from "node:crypto";
import { expect, test, type Browser } from "./test";
import { agreeToNotice, login, logout, main, register, uniqueUser } from "./pages";

// Each journey comes from an address of its own (the e2e server trusts X-Forwarded-For, as behind
// one proxy), so its wrong passwords never lock the address the other journeys share.
const opened: import("@playwright/test").BrowserContext[] = [];
async function pageFrom(browser: Browser) {
  const address = `203.0.113.${randomInt(1, 255)}`;
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": address } });
  opened.push(context);
  return context.newPage();
}

test.afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
});

const passwordError = (page: import("@playwright/test").Page) => main(page).locator("#f-password-error");

test("five wrong passwords lock the name for 15 minutes, with the same message whether or not it exists", async ({ browser }) => {
  const page = await pageFrom(browser);
  const real = uniqueUser("thr");
  await register(page, real, "throttle-pass-2026", "/me");
  await logout(page);

  for (const name of [real, uniqueUser("ghost")]) {
    await page.goto("/login");
    await page.fill('input[name="identifier"]', name);
    for (let i = 0; i < 5; i++) {
      await page.fill('input[name="password"]', `wrong-guess-${i}`);
      await main(page).locator('button[type="submit"]').click();
      // React resets the form when the action answers (passwords are never echoed): wait for that,
      // so the next guess is not typed into a form still in flight.
      await expect(page.locator('input[name="password"]')).toHaveValue("", { timeout: 20_000 });
      await expect(passwordError(page)).toContainText("用户名或密码错误");
    }
    // The right password (for the real name) is refused too while the name is locked.
    await page.fill('input[name="password"]', "throttle-pass-2026");
    await main(page).locator('button[type="submit"]').click();
    await expect(passwordError(page)).toContainText("尝试次数过多，请 15 分钟后再试", { timeout: 20_000 });
    await expect(page).toHaveURL(/\/login/);
  }
});

test("registration explains the password rules", async ({ browser }) => {
  const page = await pageFrom(browser);
  await page.goto("/register");
  await page.fill('input[name="identifier"]', uniqueUser("pw"));
  await agreeToNotice(page);
  for (const [password, message] of [
    ["Password123", "这个密码太常见"],
    ["qwertyuiop", "这个密码太常见"],
  ] as const) {
    await page.fill('input[name="password"]', password);
    await page.fill('input[name="confirm"]', password);
    await main(page).locator('button[type="submit"]').click();
    await expect(passwordError(page)).toContainText(message, { timeout: 20_000 });
    await expect(page).toHaveURL(/\/register/);
  }
  // The browser itself refuses fewer than 10 characters before anything is sent.
  await expect(page.locator('input[name="password"]')).toHaveAttribute("minlength", "10");
  await expect(main(page).getByText("至少 10 个字符")).toBeVisible();
});

const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token$/;
async function sessionCookie(context: import("@playwright/test").BrowserContext) {
  const c = (await context.cookies()).find((x) => SESSION_COOKIE.test(x.name));
  if (!c) throw new Error("no session cookie");
  return c;
}

test("every login issues a fresh session, and logging out kills every token issued before", async ({ browser }) => {
  const page = await pageFrom(browser);
  const user = uniqueUser("rot");
  const password = "rotation-pass-2026";
  await register(page, user, password, "/me");
  const first = await sessionCookie(page.context());

  // A second device of the same user.
  const other = await pageFrom(browser);
  await login(other, user, password, "/me");
  const second = await sessionCookie(other.context());
  expect(second.value).not.toBe(first.value);

  // Logging out on the first device ends the second device's session as well.
  await logout(page);
  await other.goto("/me");
  await expect(other).toHaveURL(/\/login\?next=%2Fme/);

  // Signing in again gives a new token; the old one, replayed, does not ride on the new login.
  await login(page, user, password, "/me");
  const fresh = await sessionCookie(page.context());
  expect(fresh.value).not.toBe(first.value);
  const replay = await pageFrom(browser);
  await replay.context().addCookies([{ ...first }]);
  await replay.goto("/me");
  await expect(replay).toHaveURL(/\/login\?next=%2Fme/);
  // The new session itself works.
  await page.goto("/me");
  await expect(page).toHaveURL(/\/me$/);
});
