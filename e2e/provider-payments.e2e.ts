import pg from "pg";
import { expect, test, type Browser, type Page } from "./test";
import { login, main, register, uniqueUser } from "./pages";
import { PLAIN_PHONE, providerAppForFile } from "./provider-app";

// Real money in and back out, on a phone, with no network: the app runs with WeChat Pay and Alipay
// configured against the local fakes (e2e/provider-app.ts), talks to them through the real SDKs, and
// receives their signed notifications on its webhooks. The fakes' cashier pages stand in for
// WeChat's and Alipay's.

const PASSWORD = "provider-pay-pass-2026";
const app = providerAppForFile();

async function orderRow(orderNo: string) {
  const c = new pg.Client({ connectionString: app().databaseUrl });
  await c.connect();
  try {
    const r = await c.query<{ status: string; provider: string; provider_ref: string | null; refund: string | null }>(
      `select o.status, o.provider, o.provider_ref,
              (select r.status::text from payment_refunds r where r.order_id = o.id and r.returned_payment_ref is null) as refund
       from orders o where o.order_no = $1`,
      [orderNo],
    );
    return r.rows[0];
  } finally {
    await c.end();
  }
}

async function customer(browser: Browser, prefix: string): Promise<Page> {
  const context = await browser.newContext({ ...PLAIN_PHONE, baseURL: app().baseUrl, locale: "zh-CN" });
  const page = await context.newPage();
  await register(page, uniqueUser(prefix), PASSWORD, "/s/tea-house");
  return page;
}

/** Orders at the tea house and, on the pay page (a choice on a plain phone browser), picks a provider. */
async function orderWith(page: Page, yuan: string, provider: "微信支付" | "支付宝"): Promise<string> {
  await page.goto("/s/tea-house");
  await page.fill('input[name="amount"]', yuan);
  await main(page).getByRole("button", { name: "下单并支付" }).click();
  await page.waitForURL(/\/pay\/FL/);
  const orderNo = new URL(page.url()).pathname.split("/").pop()!;
  await expect(main(page).getByText("选择支付方式")).toBeVisible();
  await expect(page.getByText("模拟支付")).toHaveCount(0);
  await main(page).getByRole("button", { name: `使用${provider}支付` }).click();
  return orderNo;
}

test("WeChat Pay H5 on a phone: the fake's cashier page stands in for WeChat's, its signed notification pays the order, and the browser comes back to the result", async ({ browser }) => {
  const page = await customer(browser, "wxh5");
  const orderNo = await orderWith(page, "38.00", "微信支付");
  await page.waitForURL((u) => u.pathname === "/h5pay");
  expect(new URL(page.url()).searchParams.get("redirect_url")).toBe(`${app().baseUrl}/pay/${orderNo}`);
  await expect(page.getByRole("heading", { name: "WeChat Pay (test fake)" })).toBeVisible();
  await expect(page.getByText("CNY 38.00")).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();
  // Back on the pay page, which finds the order paid and shows the result.
  await page.waitForURL(`**/orders/${orderNo}`);
  await expect(page.getByRole("heading", { name: "支付成功" })).toBeVisible();
  await expect(page.getByTestId("order-entries").locator("li")).not.toHaveCount(0);
  expect(await orderRow(orderNo)).toMatchObject({ status: "paid", provider: "wechat", provider_ref: app().wechat.trades.get(orderNo)!.transactionId });
  // The fake posted the signed, encrypted notification before sending the browser back, and the
  // app's webhook verified it through the SDK and acknowledged it (WeChat Pay wants a 2xx).
  expect(app().wechat.calls).toContain("POST /v3/pay/transactions/h5");
  expect(app().wechat.delivered.filter((d) => d.orderNo === orderNo)).toEqual([{ orderNo, status: 204 }]);
  await page.context().close();
});

