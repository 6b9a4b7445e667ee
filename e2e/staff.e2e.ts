import { expect, test, type Page } from "./test";
import { checkA11y } from "./axe";
import { login, main, openStore, orderAndPay, register, uniqueUser } from "./pages";
import { E2E_BASE_URL } from "./test-env";

// Staff accounts and the live console (SPEC: Pages, merchant): an owner of a store of this journey's
// own invites a cashier, who joins with their own account through the link; the cashier sees the
// queue and the orders and records a till order, and is refused rules, keys, staff, the poster and
// the store's data (403, not just hidden). A customer's order, placed in another browser, appears in
// the owner's open orders page and the cashier's open queue without a reload, and rings where that
// is turned on. The owner revokes the cashier, who is out at the next click.
test.describe.configure({ mode: "serial" });

const OWNER_PASS = "staff-owner-pass-2026";
const CASHIER_PASS = "staff-cashier-pass-2026";

async function status(page: Page, path: string): Promise<number> {
  const res = await page.goto(path);
  return res?.status() ?? 0;
}

test("a cashier joins by invitation, works the queue and the till, sees new orders live, and is revoked", async ({ browser }) => {
  test.setTimeout(300_000);
  const slug = `till-${Date.now().toString(36)}`;
  const ops = await (await browser.newContext()).newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  const owner = await openStore(browser, ops, { slug, name: "收银测试店", owner: "stown", password: OWNER_PASS });

  let link = "";
  await test.step("the owner creates an invitation: a code and a link, shown once", async () => {
    await owner.goto("/merchant/staff");
    await expect(main(owner).getByRole("heading", { level: 1 })).toHaveText("店员");
    await main(owner).getByRole("button", { name: "生成邀请码" }).click();
    await expect(owner.getByTestId("invite-code")).toHaveText(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    link = await owner.getByTestId("invite-link").inputValue();
    expect(link).toMatch(/\/join\?code=[2-9A-Z]{12}$/);
  });

  const cashier = await (await browser.newContext()).newPage();
  const cashierName = uniqueUser("cash");
  await test.step("a person signs up, follows the link and joins as the cashier", async () => {
    await register(cashier, cashierName, CASHIER_PASS, "/me");
    const url = new URL(link);
    await cashier.goto(url.pathname + url.search);
    await main(cashier).getByRole("button", { name: "加入", exact: true }).click();
    await expect(cashier.getByTestId("joined")).toContainText("收银测试店");
    // The code is used once: another person gets a refusal.
    const other = await (await browser.newContext()).newPage();
    await register(other, uniqueUser("cash2"), CASHIER_PASS, "/me");
    await other.goto(url.pathname + url.search);
    await main(other).getByRole("button", { name: "加入", exact: true }).click();
    await expect(main(other).getByRole("alert")).toHaveText("邀请码无效、已使用或已过期");
    await other.context().close();
  });

  await test.step("the cashier's console: queue, orders and the till; everything else is refused", async () => {
    await cashier.goto("/merchant");
    await cashier.waitForURL((u) => u.pathname === "/merchant/queue");
    const nav = cashier.getByRole("navigation", { name: "商家导航" });
    for (const name of ["排队队列", "订单与退款", "收银台"]) await expect(nav.getByRole("link", { name })).toBeVisible();
    for (const name of ["规则设置", "POS 接口", "店员", "二维码海报", "店铺数据"]) await expect(nav.getByRole("link", { name })).toHaveCount(0);
    for (const path of ["/merchant/settings", "/merchant/api-keys", "/merchant/staff", "/merchant/poster", "/merchant/data"]) {
      expect(await status(cashier, path), path).toBe(403);
    }
    const data = await cashier.request.get("/api/merchant/data?file=json", { maxRedirects: 0 });
    expect(data.status()).toBe(403);
    const live = await cashier.request.get("/api/merchant/live");
    expect(live.status()).toBe(200);
  });

  const customer = await (await browser.newContext()).newPage();
  const customerName = uniqueUser("tillc");
  await register(customer, customerName, "staff-customer-pass-2026", "/me");

  await test.step("the owner turns the ring on for the store; the cashier's open console asks for a tap before it can sound", async () => {
    await cashier.goto("/merchant/queue");
    await expect(cashier.getByTestId("waiting-count")).toHaveText("0");
    // Off by default: nothing about it on the cashier's console, and no switch to change it.
    await expect(cashier.getByTestId("ring-status")).toHaveCount(0);
    await expect(cashier.getByTestId("ring-toggle")).toHaveCount(0);
    await owner.goto("/merchant/orders");
    await expect(owner.getByTestId("ring-toggle")).not.toBeChecked();
    await owner.getByTestId("ring-toggle").check();
    await expect(owner.getByTestId("ring-toggle")).toBeChecked();
    // Ticking the box was a tap on this device: its sound is allowed, so no hint here.
    await expect(owner.getByTestId("ring-hint")).toHaveCount(0);
    // The setting is the store's: it survives a reload.
    await owner.reload();
    await expect(owner.getByTestId("ring-toggle")).toBeChecked();
    // A reload is a new page, which the browser keeps silent until it is tapped.
    await expect(owner.getByTestId("ring-hint")).toBeVisible();
    await owner.getByTestId("ring-unlock").click();
    await expect(owner.getByTestId("ring-hint")).toHaveCount(0);
    // The cashier's open console learns it at the next poll, says so, and asks for a tap.
    await expect(cashier.getByTestId("ring-status")).toHaveText("店主已开启新订单响铃", { timeout: 15_000 });
    await expect(cashier.getByTestId("ring-hint")).toContainText("这台设备还没有允许播放声音");
    await checkA11y(cashier);
    await cashier.getByTestId("ring-unlock").click();
    await expect(cashier.getByTestId("ring-hint")).toHaveCount(0);
  });

  await test.step("the ring's words in English", async () => {
    const en = await (await browser.newContext()).newPage();
    await en.context().addCookies([{ name: "NEXT_LOCALE", value: "en", url: E2E_BASE_URL }]);
    await login(en, cashierName, CASHIER_PASS, "/merchant/queue");
    await expect(en.getByTestId("ring-status")).toHaveText("The owner has turned on the ring for new orders");
    await expect(en.getByTestId("ring-hint")).toContainText("This device has not allowed sound yet");
    await expect(en.getByTestId("ring-unlock")).toHaveText("Allow sound here");
    await checkA11y(en);
    await en.context().close();
  });

  await test.step("an order placed in another browser appears in the open consoles without a reload, and rings on both", async () => {
    const orderNo = await orderAndPay(customer, slug, "25");
    await expect(owner.getByTestId(`order-row-${orderNo}`)).toBeVisible({ timeout: 30_000 });
    await expect(owner.getByTestId("live-console")).toHaveAttribute("data-rings", "1");
    await expect(cashier.getByTestId("live-console")).toHaveAttribute("data-rings", "1", { timeout: 30_000 });
    await expect(cashier.getByTestId("waiting-count")).not.toHaveText("0", { timeout: 30_000 });
    // The cashier sees the order, without a refund button.
    await cashier.goto("/merchant/orders");
    await expect(cashier.getByTestId(`order-row-${orderNo}`)).toBeVisible();
    await expect(main(cashier).getByRole("button", { name: "退款" })).toHaveCount(0);
    await expect(main(owner).getByRole("button", { name: "退款" }).first()).toBeVisible();
  });

  await test.step("the cashier records a till order; an unknown customer is refused next to the field", async () => {
    await cashier.goto("/merchant/till");
    await cashier.fill('input[name="customer"]', "no-such-customer-here");
    await cashier.fill('input[name="amount"]', "18");
    await main(cashier).getByRole("button", { name: "录入订单" }).click();
    await expect(cashier.locator("#f-customer-error")).toHaveText("没有用这个手机号或用户名注册的顾客");
    await cashier.fill('input[name="customer"]', customerName);
    await main(cashier).getByRole("button", { name: "录入订单" }).click();
    await expect(cashier.getByTestId("till-done")).toContainText(/已录入订单 FL\w+：¥18\.00/);
    const orderNo = /FL\w+/.exec(await cashier.getByTestId("till-done").innerText())![0];
    await expect(owner.getByTestId(`order-row-${orderNo}`)).toBeVisible({ timeout: 30_000 });

    await test.step("the operator finds the order and the store, whose page lists its cashier; the audit log names it", async () => {
      await ops.goto("/operator");
      await expect(ops.getByTestId("overview-charts")).toBeVisible();
      await ops.getByTestId("global-search").fill(orderNo.toLowerCase());
      await ops.getByTestId("global-search").press("Enter");
      await ops.waitForURL((u) => u.pathname === "/operator/search");
      await expect(main(ops).getByRole("link", { name: orderNo })).toBeVisible();
      await main(ops).getByRole("link", { name: "收银测试店" }).first().click();
      await ops.waitForURL((u) => /^\/operator\/merchants\/\d+$/.test(u.pathname));
      await expect(ops.getByTestId("merchant-detail")).toContainText(cashierName);
      await ops.goto("/operator/audit");
      await expect(main(ops).getByRole("link", { name: "收银测试店" }).first()).toBeVisible();
    });
  });

  await test.step("the owner revokes the cashier, who is out at the next click", async () => {
    await owner.goto("/merchant/staff");
    const row = owner.getByTestId("staff").getByRole("row").filter({ hasText: cashierName });
    await row.getByRole("button", { name: "停用" }).click();
    await row.getByRole("button", { name: "确认停用" }).click();
    await expect(row).toContainText("已停用");
    expect(await status(cashier, "/merchant/queue")).toBe(403);
    expect((await cashier.request.get("/api/merchant/live")).status()).toBe(403);
  });

  for (const p of [ops, owner, cashier, customer]) await p.context().close();
});
