import fs from "node:fs";
import pg from "pg";
import { expect, test, type Browser, type BrowserContext, type Page } from "./test";
import { login, main, openStore, register, uniqueUser } from "./pages";
import { E2E_BASE_URL } from "./test-env";

// Personal data (PIPL, issue 19), in both languages: consent at registration and again after the
// notice changes, a download of one's data, deleting one's account (refused while an entry waits,
// with the compensation shown), a store's export and closing, and the operator's log of it all.
// Customers on a phone.

const PASSWORD = "personal-data-pass-2026";
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
type Lang = "zh-CN" | "en";

let pool: pg.Pool;
test.beforeAll(() => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
});
test.afterAll(async () => {
  await pool.end();
});

async function phoneContext(browser: Browser, lang: Lang): Promise<BrowserContext> {
  const context = await browser.newContext(PHONE);
  await context.addCookies([{ name: "NEXT_LOCALE", value: lang, url: E2E_BASE_URL }]);
  return context;
}

async function inLanguage(page: Page, lang: Lang): Promise<void> {
  await page.context().addCookies([{ name: "NEXT_LOCALE", value: lang, url: E2E_BASE_URL }]);
}

const TEXT = {
  "zh-CN": {
    consentRequired: "请阅读隐私政策并勾选同意",
    noticeTitle: "隐私政策",
    agree: "我同意",
    waiting: "笔排队中的记录",
    closeRefused: "排队记录",
    deleted: "您的账户已注销",
    closed: "已关店",
    requests: ["下载个人数据", "注销账户", "导出店铺数据", "关店"],
  },
  en: {
    consentRequired: "Please read the privacy notice and tick the box to agree",
    noticeTitle: "Privacy notice",
    agree: "I agree",
    waiting: "entries waiting in a queue",
    closeRefused: "waiting entries",
    deleted: "Your account has been deleted",
    closed: "Closed",
    requests: ["Personal data download", "Account deletion", "Store data export", "Store closed"],
  },
} as const;

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
  return fs.readFileSync((await file.path())!, "utf8");
}

