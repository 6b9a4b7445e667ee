import { expect, test } from "./test";
import { login, openStore, orderAndPay, register, uniqueUser } from "./pages";

const PASSWORD = "live-pass-2026";

// The live queue: /me and the store page follow the queue without a reload. A customer's /me is
// open while another customer's order fills the pool; the drain pays the entry, and the open page
// celebrates the payout and shows the new wallet balance, as the open store page shows the pool.
test("a payout reaches an open /me and store page without a reload", async ({ browser }) => {
  const ops = await browser.newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  const slug = `live-${Date.now().toString(36)}`;
  const merchant = await openStore(browser, ops, { slug, name: `实时小店 ${slug.slice(-5)}`, owner: "liveshop", password: PASSWORD });
  await merchant.close();
  await ops.close();

  const amy = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await register(amy, uniqueUser("liveamy"), PASSWORD, `/s/${slug}`);
  await orderAndPay(amy, slug, "100");
  await amy.goto("/me");
  // Alone in line: the pool's ¥13.00 of the ¥100.00 target is 13% of the way.
  await expect(amy.getByTestId("entry-position")).toHaveText("1");
  await expect(amy.getByTestId("entry-percent")).toContainText("13%");
  await expect(amy.getByTestId("wallet-balance")).toHaveText("¥0.00");

  const watcher = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await watcher.goto(`/s/${slug}`);
  await expect(watcher.getByTestId("pool-gauge")).toContainText("¥13.00");

  const ben = await browser.newPage();
  await register(ben, uniqueUser("liveben"), PASSWORD, `/s/${slug}`);
  // ¥700 brings ¥91.00: the pool holds ¥104.00 and the drain pays amy's ¥100.00, leaving ¥4.00.
  await orderAndPay(ben, slug, "700");
  await ben.close();

  const dialog = amy.getByTestId("payout-dialog");
  await expect(dialog).toBeVisible({ timeout: 30_000 });
  await expect(dialog).toContainText("¥100.00");
  await expect(amy.getByTestId("wallet-balance")).toHaveText("¥100.00");
  await expect(amy.getByText("没有排队中的订单")).toBeVisible();
  await dialog.getByRole("button", { name: "太好了" }).click();
  await expect(dialog).toBeHidden();

  await expect(watcher.getByTestId("pool-gauge")).toContainText("¥4.00", { timeout: 30_000 });
});
