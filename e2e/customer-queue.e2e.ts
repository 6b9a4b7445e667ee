import { expect, test, type Browser, type Page } from "./test";
import { login, main, openStore, register, uniqueUser } from "./pages";

const PASSWORD = "queue-view-pass-2026";
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** A store of the journey's own (default rules: ¥10 minimum, ¥100 units, automatic payouts). */
async function newStore(browser: Browser, prefix: string): Promise<{ slug: string; merchant: Page }> {
  const ops = await browser.newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  const slug = `${prefix}-${Date.now().toString(36)}`;
  const merchant = await openStore(browser, ops, { slug, name: `Q ${slug.slice(-5)}`, owner: `${prefix}shop`, password: PASSWORD });
  await ops.close();
  return { slug, merchant };
}

/** Types an amount on the store page and pays it through the simulated provider. */
async function pay(p: Page, slug: string, yuan: string, button: RegExp, confirm: RegExp): Promise<void> {
  await p.goto(`/s/${slug}`);
  await p.fill('input[name="amount"]', yuan);
  await main(p).getByRole("button", { name: button }).click();
  await expect(main(p).getByTestId("pay-here")).toBeVisible();
  await main(p).getByRole("button", { name: confirm }).click();
  await p.waitForURL(/\/orders\/FL/);
}