for (const lang of ["zh-CN", "en"] as const) {
  const t = TEXT[lang];

  test(`${lang}: registration asks for consent (never ticked), and a changed notice asks again first`, async ({ browser }) => {
    const context = await phoneContext(browser, lang);
    const p = await context.newPage();
    const username = uniqueUser("consent");
    await p.goto("/register?next=%2Fme%2Fwallet");
    await expect(p.locator('input[name="consent"]')).not.toBeChecked();
    await p.fill('input[name="identifier"]', username);
    await p.fill('input[name="password"]', PASSWORD);
    await p.fill('input[name="confirm"]', PASSWORD);
    await main(p).locator('button[type="submit"]').click();
    await expect(main(p).getByText(t.consentRequired)).toBeVisible();
    await expect(p).toHaveURL(/\/register/);
    // The notice opens from the form; then the person ticks the box.
    await expect(main(p).getByRole("link", { name: t.noticeTitle })).toHaveAttribute("href", "/privacy");
    await p.fill('input[name="password"]', PASSWORD);
    await p.fill('input[name="confirm"]', PASSWORD);
    await p.locator('input[name="consent"]').check();
    await main(p).locator('button[type="submit"]').click();
    await p.waitForURL("**/me/wallet");
    const consent = await pool.query("select c.notice_version, c.consented_at from privacy_consents c join users u on u.id = c.user_id where u.username = $1", [username]);
    expect(consent.rows).toHaveLength(1);

    // The notice changes (as a version bump leaves everyone's consent behind): asked before anything else.
    await pool.query("delete from privacy_consents where user_id = (select id from users where username = $1)", [username]);
    await p.goto("/me/points");
    await p.waitForURL(/\/privacy\?next=%2Fme%2Fpoints/);
    await expect(p.getByTestId("consent-due")).toBeVisible();
    await expect(p.getByTestId("privacy-notice")).toContainText(lang === "en" ? "WeChat Pay" : "微信支付");
    // Public pages ask too.
    await p.goto("/");
    await p.waitForURL(/\/privacy/);
    await p.goto("/privacy?next=%2Fme%2Fpoints");
    await main(p).getByRole("button", { name: t.agree }).click();
    await p.waitForURL("**/me/points");
    await p.goto("/privacy");
    await expect(p.getByTestId("consent-given")).toBeVisible();
    await context.close();
  });

  test(`${lang}: download my data, delete my account (refused while an entry waits), close a store, and the operator's log`, async ({ browser }) => {
    test.setTimeout(240_000);
    const ops = await browser.newPage();
    await login(ops, "ops", "operator-pass-2026", "/operator");
    const slug = `pd-${lang === "en" ? "en" : "zh"}-${Date.now().toString(36)}`;
    const merchant = await openStore(browser, ops, { slug, name: `Data Shop ${slug.slice(-5)}`, owner: "pdshop", password: PASSWORD });
    await inLanguage(merchant, lang);
    await inLanguage(ops, lang);

    const context = await phoneContext(browser, lang);
    const p = await context.newPage();
    const username = uniqueUser("pdcust");
    await register(p, username, PASSWORD, `/s/${slug}`);

    // An order whose entry waits in the store's queue (paid through the simulated provider).
    await p.fill('input[name="amount"]', "30");
    await main(p).locator('button[type="submit"]').click();
    await expect(main(p).getByTestId("pay-here")).toBeVisible();
    await main(p).getByRole("button", { name: lang === "en" ? "Confirm payment (simulated)" : "确认支付（模拟）" }).click();
    await p.waitForURL(/\/orders\/FL/);
    const orderNo = (await p.getByTestId("order-no").innerText()).trim();

    // My data: everything as JSON, orders and ledger lines as CSV, found from My account.
    await p.goto("/me");
    await main(p).getByTestId("privacy-links").getByRole("link").first().click();
    await p.waitForURL("**/me/data");
    const json = JSON.parse(await download(p, "download-json")) as { profile: { username: string }; orders: { order_no: string }[]; consents: unknown[] };
    expect(json.profile.username).toBe(username);
    expect(json.orders.map((o) => o.order_no)).toEqual([orderNo]);
    expect(json.consents).toHaveLength(1);
    expect(await download(p, "download-orders")).toContain(orderNo);
    expect(await download(p, "download-ledger")).toContain("order_paid");

    // Deleting is refused while the entry waits, with the reason, the compensation, and where to leave.
    await p.goto("/me/delete");
    await expect(p.getByTestId("blocker-waiting")).toContainText(t.waiting);
    await expect(p.getByTestId("waiting-quote")).toHaveCount(1);
    await expect(p.getByTestId("delete-form")).toHaveCount(0);

    // The store cannot close while the entry waits either; its data downloads.
    await merchant.goto("/merchant/data");
    await expect(merchant.getByTestId("close-blockers")).toContainText(t.closeRefused);
    const store = JSON.parse(await download(merchant, "store-download-json")) as { orders: { order_no: string; customer_id: unknown }[] };
    expect(store.orders.map((o) => o.order_no)).toEqual([orderNo]);
    expect(JSON.stringify(store)).not.toContain(username);
    await merchant.getByLabel(new RegExp(slug)).fill(slug);
    await merchant.getByTestId("close-form").getByRole("button").click();
    await expect(merchant.getByTestId("close-form").getByRole("alert")).toContainText(t.closeRefused);

    // The customer leaves the entry on My account, for the compensation shown there.
    await p.goto("/me");
    await p.locator('[data-testid^="leave-"]').first().click();
    await p.getByTestId("confirm-leave").click();
    await expect(p.getByTestId("leave-result")).toBeVisible();

    // Now the page warns that the points are given up; a wrong password is refused.
    await p.goto("/me/delete");
    await expect(p.getByTestId("points-warning")).toBeVisible();
    await p.fill('input[name="password"]', "not-my-password-2026");
    await p.getByTestId("forfeit").check();
    await p.getByTestId("delete-form").getByRole("button").click();
    await expect(p.getByTestId("delete-form").getByRole("alert").first()).toBeVisible();
    await p.fill('input[name="password"]', PASSWORD);
    await p.getByTestId("forfeit").check();
    await p.getByTestId("delete-form").getByRole("button").click();
    await p.waitForURL(/\/privacy\?deleted=1/);
    await expect(p.getByTestId("account-deleted")).toContainText(t.deleted);
    // Gone: the old name signs in no more, and nothing personal is left in the row.
    const row = await pool.query("select username, phone, display_name, deleted_at from users where id = (select customer_id from orders where order_no = $1)", [orderNo]);
    expect(row.rows[0]).toMatchObject({ phone: null, display_name: "-" });
    expect(row.rows[0].username).not.toBe(username);
    await p.goto("/login");
    await p.fill('input[name="identifier"]', username);
    await p.fill('input[name="password"]', PASSWORD);
    await main(p).locator('button[type="submit"]').click();
    await expect(p.locator('input[name="password"]')).toHaveAttribute("aria-invalid", "true");

    // With the entry settled the store closes, and takes no more orders.
    await merchant.goto("/merchant/data");
    await expect(merchant.getByTestId("close-ready")).toBeVisible();
    await merchant.getByLabel(new RegExp(slug)).fill(slug);
    await merchant.getByTestId("close-form").getByRole("button").click();
    await merchant.waitForURL("**/apply");
    await expect(main(merchant)).toContainText(t.closed);
    const closed = await merchant.goto(`/s/${slug}`);
    expect(closed?.status()).toBe(404);

    // The operator's log lists each request with its date.
    await ops.goto("/operator/data-requests");
    const rows = ops.getByTestId("data-request");
    for (const label of t.requests) await expect(rows.filter({ hasText: label }).first()).toBeVisible();
    await context.close();
    await merchant.context().close();
    await ops.close();
  });
}
