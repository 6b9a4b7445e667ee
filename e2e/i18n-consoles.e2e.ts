import pg from "pg";
import { expect, test, type Browser, type BrowserContext, type Page } from "./test";
import { fillApplication, login, main, register, uniqueUser } from "./pages";
import { E2E_BASE_URL } from "./test-env";

// The merchant and operator consoles in English: every page of each (app/merchant, app/operator)
// has its English heading and no Chinese in its text (title, text nodes, labels, placeholders),
// except user data; and the server's refusals come back in English.

/** Chinese characters and the full-width punctuation that comes with them (，。（）：). */
const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;

/** The demo data's own names (README, scripts/lib/demo-seed.ts): stores and people, shown as they were written. */
const SEEDED_DATA = ["清风茶舍", "老街面馆", "拾页书咖", "街角鲜果", "演示顾客", "路过的顾客", "平台运营", "茶舍收银员"];

let pool: pg.Pool;
test.beforeAll(() => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
});
test.afterAll(async () => {
  await pool.end();
});

/**
 * Every text users have stored that contains Chinese: names, reasons, notes, and the strings inside
 * audit details. Other journeys share this database and write their own (a store named 街角联盟, a
 * rejection reason); on the consoles those are data too, shown in the language they were written in.
 */
async function storedText(): Promise<string[]> {
  const res = await pool.query<{ s: string }>(String.raw`
    select distinct s from (
      select name as s from merchants union all select review_reason from merchants
      union all select business_name from merchants union all select address from merchants
      union all select hours from merchants union all select suspended_reason from merchants
      union all select name from queues union all select name from alliances
      union all select display_name from users union all select name from api_keys
      union all select reason from withdrawals union all select reason from ledger_transactions
      union all select reason from payment_refunds union all select reason from draws
      union all select reason from audit_log
      union all select v #>> '{}' from audit_log, jsonb_path_query(details, 'strict $.**') v where jsonb_typeof(v) = 'string'
    ) t
    where s ~ '[\u3400-\u9fff]'`);
  return res.rows.map((r) => r.s);
}

/**
 * The page's text as a reader (or a screen reader) gets it: the title, every text node, and the
 * labels, titles, placeholders and alt texts. Text marked as written in another language on purpose
 * (the switcher's 中文, in <span lang="zh-CN">) is left out.
 */
async function uiText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts = [document.title];
    const inEnglish = (el: Element) => (el.closest("[lang]")?.getAttribute("lang") ?? "").startsWith("en");
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (el && !el.closest("script, style, noscript") && inEnglish(el)) parts.push(n.textContent ?? "");
    }
    for (const el of document.body.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
      if (!inEnglish(el)) continue;
      for (const attr of ["aria-label", "title", "placeholder", "alt"]) parts.push(el.getAttribute(attr) ?? "");
    }
    return parts.join("\n");
  });
}

/** Fails with the Chinese words left once user data is taken out, so the report says what to translate. */
async function expectEnglish(page: Page, data: string[]): Promise<void> {
  let text = await uiText(page);
  // Longest first, so a name is not cut in half by a shorter one inside it.
  for (const d of [...data].sort((a, b) => b.length - a.length)) text = text.split(d).join(" ");
  const left = text.split(/\s+/).filter((w) => CJK.test(w));
  expect(left, `Chinese on ${new URL(page.url()).pathname}`).toEqual([]);
}

async function englishContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: E2E_BASE_URL }]);
  return context;
}

async function visit(page: Page, path: string, heading: string | RegExp, data: string[]): Promise<void> {
  await page.goto(path);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(main(page).getByRole("heading", { level: 1 })).toHaveText(heading);
  await expectEnglish(page, data);
}

test("the merchant console in English: every page, and a refused rule change", async ({ browser }) => {
  const page = await (await englishContext(browser)).newPage();
  await login(page, "tea", "merchant-pass-2026", "/merchant");
  const data = [...SEEDED_DATA, ...(await storedText())];

  // The overview and the poster are headed by the store's name: data, in the language it was given.
  await visit(page, "/merchant", "清风茶舍", data);
  await expect(page).toHaveTitle("Overview · Freeline for merchants");
  await expect(main(page).getByText(/^Last 30 days: \d+ orders?, takings ¥/)).toBeVisible();
  await visit(page, "/merchant/queue", "Queue", data);
  await visit(page, "/merchant/orders", "Orders & refunds", data);
  await visit(page, "/merchant/settings", "Rules", data);
  await visit(page, "/merchant/api-keys", "POS API", data);
  await visit(page, "/merchant/staff", "Staff", data);
  await visit(page, "/merchant/till", "Till", data);
  await visit(page, "/merchant/poster", "清风茶舍", data);
  await expect(main(page).getByText("Scan to order · Queue for a free order · Green points")).toBeVisible();

  await test.step("a rule the server refuses is explained in English next to its field, and nothing is saved", async () => {
    await page.goto("/merchant/settings");
    const history = page.getByTestId("rule-history").locator("li");
    const versions = await history.count();
    const rebate = page.locator('input[name="rebateBps"]');
    for (const [typed, message] of [
      ["12.345", "A percentage has at most two decimals"],
      ["60", "The rebate rate must be within 3%–50%"],
    ] as const) {
      await rebate.fill(typed);
      await main(page).getByRole("button", { name: "Save as a new version" }).click();
      // A well-formed figure asks first (the server then refuses it); a malformed one is refused at once.
      if (typed === "60") await page.getByTestId("save-rules-confirm").click();
      await expect(page.locator("#f-rebateBps-error"), typed).toHaveText(message, { timeout: 20_000 });
      await expectEnglish(page, data);
    }
    await page.reload();
    await expect(history).toHaveCount(versions);
  });
  await page.context().close();
});

