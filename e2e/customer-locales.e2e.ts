import { expect, test, type Page } from "./test";
import { login, main, openStore, register, uniqueUser } from "./pages";
import { E2E_BASE_URL } from "./test-env";

const PASSWORD = "customer-locales-pass-2026";
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** Pays an amount at a store through the simulated provider, on an English page. */
async function payInEnglish(p: Page, slug: string, yuan: string): Promise<void> {
  await p.goto(`/s/${slug}`);
  await p.fill('input[name="amount"]', yuan);
  await main(p).getByRole("button", { name: /Place order and pay/ }).click();
  await expect(main(p).getByTestId("pay-here")).toBeVisible();
  await main(p).getByRole("button", { name: /Confirm payment/ }).click();
  await p.waitForURL(/\/orders\/FL/);
}

// The English side of items 3, 4 and 7 of the customer's product, and the Chinese side of item 8,
// on a 390 × 844 phone (the other sides are in customer-queue, phone-habits and my-orders).
test("in English on a phone: one place on every surface, progress as ¥ ahead that shrinks, and Back after paying", async ({ browser }) => {
  const ops = await browser.newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  const slug = `loc-en-${Date.now().toString(36)}`;
  const merchant = await openStore(browser, ops, { slug, name: `Loc ${slug.slice(-5)}`, owner: "locshop", password: PASSWORD });
  await ops.close();
  await merchant.context().addCookies([{ name: "NEXT_LOCALE", value: "en", url: E2E_BASE_URL }]);
  await merchant.setViewportSize(PHONE.viewport);

  const context = await browser.newContext({ ...PHONE, locale: "en-US" });
  await context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: E2E_BASE_URL }]);
  const p = await context.newPage();
  await register(p, uniqueUser("locen"), PASSWORD, `/s/${slug}`);

  await test.step("Back after paying shows the paid order, not a live Confirm payment", async () => {
    await payInEnglish(p, slug, "58");
    await p.goBack();
    await expect(main(p).getByRole("button", { name: /Confirm payment/ })).toHaveCount(0);
  });

  await test.step("a second order waits behind the first: the customer, the merchant's table and ¥ ahead agree", async () => {
    await payInEnglish(p, slug, "30");
    await p.goto("/me");
    await expect(p.getByTestId("entry-position")).toHaveText(["1", "2"]);
    await expect(p.getByTestId("entry-ahead").first()).toHaveText("You are first in line");
    await expect(p.getByTestId("entry-ahead").nth(1)).toHaveText("¥58.00 ahead of you");
    await merchant.goto("/merchant/queue");
    await expect(merchant.getByTestId("queue-list").locator("li").first()).toContainText("#1");
    await expect(merchant.getByTestId("queue-list").locator("li").nth(1)).toContainText("#2");
  });

  await test.step("when the first entry leaves, the second is first in line on both surfaces", async () => {
    await p.getByTestId("waiting-entries").locator('[data-testid^="leave-"]').first().click();
    await p.getByTestId("confirm-leave").click();
    await expect(p.getByTestId("leave-result")).toBeVisible();
    await p.getByRole("dialog").getByRole("button", { name: "Done" }).click();
    await p.reload();
    await expect(p.getByTestId("entry-position")).toHaveText(["1"]);
    await expect(p.getByTestId("entry-ahead")).toHaveText("You are first in line");
    await merchant.reload();
    await expect(merchant.getByTestId("queue-list").locator("li").filter({ hasText: "#1" })).toContainText("¥30.00");
  });
  await merchant.close();
  await context.close();
});

test("in Chinese on a phone by Accept-Language alone: the pages and their dates are Chinese", async ({ browser }) => {
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  const p = await context.newPage();
  await p.goto("/");
  await expect(p.locator("html")).toHaveAttribute("lang", "zh-CN");
  expect((await context.cookies()).find((c) => c.name === "NEXT_LOCALE")).toBeUndefined();
  await register(p, uniqueUser("loczh"), PASSWORD, "/s/tea-house");
  await p.fill('input[name="amount"]', "12");
  await main(p).getByRole("button", { name: /下单并支付/ }).click();
  await expect(main(p).getByTestId("pay-here")).toBeVisible();
  await main(p).getByRole("button", { name: /确认支付/ }).click();
  await p.waitForURL(/\/orders\/FL/);
  await p.goto("/me");
  // Dates as Chinese readers write them: 2026/12/7 08:05, never 12/7/26.
  const stamp = p.getByTestId("history").locator("li").first();
  await expect(stamp).toContainText(/\d{4}\/\d{1,2}\/\d{1,2} \d{2}:\d{2}/);
  await expect(stamp).not.toContainText(/\b\d{1,2}\/\d{1,2}\/\d{2}\b/);
  await context.close();
});
