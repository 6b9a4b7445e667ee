import { expect, test } from "./test";
import { login, main, orderAndPay, register, uniqueUser } from "./pages";
import { CRON_SECRET } from "./test-env";

const PASSWORD = "wallet-pass-2026";

// One journey through every customer money event of issue 3, at the fruit stand (empty at seed).
// The e2e server releases locked points in full (e2e/test-env.ts E2E_POLICY).
test("redeem points, leave the queue, get freed, withdraw, operator approves", async ({ browser, request }) => {
  const carol = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const carolName = uniqueUser("carol");

  await test.step("an order earns 500 locked points, and the daily release makes them available", async () => {
    await register(carol, carolName, PASSWORD, "/s/fruit-stand");
    await orderAndPay(carol, "fruit-stand", "100");
    const res = await request.post("/api/cron/release", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(res.status()).toBe(200);
    await carol.goto("/me");
    await expect(carol.getByTestId("points-available")).toHaveText("500");
  });

  await test.step("redeem points at checkout with the switch: only the cash joins the queue", async () => {
    await carol.goto("/s/fruit-stand");
    await carol.fill('input[name="amount"]', "50");
    await expect(carol.getByTestId("preview-cash")).toHaveText("¥50.00");
    await carol.getByTestId("use-points").check();
    // All 500 available points: ¥5.00 of the ¥50.00, and the button says what is left to pay.
    await expect(carol.getByTestId("preview-points-used")).toHaveText("500 分（¥5.00）");
    await expect(carol.getByTestId("preview-cash")).toHaveText("¥45.00");
    await main(carol).getByRole("button", { name: "下单并支付 ¥45.00" }).click();
    await expect(main(carol).getByTestId("pay-here")).toBeVisible();
    await expect(main(carol)).toContainText("¥45.00");
    await main(carol).getByRole("button", { name: "确认支付（模拟）" }).click();
    await carol.waitForURL(/\/orders\/FL/);
    await expect(carol.getByTestId("points-used")).toContainText("500");
    await expect(carol.getByTestId("order-entries")).toContainText("¥45.00");
    await carol.goto("/me");
    await expect(carol.getByTestId("points-available")).toHaveText("0");
  });

  await test.step("leave the ¥45 entry, seeing the exact compensation first", async () => {
    const entry = carol.getByTestId("waiting-entries").locator("li").filter({ hasText: "¥45.00" });
    await entry.locator('[data-testid^="leave-"]').first().click();
    // floor(4500 × 10%) = 450 points, well within the pool.
    await expect(carol.getByTestId("exit-points")).toHaveText("450");
    await carol.getByTestId("confirm-leave").click();
    await expect(carol.getByTestId("leave-result")).toBeVisible();
    await carol.reload();
    await expect(carol.getByTestId("waiting-entries").locator("li")).toHaveCount(1);
    await expect(carol.getByTestId("history")).toContainText("退出排队补偿");
  });

  await test.step("another customer's order frees carol's ¥100 entry", async () => {
    const dave = await browser.newPage();
    await register(dave, uniqueUser("dave"), PASSWORD, "/s/fruit-stand");
    await orderAndPay(dave, "fruit-stand", "700");
    await dave.close();
    await expect(async () => {
      await carol.goto("/me");
      await expect(carol.getByTestId("wallet-balance")).toHaveText("¥100.00", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
  });

  await test.step("withdraw ¥60 with the password re-entered; an operator approves", async () => {
    await carol.goto("/me/wallet");
    // A withdrawal goes to a bound account: bind an Alipay one first.
    const bind = carol.getByTestId("bind-alipay-form");
    await bind.getByLabel("真实姓名").fill("王小红");
    await bind.getByLabel("支付宝账户").fill("13900001234");
    await bind.getByRole("button", { name: "绑定支付宝账户" }).click();
    await expect(carol.getByTestId("bind-alipay-done")).toContainText("王** · 139****1234");
    await carol.reload();
    await carol.fill('input[name="amount"]', "60");
    await carol.fill('input[name="password"]', "not-my-password");
    await main(carol).getByRole("button", { name: "申请提现" }).click();
    // Wait for the refusal itself (the label also says 密码), next to the password field.
    await expect(carol.locator("#f-password-error")).toBeVisible({ timeout: 20_000 });
    await expect(carol.getByTestId("wallet-balance")).toHaveText("¥100.00");
    await carol.fill('input[name="password"]', PASSWORD);
    await main(carol).getByRole("button", { name: "申请提现" }).click();
    await expect(carol.getByTestId("withdraw-done")).toBeVisible();
    await carol.reload();
    await expect(carol.getByTestId("wallet-balance")).toHaveText("¥40.00");
    await expect(carol.getByTestId("pending-withdrawals")).toHaveText("¥60.00");

    const ops = await browser.newPage();
    await login(ops, "ops", "operator-pass-2026", "/operator/withdrawals");
    const row = ops.getByTestId("pending-withdrawals").locator("tr").filter({ hasText: carolName });
    await row.locator('[data-testid^="approve-"]').click();
    await row.getByRole("button", { name: "确认打款 ¥60.00" }).click();
    await expect(ops.getByTestId("decision-status")).toContainText("已批准");
    await ops.close();

    // The job runner beside the server sends it (the dev provider) once the approval commits.
    await expect(async () => {
      await carol.reload();
      await expect(carol.getByTestId("pending-withdrawals")).toHaveText("¥0.00", { timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await expect(carol.getByTestId("wallet-balance")).toHaveText("¥40.00");
    await expect(carol.getByTestId("withdrawal-history")).toContainText("¥60.00");
    await carol.goto("/me");
    await expect(carol.getByTestId("history")).toContainText("提现已打款");
  });
});