test("the preview before paying, one place on every surface, entries grouped by order, and what a payment freed (zh-CN)", async ({ browser }) => {
  const { slug, merchant } = await newStore(browser, "qview");
  const context = await browser.newContext(PHONE);
  const p = await context.newPage();
  await register(p, uniqueUser("qamy"), PASSWORD, `/s/${slug}`);

  await test.step("the form previews the order as the amount is typed", async () => {
    await p.fill('input[name="amount"]', "5");
    await expect(p.getByTestId("preview-cash")).toHaveText("¥5.00");
    await expect(p.getByTestId("preview-queue")).toHaveText("再付 ¥5.00 即可参与排队");
    await expect(main(p).getByRole("button", { name: "下单并支付 ¥5.00" })).toBeVisible();
    await p.fill('input[name="amount"]', "350");
    // ¥350 at 20% rebate: ¥70; 25% of it as points = 1750 points; ¥350 of target in ¥100 units.
    await expect(p.getByTestId("preview-points")).toHaveText("1750 分（¥17.50）");
    await expect(p.getByTestId("preview-queue")).toHaveText("4 份，共 ¥350.00");
    await expect(main(p).getByRole("button", { name: "下单并支付 ¥350.00" })).toBeVisible();
    // No points yet, so no switch.
    await expect(p.getByTestId("use-points")).toHaveCount(0);
  });

  let small = "";
  await test.step("a ¥58 order waits; the customer and the merchant read the same place", async () => {
    await pay(p, slug, "58", /下单并支付/, /确认支付/);
    small = (await p.getByTestId("order-no").innerText()).trim();
    // The pool has ¥7.54: nothing freed, and the page says so without waiting.
    await expect(p.getByTestId("freed")).toHaveCount(0);
    await expect(p.getByTestId("order-entries")).toContainText("第 1 位");
    await merchant.setViewportSize({ width: 390, height: 844 });
    await merchant.goto("/merchant/queue");
    await expect(merchant.getByTestId("queue-list").locator("li").first()).toContainText("#1");
  });

  await test.step("a ¥888 order frees the ¥58 one, and its result page lists it", async () => {
    await pay(p, slug, "888", /下单并支付 ¥888\.00/, /确认支付/);
    const freed = p.getByTestId("freed");
    await expect(freed).toContainText("本次付款带来的免单", { timeout: 20_000 });
    await expect(p.getByTestId("freed-mine")).toContainText(small, { timeout: 20_000 });
    await expect(p.getByTestId("freed-mine")).toContainText("¥58.00");
    await expect(freed).toContainText("共 ¥58.00 已全额退回你的钱包");
  });

  await test.step("/me shows the ¥888 order as one group of nine, next to be freed first", async () => {
    await p.goto("/me");
    const groups = p.getByTestId("waiting-entries").locator("section");
    await expect(groups).toHaveCount(1);
    await expect(groups.first()).toContainText("9 笔 · 共 ¥888.00");
    await expect(p.getByTestId("entry-position")).toHaveText(["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    await expect(p.getByTestId("entry-ahead").first()).toHaveText("你在最前面");
    await expect(p.getByTestId("entry-ahead").nth(1)).toHaveText("你前面还有 ¥100.00");
    // One leave button per entry, inside the group.
    await expect(groups.first().locator('[data-testid^="leave-"]')).toHaveCount(9);
    // The merchant's table reads the same first place (the paid ¥58 entry no longer counts).
    await merchant.goto("/merchant/queue");
    await expect(merchant.getByTestId("queue-list").locator("li").first()).toContainText("#1");
    await expect(merchant.getByTestId("queue-list").locator("li").nth(8)).toContainText("#9");
  });

  await test.step("Back after paying shows the store's form, not a live 确认支付, and ordering there again is a new order", async () => {
    await pay(p, slug, "12", /下单并支付/, /确认支付/);
    const first = new URL(p.url()).pathname.split("/").pop()!;
    await p.goBack();
    await expect(main(p).getByRole("button", { name: /确认支付/ })).toHaveCount(0);
    // The router brings the store page back from its cache, with the idempotency key the paid
    // order used: the same amount again must still place a new order, not replay the paid one.
    await p.fill('input[name="amount"]', "12");
    await main(p).getByRole("button", { name: /下单并支付/ }).click();
    const second = (await main(p).getByTestId("pay-here-order-no").innerText()).trim();
    expect(second).not.toBe(first);
  });
  await merchant.close();
  await context.close();
});

test("the preview and the freed list in English, and English by Accept-Language with readable dates", async ({ browser }) => {
  const { slug, merchant } = await newStore(browser, "qen");
  await merchant.close();
  // An English phone with no language cookie: the pages follow its Accept-Language.
  const context = await browser.newContext({ ...PHONE, locale: "en-US" });
  const p = await context.newPage();
  await p.goto("/");
  await expect(p.locator("html")).toHaveAttribute("lang", "en");
  expect((await context.cookies()).find((c) => c.name === "NEXT_LOCALE")).toBeUndefined();
  await register(p, uniqueUser("qen"), PASSWORD, `/s/${slug}`);
  await p.fill('input[name="amount"]', "9.5");
  await expect(p.getByTestId("preview-queue")).toHaveText("Pay ¥0.50 more to join the queue");
  await p.fill('input[name="amount"]', "120");
  await expect(p.getByTestId("preview-queue")).toHaveText("2 units, ¥120.00 in all");
  await expect(p.getByTestId("preview-points")).toHaveText("600 points (¥6.00)");
  await pay(p, slug, "58", /Place order and pay ¥120\.00|Place order and pay/, /Confirm payment/);
  await pay(p, slug, "888", /Place order and pay ¥888\.00/, /Confirm payment/);
  await expect(p.getByTestId("freed")).toContainText("Freed by this payment", { timeout: 20_000 });
  await expect(p.getByTestId("freed")).toContainText("¥58.00 in all is back in your wallet", { timeout: 20_000 });

  await p.goto("/me");
  await expect(main(p).getByText("1 entries")).toHaveCount(0);
  await expect(p.getByTestId("waiting-entries").locator("section").first()).toContainText("9 entries · ¥888.00 in all");
  await expect(p.getByTestId("entry-ahead").first()).toHaveText("You are first in line");
  // Dates name the month (never 12/6/26).
  const stamp = p.getByTestId("history").locator("li").first();
  await expect(stamp).toContainText(/[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}/);
  await expect(stamp).not.toContainText(/\d{1,2}\/\d{1,2}\/\d{2}\b/);
  await context.close();
});

test("a covered entry of a manual queue reads as covered, waiting for the platform's payout, in both languages", async ({ browser }) => {
  const { slug, merchant } = await newStore(browser, "qman");
  await merchant.goto("/merchant/settings");
  await merchant.getByRole("radio", { name: "人工派发" }).check();
  await main(merchant).getByRole("button", { name: "保存为新版本" }).click();
  await merchant.getByTestId("save-rules-confirm").click();
  await expect(main(merchant)).toContainText("已保存为第");
  await merchant.close();

  const context = await browser.newContext(PHONE);
  const p = await context.newPage();
  await register(p, uniqueUser("qman"), PASSWORD, `/s/${slug}`);
  // ¥20 and then ¥600: the pool's ¥80.60 covers the ¥20 entry, and nobody pays it out by itself.
  await pay(p, slug, "20", /下单并支付/, /确认支付/);
  await pay(p, slug, "600", /下单并支付/, /确认支付/);
  await p.goto("/me");
  const first = p.getByTestId("waiting-entries").locator("section").first();
  await expect(first).toContainText("¥20.00");
  await expect(first.getByTestId("entry-percent")).toHaveText("已够付，等待平台派发");
  await context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: p.url() }]);
  await p.reload();
  await expect(first.getByTestId("entry-percent")).toHaveText("Covered, waiting for the platform's payout");
  await context.close();
});
