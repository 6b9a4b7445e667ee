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

  await test.step("the page and its CSV cover the same range, the last 30 days by default, and agree row by row", async () => {
    await merchant.goto("/merchant/settlement");
    const from = await merchant.locator("#settlement-from").inputValue();
    const to = await merchant.locator("#settlement-to").inputValue();
    expect(Date.parse(to) - Date.parse(from), "30 days, today included").toBe(29 * 86_400_000);
    const href = (await merchant.getByTestId("settlement-csv").getAttribute("href"))!;
    expect(href).toBe(`/api/merchant/settlement.csv?from=${from}&to=${to}`);
    const agree = async (csvHref: string) => {
      const lines = (await (await merchant.request.get(csvHref)).text()).trim().split("\r\n").slice(1);
      const rows = merchant.locator('[data-testid^="settlement-day-"]');
      await expect(rows).toHaveCount(lines.length);
      for (const [i, line] of lines.entries()) {
        const [day, orders, sales, rebate, , , refunds, , , owed, paid, balance] = line.split(",");
        const cells = rows.nth(i).locator("td");
        await expect(cells.nth(0)).toHaveText(day!);
        await expect(cells.nth(1)).toHaveText(orders!);
        for (const [n, yuan] of [[2, sales], [3, rebate], [4, refunds], [5, owed], [7, balance]] as const) await expect(cells.nth(n)).toContainText(`¥${yuan}`);
        await expect(cells.nth(6)).toContainText(paid!);
      }
      return lines.length;
    };
    expect(await agree(href)).toBe(1);
    // A range of the past, chosen in the form: no rows on the page, only the header in its CSV.
    await merchant.locator("#settlement-from").fill("2026-01-01");
    await merchant.locator("#settlement-to").fill("2026-01-31");
    await merchant.getByTestId("settlement-range").getByRole("button").click();
    await merchant.waitForURL(/from=2026-01-01&to=2026-01-31/);
    await expect(merchant.getByTestId("settlement-total-sales")).toHaveText("¥0.00");
    expect(await merchant.getByTestId("settlement-csv").getAttribute("href")).toBe("/api/merchant/settlement.csv?from=2026-01-01&to=2026-01-31");
    expect(await agree("/api/merchant/settlement.csv?from=2026-01-01&to=2026-01-31")).toBe(0);
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
