import { expect, test, type Page } from "./test";
import { main, register, uniqueUser } from "./pages";

// Languages: Chinese by default, English from the switcher in the top bar, remembered in a cookie
// for the browser (a reload, a new tab), errors from the server in the chosen language, and back.
// The noodle bar: the tea house and the book cafe stay empty for the core-loop journey.

const PASSWORD = "i18n-pass-2026";
const STORE = "/s/noodle-bar";

async function switchTo(page: Page, language: "English" | "中文", lang: "en" | "zh-CN"): Promise<void> {
  const path = new URL(page.url()).pathname;
  await page.getByRole("navigation").getByRole("button", { name: language }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", lang);
  // The switcher returns to the page it was on.
  expect(new URL(page.url()).pathname).toBe(path);
}

test("a customer switches to English, orders with a bad amount, sees /me in English, and switches back", async ({ page, context }) => {
  await register(page, uniqueUser("intl"), PASSWORD, STORE);
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(main(page).getByRole("heading", { name: "免单池" })).toBeVisible();

  await switchTo(page, "English", "en");
  await expect(main(page).getByRole("heading", { name: "Free-order pool" })).toBeVisible();
  await expect(main(page).getByText("Rules in brief")).toBeVisible();
  await expect(page.getByRole("link", { name: "My account" })).toBeVisible();
  expect((await context.cookies()).find((c) => c.name === "NEXT_LOCALE")?.value).toBe("en");

  // The server's refusals come back in English, next to the field; nothing is ordered.
  const amount = page.locator('input[name="amount"]');
  for (const [typed, message] of [
    ["12.345", "At most 2 decimal places"],
    ["", "Please enter an amount"],
    ["1000000.01", "The amount cannot be more than ¥1,000,000.00"],
  ] as const) {
    await amount.fill(typed);
    await main(page).getByRole("button", { name: "Order and pay" }).click();
    await expect(main(page).locator("#f-amount-error"), typed).toHaveText(message, { timeout: 20_000 });
    await expect(amount).toHaveValue(typed);
  }
  await expect(page).toHaveURL(new RegExp(`${STORE}$`));

  await page.goto("/me");
  await expect(page).toHaveTitle(/My account/);
  await expect(main(page).getByRole("heading", { name: "My queue" })).toBeVisible();
  await expect(main(page).getByText("No orders in line")).toBeVisible();
  await expect(main(page).getByText("Nothing here yet")).toBeVisible();

  // Remembered: after a reload, and in a new tab of the same browser.
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(main(page).getByRole("heading", { name: "My queue" })).toBeVisible();
  const tab = await context.newPage();
  await tab.goto(STORE);
  await expect(tab.locator("html")).toHaveAttribute("lang", "en");
  await expect(main(tab).getByRole("button", { name: "Order and pay" })).toBeVisible();
  await tab.close();

  await switchTo(page, "中文", "zh-CN");
  await expect(main(page).getByRole("heading", { name: "我的排队" })).toBeVisible();
  await expect(main(page).getByText("没有排队中的订单")).toBeVisible();
  expect((await context.cookies()).find((c) => c.name === "NEXT_LOCALE")?.value).toBe("zh-CN");
});

test("the switcher works without JavaScript, and an unknown language changes nothing", async ({ browser }) => {
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const page = await noJs.newPage();
  await page.goto("/rules");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await switchTo(page, "English", "en");
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await switchTo(page, "中文", "zh-CN");
  await noJs.close();

  // A visitor who never chose sees Chinese; a forged value is ignored.
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  // Here /rules gets its accessibility check, which the page without JavaScript cannot run.
  await p.goto("/rules");
  await expect(p.locator("html")).toHaveAttribute("lang", "zh-CN");
  await p.goto("/");
  await expect(p.locator("html")).toHaveAttribute("lang", "zh-CN");
  await p.getByRole("navigation").getByRole("button", { name: "English" }).evaluate((b) => b.setAttribute("value", "fr"));
  await p.getByRole("navigation").getByRole("button", { name: "English" }).click();
  await expect(p).toHaveURL(/\/$/);
  await p.reload();
  await expect(p.locator("html")).toHaveAttribute("lang", "zh-CN");
  expect((await ctx.cookies()).find((c) => c.name === "NEXT_LOCALE")).toBeUndefined();
  await ctx.close();
});
