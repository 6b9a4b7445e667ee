import { expect, test } from "./test";
import { checkA11y } from "./axe";
import { login, openStore, orderAndPay, register, uniqueUser } from "./pages";
import { E2E_BASE_URL } from "./test-env";

const PASSWORD = "settlement-pass-2026";

test("a merchant reads the day's settlement, in Chinese and in English, and exports it as CSV", async ({ browser }) => {
  const ops = await browser.newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  const slug = `settle-${Date.now().toString(36)}`;
  const merchant = await openStore(browser, ops, { slug, name: `结算店 ${slug.slice(-5)}`, owner: "settleshop", password: PASSWORD });
  await ops.close();

  // Two orders, ¥100 and ¥50, at the default rules: rebate 20% (fee a tenth of it).
  const customer = await browser.newPage();
  await register(customer, uniqueUser("settle"), PASSWORD, `/s/${slug}`);
  await orderAndPay(customer, slug, "100");
  const refunded = await orderAndPay(customer, slug, "50");
  await customer.close();

  await test.step("the merchant refunds the ¥50 order", async () => {
    await merchant.goto("/merchant/orders");
    await merchant.getByTestId(`refund-table-${refunded}`).click();
    await merchant.getByTestId("confirm-refund").click();
    await expect(merchant.getByTestId("refund-result")).toBeVisible();
  });

  await test.step("the report: sales, rebate, refunds, owed to the platform and paid to the store", async () => {
    await merchant.goto("/merchant");
    await merchant.getByRole("link", { name: "结算报表" }).click();
    await merchant.waitForURL("**/merchant/settlement");
    const day = merchant.getByTestId("settlement-days").locator("tbody tr").first();
    // Sales ¥150; rebate ¥30 (fee ¥3); the ¥50 refund returns ¥10 of rebate: owed ¥20, paid ¥150 − ¥50 − ¥20 = ¥80.
    await expect(day).toContainText("¥150.00");
    await expect(day).toContainText("含平台服务费 ¥3.00");
    await expect(day).toContainText("¥50.00");
    await expect(day).toContainText("+¥80.00");
    await expect(merchant.getByTestId("settlement-total-owed")).toHaveText("¥20.00");
    await expect(merchant.getByTestId("settlement-total-paid")).toHaveText("¥80.00");
    await expect(merchant.getByTestId("settlement-total-balance")).toHaveText("¥80.00");
    await checkA11y(merchant);

    // A range that does not exist says why, and the default range is shown.
    await merchant.goto("/merchant/settlement?from=2026-02-30");
    await expect(merchant.getByTestId("settlement-error")).toHaveText("不存在的日期");
    await expect(merchant.getByTestId("settlement-total-paid")).toHaveText("¥80.00");
  });

  await test.step("the CSV has the same figures, in yuan", async () => {
    await merchant.goto("/merchant/settlement");
    const [download] = await Promise.all([merchant.waitForEvent("download"), merchant.getByTestId("settlement-csv").click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^freeline-settlement-${slug}-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const res = await merchant.request.get("/api/merchant/settlement.csv");
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe("day,orders,sales_yuan,rebate_yuan,platform_fee_yuan,refunds,refunds_yuan,rebate_returned_yuan,refund_shortfall_yuan,owed_to_platform_yuan,paid_to_store_yuan,settlement_balance_yuan");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2},2,150\.00,30\.00,3\.00,1,50\.00,10\.00,0\.00,20\.00,80\.00,80\.00$/);
    expect((await merchant.request.get("/api/merchant/settlement.csv?from=2026-12-02&to=2026-12-01")).status()).toBe(400);
  });

  await test.step("in English", async () => {
    await merchant.context().addCookies([{ name: "NEXT_LOCALE", value: "en", url: E2E_BASE_URL }]);
    await merchant.goto("/merchant/settlement");
    await expect(merchant.getByRole("heading", { name: "Settlement report" })).toBeVisible();
    await expect(merchant.getByTestId("settlement-days").locator("tbody tr").first()).toContainText("incl. platform fee ¥3.00");
    await expect(merchant.getByTestId("settlement-notes")).toContainText("Paid to your store: sales − refunds − owed to the platform");
    await checkA11y(merchant);
  });
  await merchant.close();
});