test("Alipay wap pay on a phone: the signed gateway address opens the fake's cashier, the notification pays, and the return shows the result", async ({ browser }) => {
  const page = await customer(browser, "aliwap");
  const orderNo = await orderWith(page, "25.60", "支付宝");
  await page.waitForURL((u) => u.pathname === "/cashier");
  await expect(page.getByRole("heading", { name: "Alipay (test fake)" })).toBeVisible();
  await expect(page.getByText("CNY 25.60")).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(`**/orders/${orderNo}`);
  await expect(page.getByRole("heading", { name: "支付成功" })).toBeVisible();
  const trade = app().alipay.trades.get(orderNo)!;
  expect(trade.status).toBe("TRADE_SUCCESS");
  expect(await orderRow(orderNo)).toMatchObject({ status: "paid", provider: "alipay", provider_ref: trade.tradeNo });
  // The RSA2-signed notification was verified by alipay-sdk in the app and answered `success`.
  expect(app().alipay.delivered.filter((d) => d.orderNo === orderNo)).toEqual([{ orderNo, status: 200, answer: "success" }]);
  await page.context().close();
});

test("a refund that reaches the customer: the merchant refunds a WeChat Pay order, the job runner asks the fake, and the customer sees the cash back", async ({ browser }) => {
  const page = await customer(browser, "wxrefund");
  const orderNo = await orderWith(page, "50.00", "微信支付");
  await page.waitForURL((u) => u.pathname === "/h5pay");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(`**/orders/${orderNo}`);

  const merchant = await (await browser.newContext({ baseURL: app().baseUrl })).newPage();
  await login(merchant, "tea", "merchant-pass-2026", "/merchant/queue");
  await merchant.goto("/merchant/orders");
  await merchant.getByTestId(`refund-table-${orderNo}`).click();
  await merchant.getByRole("dialog").locator('textarea[name="reason"]').fill("顾客取消");
  await merchant.getByTestId("confirm-refund").click();
  await expect(merchant.getByTestId("refund-result")).toContainText(`订单 ${orderNo} 已退款`);
  await merchant.context().close();

  // After the refund committed, the job runner asked WeChat Pay (the fake) for it under its out-id.
  await expect.poll(() => app().wechat.refunds.get(`RF${orderNo}01`)?.status, { timeout: 30_000 }).toBe("SUCCESS");
  await expect.poll(async () => (await orderRow(orderNo))?.refund, { timeout: 30_000 }).toBe("succeeded");

  await page.goto(`/orders/${orderNo}`);
  await expect(page.getByRole("heading", { name: "订单已退款" })).toBeVisible();
  await expect(page.getByTestId("refund-state")).toHaveText("退款 ¥50.00 已退回你的支付账户。");
  await page.goto("/orders");
  const card = main(page).locator(`[data-testid="order-card"][data-order-no="${orderNo}"]`);
  await expect(card.getByTestId("order-status")).toHaveText("已退款");
  await expect(card).toContainText("退款 ¥50.00 已原路退回");
  await page.context().close();
});

test("the running app refuses forged notifications from both providers, and the order stays unpaid", async ({ browser }) => {
  const page = await customer(browser, "forged");
  const orderNo = await orderWith(page, "19.90", "微信支付");
  await page.waitForURL((u) => u.pathname === "/h5pay");
  app().wechat.pay(orderNo); // paid at the provider, but only a forged notification arrives
  const wx = app().wechat.notification(orderNo, { forge: true });
  const wxAnswer = await fetch(`${app().baseUrl}/api/payments/wechat/webhook`, { method: "POST", headers: wx.headers, body: wx.body });
  expect(wxAnswer.status).toBe(401);
  const ali = app().alipay.notification(orderNo, { forge: true, amount: "19.90" });
  const aliAnswer = await fetch(`${app().baseUrl}/api/payments/alipay/webhook`, { method: "POST", headers: ali.headers, body: ali.body });
  expect([aliAnswer.status, await aliAnswer.text()]).toEqual([401, "fail"]);
  expect(await orderRow(orderNo)).toMatchObject({ status: "pending", provider_ref: null });
  await page.context().close();
});

async function withdrawalRow(username: string) {
  const c = new pg.Client({ connectionString: app().databaseUrl });
  await c.connect();
  try {
    const r = await c.query<{ status: string; provider: string | null; out_id: string | null; amount_fen: number }>(
      `select w.status::text as status, w.provider, w.out_bill_no as out_id, w.amount_fen::int as amount_fen
       from withdrawals w join users u on u.id = w.user_id
       where u.username = $1 order by w.id desc limit 1`,
      [username],
    );
    return r.rows[0];
  } finally {
    await c.end();
  }
}

