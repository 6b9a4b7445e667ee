import { expect, test, type Page } from "./test";
import { login, main, openStore, register, uniqueUser } from "./pages";
import { E2E_BASE_URL } from "./test-env";

const PASSWORD = "confirm-money-pass-2026";

const WORDS = {
  "zh-CN": {
    run: "运行派发",
    payTitle: (name: string) => `派发 ${name} 的免单？`,
    payEffect: "将按排队顺序派发 1 笔，共 ¥20.00",
    payGo: "确认派发 ¥20.00",
    paid: "已派发 1 笔，共 ¥20.00",
    cancel: "取消",
    submit: "提交调整",
    adjustTitle: "调整这位顾客的积分？",
    adjustEffect: ["将增加 500 分，由平台承担 ¥5.00", "调整后可用积分 500 分（¥5.00）", "原因（顾客可见，记入审计日志）：活动补偿"],
    adjustGo: "确认增加 500 分",
    added: "已增加 500 分",
  },
  en: {
    run: "Run payout",
    payTitle: (name: string) => `Pay out ${name}?`,
    payEffect: "1 entry is paid in line order, ¥20.00 in all",
    payGo: "Pay out ¥20.00",
    paid: "¥20.00",
    cancel: "Cancel",
    submit: "Submit",
    adjustTitle: "Adjust this customer's points?",
    adjustEffect: ["¥5.00", "Available points afterwards: 500 (¥5.00)", "Reason (the customer sees it; it goes into the audit log): 活动补偿"],
    adjustGo: "Add 500 points",
    added: "500",
  },
} as const;

/** A store in manual payout mode whose pool covers its head: ¥20 then ¥600 leave ¥80.60 in the pool, the ¥20 entry covered. */
async function coveredManualQueue(browser: Parameters<Parameters<typeof test>[2]>[0]["browser"], ops: Page, tag: string) {
  const slug = `cfm-${tag}-${Date.now().toString(36)}`;
  const name = `确认店 ${slug.slice(-5)}`;
  const merchant = await openStore(browser, ops, { slug, name, owner: `cfm${tag}`, password: PASSWORD });
  await merchant.goto("/merchant/settings");
  await merchant.getByRole("radio", { name: "人工派发" }).check();
  await main(merchant).getByRole("button", { name: "保存为新版本" }).click();
  await expect(merchant.getByTestId("rules-effect")).toContainText("派发方式：自动派发 → 人工派发");
  await merchant.getByTestId("save-rules-confirm").click();
  await expect(merchant.getByTestId("settings-status")).toContainText("已保存为第");
  await merchant.close();

  const customer = await browser.newPage();
  const username = uniqueUser(`cfm${tag}`);
  await register(customer, username, PASSWORD, `/s/${slug}`);
  for (const yuan of ["20", "600"]) {
    await customer.goto(`/s/${slug}`);
    await customer.fill('input[name="amount"]', yuan);
    await main(customer).getByRole("button", { name: /下单并支付/ }).click();
    await expect(main(customer).getByTestId("pay-here")).toBeVisible();
    await main(customer).getByRole("button", { name: /确认支付/ }).click();
    await customer.waitForURL(/\/orders\/FL/);
  }
  await customer.close();
  return { name, username };
}

for (const [locale, w] of Object.entries(WORDS) as [keyof typeof WORDS, (typeof WORDS)[keyof typeof WORDS]][]) {
  test(`money moves only after a confirmation that states the exact effect (${locale}): a payout run and a points adjustment`, async ({ browser }) => {
    const ops = await browser.newPage();
    await login(ops, "ops", "operator-pass-2026", "/operator");
    const { name, username } = await coveredManualQueue(browser, ops, locale === "en" ? "en" : "zh");
    await ops.context().addCookies([{ name: "NEXT_LOCALE", value: locale, url: E2E_BASE_URL }]);

    await test.step("a payout run asks first with what it pays; cancelling pays nothing", async () => {
      await ops.goto("/operator/payouts");
      // The ready queues' row (the payout history below also names the store).
      const row = main(ops).locator('[data-testid^="ready-queue-"]').filter({ hasText: name });
      await row.getByRole("button", { name: w.run }).click();
      const dialog = ops.getByRole("dialog", { name: w.payTitle(name) });
      await expect(dialog.getByTestId("payout-effect")).toContainText(w.payEffect);
      await expect(dialog.getByRole("button", { name: w.payGo })).toBeFocused();
      await dialog.getByRole("button", { name: w.cancel }).click();
      await expect(dialog).toBeHidden();
      await ops.reload();
      await expect(row).toBeVisible();
      await expect(ops.getByTestId("run-status")).toBeEmpty();

      // Esc closes it too, and nothing happens.
      await row.getByRole("button", { name: w.run }).click();
      await ops.keyboard.press("Escape");
      await expect(dialog).toBeHidden();

      await row.getByRole("button", { name: w.run }).click();
      await dialog.getByRole("button", { name: w.payGo }).click();
      await expect(ops.getByTestId("run-status")).toContainText(w.paid);
      await expect(row).toHaveCount(0);
    });

    await test.step("a points adjustment asks first with the change, the balance after and the reason", async () => {
      await ops.goto(`/operator/points?q=${username}`);
      await ops.fill('input[name="points"]', "500");
      await ops.fill('input[name="reason"]', "活动补偿");
      await main(ops).getByRole("button", { name: w.submit, exact: true }).click();
      const dialog = ops.getByRole("dialog", { name: w.adjustTitle });
      for (const line of w.adjustEffect) await expect(dialog.getByTestId("adjust-effect")).toContainText(line);
      await dialog.getByRole("button", { name: w.cancel }).click();
      await expect(ops.getByTestId("customer-points-available")).toHaveText("0");
      // Enter in a field asks too; Enter again confirms.
      await ops.locator('input[name="reason"]').press("Enter");
      await expect(dialog.getByRole("button", { name: w.adjustGo })).toBeFocused();
      await ops.keyboard.press("Enter");
      await expect(ops.getByTestId("adjust-done")).toContainText(w.added);
      await expect(ops.getByTestId("customer-points-available")).toHaveText("500");
    });
    await ops.close();
  });
}
