import { expect, test } from "./test";
import { login, main, openStore, orderAndPay, register, uniqueUser } from "./pages";

const PASSWORD = "phone-journey-pass-2026";
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

// Issue 7's "done when", in English on a phone: a new visitor finds a store from the home page,
// signs up, orders and pays, follows both entries live on /me, is paid back while watching, leaves
// the other entry, and withdraws, by tapping what the pages offer (no typed addresses after the first).
test("a new English-speaking customer on a phone: find a store, order, follow the queue live, leave, withdraw", async ({ browser }) => {
  test.setTimeout(240_000);
  const ops = await browser.newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  const slug = `phone-${Date.now().toString(36)}`;
  const storeName = `Corner Cafe ${slug.slice(-5)}`;
  const merchant = await openStore(browser, ops, { slug, name: storeName, owner: "phoneshop", password: PASSWORD });
  await merchant.close();
  await ops.close();

  const context = await browser.newContext(PHONE);
  const p = await context.newPage();
  await p.goto("/");
  await p.getByRole("navigation").getByRole("button", { name: "English" }).click();
  await expect(p.locator("html")).toHaveAttribute("lang", "en");

  // Find the store on the home page; sign up from its order form.
  await main(p).getByRole("link", { name: storeName }).click();
  await p.waitForURL(`**/s/${slug}`);
  await expect(main(p).getByRole("heading", { name: "Free-order pool" })).toBeVisible();
  await main(p).getByRole("link", { name: "sign up" }).click();
  await p.waitForURL("**/register**");
  await p.getByLabel("Phone number or user name").fill(uniqueUser("phoneamy"));
  await p.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await p.getByLabel("Confirm password").fill(PASSWORD);
  await p.getByLabel("I have read and agree to the privacy notice").check();
  await main(p).getByRole("button", { name: "Sign up and sign in" }).click();
  await p.waitForURL(`**/s/${slug}`);

  // Two orders, paid through the simulated provider: ¥100 and then ¥20.
  for (const amount of ["100", "20"]) {
    await p.getByLabel("Order amount (yuan)").fill(amount);
    await main(p).getByRole("button", { name: "Order and pay" }).click();
    await expect(main(p).getByTestId("pay-here")).toBeVisible();
    await main(p).getByRole("button", { name: "Confirm payment (simulated)" }).click();
    await p.waitForURL(/\/orders\/FL/);
    await expect(main(p).getByRole("heading", { name: "Payment received" })).toBeVisible();
    if (amount === "100") await main(p).getByRole("link", { name: "Back to the store" }).click();
  }

  // Their places, live.
  await main(p).getByRole("link", { name: "See my queue" }).click();
  await p.waitForURL("**/me");
  // Next to be freed first: the ¥100 entry is first in line, the ¥20 one second.
  await expect(p.getByTestId("entry-position")).toHaveText(["1", "2"]);
  await expect(main(p).getByText("No. 1 in line")).toBeVisible();

  // Another customer's ¥700 fills the pool: the ¥100 entry is paid while /me stays open.
  const ben = await browser.newPage();
  await register(ben, uniqueUser("phoneben"), PASSWORD, `/s/${slug}`);
  await orderAndPay(ben, slug, "700");
  await ben.close();
  await p.bringToFront();
  const paid = p.getByTestId("payout-dialog");
  await expect(paid).toBeVisible({ timeout: 30_000 });
  await expect(paid).toContainText("Your order is free!");
  await expect(paid).toContainText("¥100.00");
  await paid.getByRole("button", { name: "Great" }).click();
  await expect(p.getByTestId("wallet-balance")).toHaveText("¥100.00");
  await expect(p.getByTestId("entry-position")).toHaveText("1");

  // Leave the ¥20 entry: the compensation is shown before confirming.
  await main(p).getByRole("button", { name: "Leave queue" }).click();
  const leave = p.getByRole("dialog");
  await expect(leave.getByRole("heading", { name: "Leave the queue?" })).toBeVisible();
  await expect(leave.getByTestId("exit-points")).toBeVisible();
  await leave.getByTestId("confirm-leave").click();
  await expect(leave.getByTestId("leave-result")).toContainText("You have left the queue");
  await leave.getByRole("button", { name: "Done" }).click();
  // The live list lets the entry go by itself, no reload.
  await expect(main(p).getByText("No orders in line")).toBeVisible({ timeout: 2_000 });

  // Withdraw ¥10 of the ¥100.
  await main(p).getByRole("link", { name: "Withdraw and history ›" }).click();
  await p.waitForURL("**/me/wallet");
  // A withdrawal goes to a bound account: bind an Alipay one first.
  const bind = p.getByTestId("bind-alipay-form");
  await bind.getByLabel("Real name").fill("Li Lei");
  await bind.getByLabel("Alipay account").fill("lilei@example.com");
  await bind.getByRole("button", { name: "Bind an Alipay account" }).click();
  await expect(p.getByTestId("bind-alipay-done")).toContainText("L***** · l***@example.com");
  await p.reload();
  const form = p.getByTestId("withdraw-form");
  await form.getByLabel("Amount (yuan)").fill("10");
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByRole("button", { name: "Withdraw" }).click();
  await expect(form.getByTestId("withdraw-done")).toContainText("Your request to withdraw ¥10.00 is in");
  await expect(p.getByTestId("wallet-balance")).toHaveText("¥90.00");
  await expect(p.getByTestId("pending-withdrawals")).toHaveText("¥10.00");
  // No Chinese on the way but the store's own data and the language switcher's own name.
  const text = (await main(p).innerText()).replace(/中文/g, "");
  expect(text).not.toMatch(/[\u4e00-\u9fff]/);
  await context.close();
});
