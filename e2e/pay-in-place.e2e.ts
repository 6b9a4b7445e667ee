import pg from "pg";
import { expect, test, type Browser, type BrowserContextOptions, type Page } from "./test";
import { checkA11y } from "./axe";
import { main, register, uniqueUser } from "./pages";
import { PLAIN_PHONE, providerAppForFile } from "./provider-app";

// When the browser's provider is known, the order form starts the payment itself: the customer goes
// from 下单并支付 straight to the provider (its page, or its QR code drawn in place) without the pay
// page in between. Here the platform offers WeChat Pay alone (PAYMENT_DISABLED=alipay), so every
// browser's provider is known; the app talks to the WeChat Pay fake through the real SDK.

const PASSWORD = "pay-in-place-pass-2026";
const app = providerAppForFile({ env: { PAYMENT_DISABLED: "alipay" } });

async function orderStatus(orderNo: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: app().databaseUrl });
  await c.connect();
  try {
    return (await c.query<{ status: string }>("select status::text as status from orders where order_no = $1", [orderNo])).rows[0]?.status;
  } finally {
    await c.end();
  }
}

/** A new customer at the tea house, and every address the page's main frame shows from then on. */
async function customer(browser: Browser, prefix: string, device: BrowserContextOptions): Promise<{ page: Page; visited: string[] }> {
  const context = await browser.newContext({ ...device, baseURL: app().baseUrl, locale: "zh-CN" });
  const page = await context.newPage();
  await register(page, uniqueUser(prefix), PASSWORD, "/s/tea-house");
  const visited: string[] = [];
  page.on("framenavigated", (f) => {
    if (f === page.mainFrame()) visited.push(new URL(f.url()).pathname);
  });
  return { page, visited };
}

async function placeOrder(page: Page, yuan: string): Promise<void> {
  await page.fill('input[name="amount"]', yuan);
  await main(page).getByRole("button", { name: "下单并支付" }).click();
}

test("a phone goes from the order form straight to WeChat Pay's page, never the pay page, and back to the result", async ({ browser }) => {
  const { page, visited } = await customer(browser, "inplh5", PLAIN_PHONE);
  await placeOrder(page, "26.00");
  await page.waitForURL((u) => u.pathname === "/h5pay");
  const orderNo = new URL(page.url()).searchParams.get("order")!;
  expect(visited.filter((p) => p.startsWith("/pay/"))).toEqual([]);
  await expect(page.getByText("CNY 26.00")).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();
  // The provider sends the browser back to the pay page, which finds the order paid.
  await page.waitForURL(`**/orders/${orderNo}`);
  await expect(page.getByRole("heading", { name: "支付成功" })).toBeVisible();
  expect(await orderStatus(orderNo)).toBe("paid");
  await page.context().close();
});

test("a desktop gets WeChat Pay's QR code in place of the form, and 我已支付 shows the result once it is paid", async ({ browser }) => {
  const { page, visited } = await customer(browser, "inplqr", { viewport: { width: 1280, height: 800 } });
  await placeOrder(page, "42.00");
  const here = main(page).getByTestId("pay-here");
  await expect(here.getByTestId("pay-qr").locator("img")).toHaveAttribute("src", /^data:image\/png;base64,/);
  await expect(here).toContainText("¥42.00");
  await expect(here.getByRole("heading", { name: "支付订单" })).toBeFocused();
  await expect(page.getByText("模拟支付")).toHaveCount(0);
  await checkA11y(page); // drawn without a navigation: the check after each page load does not see it
  const orderNo = (await here.getByTestId("pay-here-order-no").innerText()).trim();
  expect(app().wechat.calls).toContain("POST /v3/pay/transactions/native");
  expect(visited.filter((p) => p.startsWith("/pay/"))).toEqual([]);
  // Scanned and paid on the phone; the notification is late, so the pay page asks WeChat Pay.
  app().wechat.pay(orderNo);
  await here.getByRole("link", { name: "我已支付，查看结果" }).click();
  await page.waitForURL(`**/orders/${orderNo}`);
  await expect(page.getByRole("heading", { name: "支付成功" })).toBeVisible();
  expect(await orderStatus(orderNo)).toBe("paid");
  await page.context().close();
});

test("when WeChat Pay cannot be reached, the order is kept and the pay page offers the payment again", async ({ browser }) => {
  const { page } = await customer(browser, "inplout", PLAIN_PHONE);
  app().wechat.failNext("5xx");
  await placeOrder(page, "33.00");
  await page.waitForURL(/\/pay\/FL/);
  const orderNo = new URL(page.url()).pathname.split("/").pop()!;
  expect(await orderStatus(orderNo)).toBe("pending");
  await main(page).getByRole("button", { name: "使用微信支付支付" }).click();
  await page.waitForURL((u) => u.pathname === "/h5pay");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(`**/orders/${orderNo}`);
  await expect(page.getByRole("heading", { name: "支付成功" })).toBeVisible();
  await page.context().close();
});
