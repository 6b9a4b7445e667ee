import { expect, test } from "./test";
import { login, main, register, uniqueUser } from "./pages";

const PASSWORD = "bad-input-pass-2026";

test.describe("bad input gets a clear message next to the field and changes nothing", () => {
  test("order amounts", async ({ page }) => {
    // The noodle bar: the tea house and the book cafe stay empty for the core-loop journey.
    await register(page, uniqueUser("amt"), PASSWORD, "/s/noodle-bar");
    const amount = page.locator('input[name="amount"]');
    const cases: [string, string][] = [
      ["", "请输入金额"],
      ["0", "金额必须大于 0"],
      ["-5", "金额必须大于 0"],
      ["abc", "金额格式不正确"],
      ["12.345", "金额最多两位小数"],
      ["1000000.01", "金额不能超过"],
    ];
    for (const [typed, message] of cases) {
      await amount.fill(typed);
      await main(page).getByRole("button", { name: "下单并支付" }).click();
      // The message sits next to the field and is tied to it for screen readers.
      const error = main(page).locator("#f-amount-error");
      // Generous timeouts: on a loaded 2-core machine an action round trip can take seconds.
      await expect(error, `message for ${JSON.stringify(typed)}`).toContainText(message, { timeout: 20_000 });
      // The form keeps what was typed, so the next case starts from a settled form.
      await expect(amount).toHaveValue(typed);
      await expect(amount).toHaveAttribute("aria-invalid", "true");
      await expect(amount).toHaveAttribute("aria-describedby", /f-amount-error/);
      await expect(page).toHaveURL(/\/s\/noodle-bar/);
    }
    // Nothing was created.
    await page.goto("/me");
    await expect(page.getByText("没有排队中的订单")).toBeVisible();
    await expect(page.getByText("还没有记录")).toBeVisible();
  });

  test("a double click creates one order", async ({ page }) => {
    await register(page, uniqueUser("dbl"), PASSWORD, "/s/noodle-bar");
    await page.fill('input[name="amount"]', "30");
    const button = main(page).getByRole("button", { name: "下单并支付" });
    await button.dblclick();
    await page.waitForURL(/\/pay\/FL/);
    await main(page).getByRole("button", { name: "确认支付（模拟）" }).dblclick();
    await page.waitForURL(/\/orders\/FL/);
    await page.goto("/me");
    await expect(page.getByTestId("waiting-entries").locator("li")).toHaveCount(1);
    // ¥30 at the noodle bar (30% rebate, 25% of it as points): 225 points, once.
    await expect(page.getByTestId("points-locked")).toContainText("225");
  });

  test("an unknown store is a clear 404", async ({ page }) => {
    const res = await page.goto("/s/no-such-store");
    expect(res?.status()).toBe(404);
    await expect(page.locator("body")).toContainText(/找不到|不存在/);
  });

  test("a taken name and a wrong password", async ({ page }) => {
    await page.goto("/register");
    await page.fill('input[name="identifier"]', "demo");
    await page.fill('input[name="password"]', PASSWORD);
    await page.fill('input[name="confirm"]', PASSWORD);
    await main(page).locator('button[type="submit"]').click();
    const identifier = page.locator('input[name="identifier"]');
    await expect(identifier).toHaveAttribute("aria-invalid", "true");
    await expect(main(page)).toContainText("已被注册");

    await page.goto("/login");
    await page.fill('input[name="identifier"]', "demo");
    await page.fill('input[name="password"]', "not-the-password");
    await main(page).locator('button[type="submit"]').click();
    await expect(main(page)).toContainText("用户名或密码错误");
    await expect(page).toHaveURL(/\/login/);

    // The right password still works afterwards.
    await login(page, "demo", "demo-pass-2026", "/me");
  });
});
