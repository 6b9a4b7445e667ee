import { expect, test } from "./test";
import { checkA11y } from "./axe";
import { manifestActions, postAction } from "./matrix";
import { E2E_BASE_URL } from "./test-env";
import { main, register, uniqueUser } from "./pages";

const PASSWORD = "pending-order-pass-2026";

test.describe("a pending order", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("shows when it must be paid by, can be left and paid later, or cancelled (nothing charged)", async ({ page }) => {
    await register(page, uniqueUser("pend"), PASSWORD, "/s/tea-house");
    await page.goto("/s/tea-house");
    await page.fill('input[name="amount"]', "18.80");
    await main(page).getByRole("button", { name: "下单并支付" }).click();
    // The pay step comes in place of the form, with the time to pay by.
    const here = main(page).getByTestId("pay-here");
    await expect(here.getByTestId("pay-by")).toContainText("前完成支付");
    await expect(here).toContainText("¥18.80");
    await expect(here.getByRole("heading", { name: "确认支付" })).toBeFocused();
    const payUrl = `/pay/${(await here.getByTestId("pay-here-order-no").innerText()).trim()}`;
    // Drawn without a navigation, so the journeys' axe check after each page load does not see it.
    await checkA11y(page);
    await page.emulateMedia({ colorScheme: "dark" });
    await checkA11y(page, "dark");
    await page.emulateMedia({ colorScheme: null });

    // The confirm's `from` field takes one value: any other is refused with a message, and the order stays unpaid.
    const confirm = manifestActions().find((a) => a.name === "confirmPaymentAction")!;
    const refused = await postAction(page.request, confirm.id, "/s/tea-house", { orderNo: payUrl.split("/").pop()!, from: "elsewhere" }, { origin: E2E_BASE_URL });
    expect(refused.status).toBeLessThan(500);
    expect(refused.body).toContain('"ok":false');
    expect(refused.body).toContain("请刷新页面后重试");

    // Leaving and coming back: the order waits on its pay page, and can still be paid.
    await page.goto("/me");
    await page.goto(payUrl);
    await expect(page.getByTestId("pay-by")).toContainText("前完成支付");
    await expect(main(page).getByRole("button", { name: "确认支付（模拟）" })).toBeVisible();

    await main(page).getByRole("button", { name: "取消订单" }).click();
    await page.waitForURL(/\/orders\/FL/);
    await expect(page.getByRole("heading", { name: "订单已取消" })).toBeVisible();
    await expect(page.getByTestId("order-closed")).toContainText("未扣款");
    // A cancelled order's pay page sends the customer to the order instead.
    await page.goto(payUrl);
    await page.waitForURL(/\/orders\/FL/);
  });
});
