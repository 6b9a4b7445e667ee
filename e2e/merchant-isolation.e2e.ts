import { expect, test } from "./test";
import { login, orderAndPay, register, uniqueUser } from "./pages";

// Merchant pages take the store from the session, never from the URL or the form: a merchant who
// knows another store's order number still cannot see it, and the queue shows only their own store.
test("merchant X cannot see merchant Y's orders or queue", async ({ browser }) => {
  const shopper = await browser.newPage();
  const name = uniqueUser("iso");
  await register(shopper, name, "isolation-pass-2026", "/s/noodle-bar");
  const orderNo = await orderAndPay(shopper, "noodle-bar", "25");
  await shopper.close();

  // The noodle bar's own merchant sees the order.
  const noodle = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(noodle, "noodle", "merchant-pass-2026", "/merchant/orders");
  await noodle.goto(`/merchant/orders?q=${orderNo}`);
  await expect(noodle.getByTestId(`order-row-${orderNo}`)).toBeVisible();
  await noodle.goto("/merchant/queue");
  await expect(noodle.locator("main")).toContainText(name);
  await noodle.close();

  // The tea house's merchant, searching for that number, finds nothing, and their queue lacks it.
  const tea = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(tea, "tea", "merchant-pass-2026", "/merchant/orders");
  await tea.goto(`/merchant/orders?q=${orderNo}`);
  await expect(tea.getByTestId(`order-row-${orderNo}`)).toHaveCount(0);
  await expect(tea.locator("main")).toContainText("0 笔");
  await tea.goto("/merchant/queue?status=all");
  await expect(tea.locator("main")).not.toContainText(name);
  // Query parameters that name another store or queue are not read at all.
  await tea.goto("/merchant/queue?queueId=2&merchantId=2&slug=noodle-bar&status=all");
  await expect(tea.locator("main")).not.toContainText(name);
  await tea.close();
});
