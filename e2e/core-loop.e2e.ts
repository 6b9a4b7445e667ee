import { expect, test } from "./test";
import { login, logout, main, orderAndPay, register, uniqueUser } from "./pages";

const PASSWORD = "journey-pass-2026";

// One journey, in order: it follows real money through the queue, so its steps share state.
test.describe.configure({ mode: "serial" });

test("order → ledger → queue → pool → payout, in a real browser", async ({ browser }) => {
  const alice = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const bob = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const aliceName = uniqueUser("alice");
  const bobName = uniqueUser("bob");

  await test.step("a customer registers and orders ¥100 at the tea house", async () => {
    await register(alice, aliceName, PASSWORD, "/s/tea-house");
    await orderAndPay(alice, "tea-house", "100");
    // ¥100 at the defaults: 500 points, one ¥100 entry at the head of an empty queue.
    await expect(alice.getByTestId("points-earned")).toContainText("500");
    await expect(alice.getByTestId("order-entries")).toContainText("第 1 位");
    await expect(alice.getByRole("note")).toContainText("不保证免单");
    await alice.goto("/me");
    await expect(alice.getByTestId("entry-position").first()).toHaveText("1");
    await expect(alice.getByTestId("wallet-balance")).toHaveText("¥0.00");
  });

  await test.step("another customer's orders fill the pool, and the queue drains automatically", async () => {
    await register(bob, bobName, PASSWORD, "/s/tea-house");
    // ¥700: ¥91.00 reaches the pool, which then holds ¥104.00 against alice's ¥100 target.
    await orderAndPay(bob, "tea-house", "700");
    await expect(bob.getByTestId("order-entries").locator("li")).toHaveCount(7);
    await alice.goto("/me");
    await expect(async () => {
      await alice.reload();
      await expect(alice.getByTestId("wallet-balance")).toHaveText("¥100.00", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(alice.getByTestId("history")).toContainText("排队免单到账");
    await expect(alice.getByText("没有排队中的订单")).toBeVisible();
  });

  await test.step("the merchant sees the queue", async () => {
    const merchant = await browser.newPage();
    await login(merchant, "tea", "merchant-pass-2026", "/merchant/queue");
    // Bob's seven ¥100 units wait; the pool holds ¥4.00 after paying alice.
    await expect(main(merchant)).toContainText(bobName);
    await expect(main(merchant).locator("tbody tr")).toHaveCount(7);
    await expect(main(merchant)).toContainText("¥4.00");
    await merchant.close();
  });

  await test.step("an operator runs a manual-mode payout", async () => {
    // The book cafe pays out by hand. Alice's ¥20 entry is at its head; bob's ¥200 fills the pool.
    await orderAndPay(alice, "book-cafe", "20");
    await orderAndPay(bob, "book-cafe", "200");
    await alice.goto("/me");
    await expect(alice.getByTestId("wallet-balance")).toHaveText("¥100.00");

    const ops = await browser.newPage();
    await login(ops, "ops", "operator-pass-2026", "/operator/payouts");
    // The ready queues' row (the confirmation dialog's list names the store too).
    const row = main(ops).locator('[data-testid^="ready-queue-"]').filter({ hasText: "拾页书咖" });
    await expect(row).toBeVisible();
    await row.getByRole("button", { name: "运行派发" }).click();
    // It asks first, with what the pool pays now.
    const dialog = ops.getByRole("dialog").filter({ has: ops.getByRole("button", { name: "确认派发 ¥20.00" }) });
    await expect(dialog.getByTestId("payout-effect")).toContainText("共 ¥20.00");
    await dialog.getByRole("button", { name: "确认派发 ¥20.00" }).click();
    await expect(main(ops).getByRole("status")).toContainText("¥20.00");
    await ops.close();

    await alice.reload();
    await expect(alice.getByTestId("wallet-balance")).toHaveText("¥120.00");
  });

  await logout(alice);
});
