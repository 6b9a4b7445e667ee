import { expect, type Browser, type Page } from "@playwright/test";
import { codeSentTo } from "./sms-codes";

let seq = 0;
/** A user name no earlier run has taken (each run also starts on a fresh database). */
export function uniqueUser(prefix: string): string {
  seq += 1;
  return `${prefix}${Date.now().toString(36)}${seq}`.toLowerCase().slice(0, 32);
}

/** The page's own content, not the top bar (which has its own logout button). */
export const main = (page: Page) => page.locator("main");

/** Ticks the privacy notice consent on the registration form (it is never ticked for the person). */
export async function agreeToNotice(page: Page): Promise<void> {
  await page.locator('input[name="consent"]').check();
}

export async function register(page: Page, username: string, password: string, next = "/me"): Promise<void> {
  await page.goto(`/register?next=${encodeURIComponent(next)}`);
  await page.fill('input[name="identifier"]', username);
  // A phone number signs up only with the SMS code sent to it.
  if (/^1[3-9]\d{9}$/.test(username)) {
    await page.getByTestId("send-code").click();
    await expect(page.getByTestId("code-sent")).toContainText(username);
    await page.fill('input[name="code"]', await codeSentTo(username, "register"));
  }
  await page.fill('input[name="password"]', password);
  await page.fill('input[name="confirm"]', password);
  await agreeToNotice(page);
  await main(page).locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === next);
}

export async function login(page: Page, username: string, password: string, next = "/me"): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.fill('input[name="identifier"]', username);
  await page.fill('input[name="password"]', password);
  await main(page).locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === next);
}

/** Signs out from /me, confirming in the dialog that asks first. */
export async function logout(page: Page): Promise<void> {
  if (new URL(page.url()).pathname !== "/me") await page.goto("/me");
  await main(page).getByRole("button", { name: "退出登录" }).click();
  await page.getByTestId("logout-dialog").getByRole("button", { name: "确认退出" }).click();
  await expect(page.getByRole("link", { name: "登录" })).toBeVisible();
}

/** Orders at a store and pays through the simulated provider; returns the order number. */
export async function orderAndPay(page: Page, slug: string, yuan: string): Promise<string> {
  await page.goto(`/s/${slug}`);
  await page.fill('input[name="amount"]', yuan);
  await main(page).getByRole("button", { name: "下单并支付" }).click();
  await expect(main(page).getByTestId("pay-here")).toBeVisible();
  await expect(page.getByText("模拟支付")).toBeVisible();
  await main(page).getByRole("button", { name: "确认支付（模拟）" }).click();
  await page.waitForURL(/\/orders\/FL/);
  await expect(page.getByRole("heading", { name: "支付成功" })).toBeVisible();
  return (await page.getByTestId("order-no").innerText()).trim();
}

/** Application details that pass every check (the licence number is made up but well-formed). */
export const APPLICATION = {
  businessName: "测试餐饮有限公司",
  licenceNo: "91310000MA1FL00001",
  contactPhone: "13800138000",
  address: "上海市黄浦区测试路 1 号",
} as const;

/** Fills the application form at /apply (store name, link, and the details an operator checks). */
export async function fillApplication(page: Page, opts: { name: string; slug: string }): Promise<void> {
  await page.fill('input[name="name"]', opts.name);
  await page.fill('input[name="slug"]', opts.slug);
  for (const [field, value] of Object.entries(APPLICATION)) await page.fill(`input[name="${field}"]`, value);
}

/**
 * Opens a new store of a journey's own (the seeded stores belong to other journeys): a new user
 * applies at /apply and `ops` (signed in on `ops`) approves. Returns the applicant's page, now the
 * store's merchant, in its own browser context so it can open a second tab with the same session.
 */
export async function openStore(
  browser: Browser,
  ops: Page,
  opts: { slug: string; name: string; owner: string; password: string },
): Promise<Page> {
  const merchant = await (await browser.newContext()).newPage();
  await register(merchant, uniqueUser(opts.owner), opts.password, "/apply");
  await fillApplication(merchant, opts);
  await main(merchant).getByRole("button", { name: "提交申请" }).click();
  await expect(merchant.getByTestId("application-status")).toContainText("审核中");

  await ops.goto("/operator/merchants");
  await ops.getByTestId(`application-${opts.slug}`).getByRole("button", { name: "通过" }).click();
  await ops.getByTestId(`approve-${opts.slug}-confirm`).click();
  await expect(ops.getByTestId(`merchant-${opts.slug}`)).toContainText("已通过");
  return merchant;
}