test("a withdrawal to a bound Alipay account on a phone, paid through the Alipay fake: bind, request, the operator approves, the job runner transfers, the customer sees it paid", async ({ browser }) => {
  test.setTimeout(180_000);
  // ¥100 in the wallet: an order at the fruit stand (empty at seed), then another customer's ¥700
  // order there frees its entry (the same arithmetic as the dev-provider journey). Both are paid at
  // the Alipay fake's cashier.
  const context = await browser.newContext({ ...PLAIN_PHONE, baseURL: app().baseUrl, locale: "zh-CN" });
  const page = await context.newPage();
  const username = uniqueUser("wdali");
  await register(page, username, PASSWORD, "/s/fruit-stand");
  const payAtFruitStand = async (p: Page, yuan: string) => {
    await p.goto("/s/fruit-stand");
    await p.fill('input[name="amount"]', yuan);
    await main(p).getByRole("button", { name: "下单并支付" }).click();
    await p.waitForURL(/\/pay\/FL/);
    await main(p).getByRole("button", { name: "使用支付宝支付" }).click();
    await p.waitForURL((u) => u.pathname === "/cashier");
    await p.getByRole("button", { name: "Pay" }).click();
    await p.waitForURL(/\/orders\/FL/);
    await expect(p.getByRole("heading", { name: "支付成功" })).toBeVisible();
  };
  await payAtFruitStand(page, "100");
  const other = await customer(browser, "wdali2");
  await payAtFruitStand(other, "700");
  await other.context().close();
  await expect(async () => {
    await page.goto("/me/wallet");
    await expect(page.getByTestId("wallet-balance")).toHaveText("¥100.00", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });

  // Bind the Alipay account, shown masked.
  const card = page.getByTestId("payout-accounts");
  if (!(await card.getByTestId("bind-alipay-form").isVisible())) await card.getByTestId("bind-alipay-open").click();
  const bind = card.getByTestId("bind-alipay-form");
  await bind.getByLabel("真实姓名").fill("张三");
  await bind.getByLabel("支付宝账户").fill("13912345678");
  await bind.getByRole("button").click();
  await expect(card.getByTestId("bind-alipay-done")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("withdraw-to-alipay")).toContainText("139****5678");

  // Ask for ¥60.
  const form = page.getByTestId("withdraw-form");
  await form.getByLabel("提现金额（元）").fill("60");
  await form.getByLabel("登录密码").fill(PASSWORD);
  await form.getByRole("button", { name: "申请提现", exact: true }).click();
  await expect(form.getByTestId("withdraw-done")).toBeVisible();

  // The operator approves, seeing the masked account.
  const ops = await (await browser.newContext({ baseURL: app().baseUrl })).newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  await ops.goto("/operator/withdrawals");
  const row = ops.getByTestId("pending-withdrawals").locator("tr").filter({ hasText: username });
  await expect(row.locator('[data-testid$="-account"]')).toContainText("139****5678");
  await row.getByRole("button", { name: "批准打款" }).click();
  const confirm = row.locator('[data-testid^="confirm-approve-"]');
  await expect(confirm).toContainText("¥60.00");
  await confirm.click();
  await expect(ops.getByTestId("decision-status")).toContainText("已批准");
  await ops.context().close();

  // The job runner beside the app made the transfer at the fake (alipay.fund.trans.uni.transfer,
  // signed through alipay-sdk) under the withdrawal's out-id, and the customer sees it paid.
  await expect.poll(async () => (await withdrawalRow(username))?.status, { timeout: 30_000 }).toBe("paid");
  const w = (await withdrawalRow(username))!;
  expect(w).toMatchObject({ provider: "alipay", amount_fen: 6000 });
  expect(app().alipay.transfers.get(w.out_id!)).toMatchObject({ status: "SUCCESS" });
  expect(app().alipay.calls).toContain("alipay.fund.trans.uni.transfer");
  await page.reload();
  const newest = page.getByTestId("withdrawal-history").locator("li").first();
  await expect(newest).toContainText("已打款");
  await expect(newest).toContainText("139****5678");
  await expect(page.getByTestId("wallet-balance")).toHaveText("¥40.00");
  await expect(page.getByTestId("pending-withdrawals")).toHaveText("¥0.00");
  await context.close();
});
