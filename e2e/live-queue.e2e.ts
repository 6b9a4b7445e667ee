import { expect, test, type Browser } from "./test";
import { login, openStore, orderAndPay, register, uniqueUser } from "./pages";

const PASSWORD = "live-pass-2026";

/** A store of the journey's own (its queue starts empty), opened by a new owner and approved by ops. */
async function newStore(browser: Browser, prefix: string, name: string): Promise<string> {
  const ops = await browser.newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  const slug = `${prefix}-${Date.now().toString(36)}`;
  const merchant = await openStore(browser, ops, { slug, name: `${name} ${slug.slice(-5)}`, owner: `${prefix}shop`, password: PASSWORD });
  await merchant.close();
  await ops.close();
  return slug;
}

// The live queue: /me and the store page follow the queue without a reload. A customer's /me is
// open while another customer's order fills the pool; the drain pays the entry, and the open page
// celebrates the payout and shows the new wallet balance, as the open store page shows the pool.
test("a payout reaches an open /me and store page without a reload", async ({ browser }) => {
  const slug = await newStore(browser, "live", "实时小店");

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

// Leaving from the dialog: the entry leaves the open /me's live list at once, without a reload or
// waiting for the next poll; a poll that set off before the leave and answers after it (so it still
// lists the entry) does not bring it back; and a poll that answers while the dialog shows the
// result takes the entry off the list but leaves the dialog where it is.
test("an entry left from the dialog leaves the live list at once and stays gone", async ({ browser }) => {
  const slug = await newStore(browser, "left", "退出小店");

  const cleo = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await register(cleo, uniqueUser("livecleo"), PASSWORD, `/s/${slug}`);
  await orderAndPay(cleo, slug, "100");
  await orderAndPay(cleo, slug, "20");

  // Hold the first poll's answer: read from the server now, while both entries wait, and delivered
  // only after the customer has left the ¥20 entry.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  await cleo.route("**/api/me/live", async (route) => {
    if (held) return route.continue();
    held = true;
    const stale = await route.fetch();
    await released;
    await route.fulfill({ response: stale });
  });
  // The page in front is the one a person looks at (a hidden tab pauses its polling).
  await cleo.bringToFront();
  const firstPoll = cleo.waitForRequest("**/api/me/live");
  await cleo.goto("/me");
  const positions = cleo.getByTestId("waiting-entries").getByTestId("entry-position");
  await expect(positions).toHaveText(["1", "2"]);
  await firstPoll;

  const entry20 = cleo.getByTestId("waiting-entries").locator("li").filter({ hasText: "¥20.00" });
  await entry20.getByRole("button", { name: "退出排队" }).click();
  await expect(cleo.getByTestId("exit-points")).toHaveText("200");
  await cleo.getByTestId("confirm-leave").click();
  await expect(cleo.getByTestId("leave-result")).toBeVisible();
  await cleo.getByRole("button", { name: "完成" }).click();
  await expect(cleo.getByTestId("leave-result")).toBeHidden();
  // No reload, and the next poll is still held: the page itself took the entry off.
  await expect(positions).toHaveText(["1"], { timeout: 2_000 });

  // The held answer (both entries waiting) arrives now: it is older than what the page shows.
  const staleAnswer = cleo.waitForResponse("**/api/me/live");
  release();
  await staleAnswer;
  // Nothing on the page marks an answer as handled, so give it a moment; the check's second stays
  // well inside the 5 s until the next poll, which would hide an answer that had been taken.
  await cleo.waitForTimeout(500);
  await expect(positions).toHaveText(["1"], { timeout: 1_000 });

  // Leave the ¥100 entry too, and keep the result open until the next poll has answered.
  await cleo.getByRole("button", { name: "退出排队" }).click();
  await expect(cleo.getByTestId("confirm-leave")).toBeEnabled();
  await cleo.getByTestId("confirm-leave").click();
  await expect(cleo.getByTestId("leave-result")).toBeVisible();
  await cleo.waitForResponse("**/api/me/live", { timeout: 15_000 });
  await expect(cleo.getByText("没有排队中的订单")).toBeVisible();
  await expect(cleo.getByTestId("leave-result")).toBeVisible();
  await cleo.getByRole("button", { name: "完成" }).click();
  await expect(cleo.getByTestId("leave-result")).toBeHidden();
  await expect(cleo.getByText("没有排队中的订单")).toBeVisible();
});