test("the operator console in English: every page, and a refused rejection", async ({ browser }) => {
  const slug = `intl-${Date.now().toString(36)}`;

  const applicant = await (await englishContext(browser)).newPage();
  await test.step("a customer applies for a store in English; a bad address is refused in English", async () => {
    await register(applicant, uniqueUser("intlapp"), "intl-apply-pass-2026", "/apply");
    await fillApplication(applicant, { name: "Maple Corner", slug: "-maple" });
    await main(applicant).getByRole("button", { name: "Send application" }).click();
    await expect(applicant.locator("#f-slug-error")).toHaveText(
      "The store link must be 2–41 lowercase letters, digits or hyphens (-), starting with a letter or digit",
      { timeout: 20_000 },
    );
    await applicant.fill('input[name="slug"]', slug);
    await main(applicant).getByRole("button", { name: "Send application" }).click();
    await expect(applicant.getByTestId("application-status")).toContainText("under review");
  });

  const ops = await (await englishContext(browser)).newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  const data = [...SEEDED_DATA, ...(await storedText())];

  await test.step("a rejection without a reason is refused in English; with one it is recorded", async () => {
    await visit(ops, "/operator/merchants", "Merchants", data);
    const review = ops.getByTestId(`review-${slug}`);
    await review.getByRole("button", { name: "Reject" }).click();
    await expect(review.getByRole("alert")).toHaveText("Please give a reason for the rejection; the applicant will see it", { timeout: 20_000 });
    await expectEnglish(ops, data);
    await review.getByRole("textbox").fill("Please use the name on your business licence");
    await review.getByRole("button", { name: "Reject" }).click();
    await expect(ops.getByTestId(`merchant-${slug}`)).toContainText("Rejected");
  });

  await test.step("every console page has its English heading and no Chinese but data", async () => {
    await visit(ops, "/operator", "Operations overview", data);
    await visit(ops, "/operator/search?q=tea", "Search", data);
    const teaId = (await pool.query<{ id: string }>("select id from merchants where slug = 'tea-house'")).rows[0]!.id;
    await visit(ops, `/operator/merchants/${teaId}`, "清风茶舍", data);
    await visit(ops, "/operator/payouts", "Payouts", data);
    await visit(ops, "/operator/withdrawals", "Withdrawals", data);
    await visit(ops, "/operator/draw", "Lucky draw", data);
    await visit(ops, "/operator/alliances", "Alliances", data);
    await visit(ops, "/operator/orders", "Order refunds", data);
    // A seeded order (the guest's at the noodle bar), with its entries and the refund form.
    const { rows } = await pool.query<{ order_no: string }>("select order_no from orders where status = 'paid' order by id limit 1");
    await visit(ops, `/operator/orders?no=${rows[0]!.order_no}`, "Order refunds", data);
    await expect(ops.getByTestId("order-detail")).toBeVisible();
    await visit(ops, "/operator/jobs", "Money going out", data);
    await visit(ops, "/operator/points", "Points adjustments", data);
    await visit(ops, "/operator/points?q=demo", "Points adjustments", data);
    await visit(ops, "/operator/ledger", "Ledger", data);
    const account = ops.getByTestId("platform-accounts").getByRole("link").first();
    const id = (await account.innerText()).replace("#", "").trim();
    await visit(ops, `/operator/ledger/accounts/${id}`, `Account #${id}`, data);
    await visit(ops, "/operator/audit", "Audit log", data);
  });

  await test.step("the payouts CSV's refusals are in English too", async () => {
    const res = await ops.request.get("/api/operator/payouts.csv?from=2026-02-30");
    expect(res.status()).toBe(400);
    const body = (await res.json()) as { error: { issues: { path: string; message: string }[] } };
    expect(body.error.issues).toContainEqual({ path: "from", message: "There is no such date" });
  });

  await applicant.context().close();
  await ops.context().close();
});
