import { expect, test, type Browser, type Page } from "./test";
import { login, main, openStore, orderAndPay, register, uniqueUser } from "./pages";

const PASSWORD = "refund-pass-2026";


/** A new customer who orders and pays once at the store; returns their page and the order number. */
async function customerOrders(browser: Browser, prefix: string, slug: string, yuan: string): Promise<{ page: Page; name: string; orderNo: string }> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const name = uniqueUser(prefix);
  await register(page, name, PASSWORD, `/s/${slug}`);
  const orderNo = await orderAndPay(page, slug, yuan);
  return { page, name, orderNo };
}

// One journey: refunds that the rules allow go through; the others are refused with their reason.
test.describe.configure({ mode: "serial" });

test("refunds: a merchant refunds a waiting order, is refused for a refunded or freed one, and an operator refunds by number with a reason", async ({ browser }) => {
  const ops = await browser.newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  const slug = `refund-${Date.now().toString(36)}`;
  const storeName = `退款小店 ${slug.slice(-5)}`;
  const merchant = await openStore(browser, ops, { slug, name: storeName, owner: "refundshop", password: PASSWORD });
  // A second tab of the merchant's, left open on the order list from before the first refund.
  const staleTab = await merchant.context().newPage();
  // A tab that stays stale: the console's live poll would otherwise re-render it after the refund
  // (as on a phone whose connection dropped, the page keeps the row it showed).
  await staleTab.route("**/api/merchant/live**", (route) => route.abort());

  const rose = await customerOrders(browser, "refrose", slug, "50");

  await test.step("before: rose's ¥50 order waits at the head and its 250 points are locked", async () => {
    await rose.page.goto("/me");
    await expect(rose.page.getByTestId("entry-position")).toHaveText("1");
    await expect(rose.page.getByTestId("points-locked")).toContainText("另有 250 待释放");
  });

  await test.step("the merchant refunds rose's order from /merchant/orders", async () => {
    await staleTab.goto("/merchant/orders");
    await merchant.goto("/merchant/orders");
    const row = merchant.getByTestId(`order-row-${rose.orderNo}`);
    await expect(row).toContainText("已支付");
    await expect(row).toContainText("1 笔：排队中 1");
    await merchant.getByTestId(`refund-table-${rose.orderNo}`).click();
    const dialog = merchant.getByRole("dialog");
    await expect(dialog).toContainText(`退款订单 ${rose.orderNo}？`);
    await expect(dialog).toContainText("退回现金 ¥50.00");
    await expect(dialog).toContainText("取消本单的 1 笔排队");
    await expect(dialog).toContainText("收回本单获得的 250 积分");
    await dialog.locator('textarea[name="reason"]').fill("顾客取消");
    await merchant.getByTestId("confirm-refund").click();
    await expect(merchant.getByTestId("refund-result")).toHaveText(`订单 ${rose.orderNo} 已退款：退回 ¥50.00，取消 1 笔排队，收回 250 积分。`);
    await dialog.getByRole("button", { name: "完成" }).click();
    await expect(row).toContainText("已退款");
    await expect(row).toContainText("已取消 1");
    await expect(merchant.getByTestId(`refund-table-${rose.orderNo}`)).toHaveCount(0);
  });

  await test.step("rose sees the entry cancelled and the points gone, and the order page says 订单已退款", async () => {
    await rose.page.goto("/me");
    await expect(rose.page.getByText("没有排队中的订单")).toBeVisible();
    await expect(main(rose.page).getByText("已取消", { exact: true })).toHaveCount(1);
    await expect(rose.page.getByTestId("points-available")).toHaveText("0");
    await expect(rose.page.getByTestId("points-locked")).toContainText("另有 0 待释放");
    await expect(rose.page.getByTestId("history")).toContainText("订单退款：顾客取消");
    await expect(rose.page.getByTestId("wallet-balance")).toHaveText("¥0.00");

    await rose.page.goto(`/orders/${rose.orderNo}`);
    await expect(rose.page.getByRole("heading", { name: "订单已退款" })).toBeVisible();
    await expect(rose.page.getByTestId("order-entries")).toContainText("已取消");
  });

  await test.step("refunding it again from the stale tab is refused with the reason, and nothing changes", async () => {
    await staleTab.getByTestId(`refund-table-${rose.orderNo}`).click();
    await expect(staleTab.getByTestId("refund-refused")).toContainText(`订单 ${rose.orderNo} 已经退款，不能重复退款`);
    await expect(staleTab.getByTestId("confirm-refund")).toHaveCount(0);
    await expect(staleTab.getByTestId("refund-result")).toHaveCount(0);
    await staleTab.close();

    await rose.page.goto("/me");
    await expect(rose.page.getByTestId("points-available")).toHaveText("0");
    await expect(rose.page.getByTestId("points-locked")).toContainText("另有 0 待释放");
    // One refund posting, not two.
    await expect(rose.page.getByTestId("history").locator("li").filter({ hasText: "订单退款" })).toHaveCount(1);
    await rose.page.close();
  });

  // Pool now ¥0. Paul's ¥10 (pool ¥1.30) waits at the head; Quinn's ¥100 adds ¥13.00 and the
  // automatic drain pays Paul's entry, leaving ¥4.30 against Quinn's ¥100 entry.
  const paul = await customerOrders(browser, "refpaul", slug, "10");
  const quinn = await customerOrders(browser, "refquinn", slug, "100");

  await test.step("an order whose entry was already paid is refused with the reason, and nothing changes", async () => {
    await expect(async () => {
      await paul.page.goto("/me");
      await expect(paul.page.getByTestId("wallet-balance")).toHaveText("¥10.00", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(paul.page.getByTestId("points-locked")).toContainText("另有 50 待释放");

    await merchant.goto("/merchant/orders");
    const row = merchant.getByTestId(`order-row-${paul.orderNo}`);
    await expect(row).toContainText("1 笔：已免单 1");
    await merchant.getByTestId(`refund-table-${paul.orderNo}`).click();
    const dialog = merchant.getByRole("dialog");
    // Eligibility is checked first: the dialog says why, and offers no refund button that would fail.
    await expect(merchant.getByTestId("refund-refused")).toHaveText(`这笔订单不能退款订单 ${paul.orderNo} 已有 1 笔排队免单到账，不能退款`);
    await expect(merchant.getByTestId("confirm-refund")).toHaveCount(0);
    await expect(dialog.getByRole("button", { name: "关闭" })).toBeFocused();
    await dialog.getByRole("button", { name: "关闭" }).click();

    // The operator's order page checks the same way: the reason, and no refund form.
    await ops.goto(`/operator/orders?no=${paul.orderNo}`);
    await expect(ops.getByTestId("refund-refused")).toHaveText(`这笔订单不能退款订单 ${paul.orderNo} 已有 1 笔排队免单到账，不能退款`);
    await expect(ops.getByTestId("confirm-refund")).toHaveCount(0);

    await merchant.reload();
    await expect(row).toContainText("已支付");
    await paul.page.reload();
    await expect(paul.page.getByTestId("wallet-balance")).toHaveText("¥10.00");
    await expect(paul.page.getByTestId("points-locked")).toContainText("另有 50 待释放");
    await expect(paul.page.getByTestId("history")).not.toContainText("订单退款");
    await paul.page.close();
  });

  // Sara's ¥20 joins behind Quinn's ¥100: the pool (¥6.90) holds her order's ¥2.60 but not Quinn's ¥13.00.
  const sara = await customerOrders(browser, "refsara", slug, "20");

  await test.step("an order whose pool share already freed others is refunded in full: the store's settlement covers the difference", async () => {
    await ops.goto(`/operator/orders`);
    await ops.getByTestId("order-no").fill(quinn.orderNo.toLowerCase());
    await main(ops).getByRole("button", { name: "查找" }).click();
    await ops.waitForURL(/\/operator\/orders\?no=/);
    await expect(ops.getByTestId("order-status")).toHaveText("已支付");
    await ops.getByTestId("refund-reason").fill("顾客投诉");
    await ops.getByTestId("confirm-refund").click();
    await expect(ops.getByTestId("refund-result")).toHaveText(`订单 ${quinn.orderNo} 已退款：退回 ¥100.00，取消 1 笔排队，收回 500 积分。`);
    // The pool held ¥6.90 of the ¥13.00 share.
    await expect(ops.getByTestId("refund-shortfall")).toHaveText("奖池已不足以退回本单的入池部分，商家结算补足了 ¥6.10。");
    await expect(ops.getByTestId("order-status")).toHaveText("已退款");
    // The worker asks the (simulated) provider after commit; the record then says the cash is back.
    await expect(async () => {
      await ops.reload();
      await expect(ops.getByTestId("refund-status")).toHaveText("已退回", { timeout: 1000 });
    }).toPass({ timeout: 20_000 });

    await quinn.page.goto("/me");
    await expect(quinn.page.getByText("没有排队中的订单")).toBeVisible();
    await expect(quinn.page.getByTestId("points-locked")).toContainText("另有 0 待释放");
    await quinn.page.goto(`/orders/${quinn.orderNo}`);
    await expect(quinn.page.getByRole("heading", { name: "订单已退款" })).toBeVisible();
    await expect(quinn.page.getByTestId("refund-state")).toHaveText("退款 ¥100.00 已退回你的支付账户。");
    await quinn.page.close();
  });

  await test.step("the operator refunds sara's order by its number, with a required reason", async () => {
    await ops.goto(`/operator/orders?no=${sara.orderNo}`);
    await expect(ops.getByTestId("order-detail")).toContainText(storeName);
    await expect(ops.getByTestId("order-detail")).toContainText(sara.name);
    // No reason: the form does not submit, and the order stays paid.
    const reason = ops.getByTestId("refund-reason");
    await expect(reason).toHaveAttribute("required", "");
    await ops.getByTestId("confirm-refund").click();
    expect(await reason.evaluate((el: HTMLTextAreaElement) => el.validity.valueMissing)).toBe(true);
    await expect(ops.getByTestId("refund-result")).toHaveCount(0);
    await expect(ops.getByTestId("order-status")).toHaveText("已支付");

    await reason.fill("重复下单");
    await ops.getByTestId("confirm-refund").click();
    await expect(ops.getByTestId("refund-result")).toHaveText(`订单 ${sara.orderNo} 已退款：退回 ¥20.00，取消 1 笔排队，收回 100 积分。`);
    // Quinn's refund left the pool empty: the whole ¥2.60 share comes from the store's settlement.
    await expect(ops.getByTestId("refund-shortfall")).toHaveText("奖池已不足以退回本单的入池部分，商家结算补足了 ¥2.60。");
    await expect(ops.getByTestId("order-status")).toHaveText("已退款");
    await expect(ops.getByTestId("order-entries")).toContainText("已取消");
    await expect(ops.getByTestId("refund-record")).toContainText("重复下单");
    await expect(ops.getByTestId("refund-record")).toContainText("运营");
    await expect(ops.getByTestId("refund-record")).toContainText("¥20.00");

    await sara.page.goto("/me");
    await expect(sara.page.getByText("没有排队中的订单")).toBeVisible();
    await expect(main(sara.page).getByText("已取消", { exact: true })).toHaveCount(1);
    await expect(sara.page.getByTestId("points-locked")).toContainText("另有 0 待释放");
    await expect(sara.page.getByTestId("history")).toContainText("订单退款：重复下单");
    await sara.page.goto(`/orders/${sara.orderNo}`);
    await expect(sara.page.getByRole("heading", { name: "订单已退款" })).toBeVisible();
    await sara.page.close();
  });

  await test.step("the merchant's order list shows both refunds", async () => {
    await merchant.goto("/merchant/orders");
    await expect(merchant.getByTestId(`order-row-${rose.orderNo}`)).toContainText("已退款");
    await expect(merchant.getByTestId(`order-row-${sara.orderNo}`)).toContainText("已退款");
    await expect(merchant.getByTestId(`order-row-${paul.orderNo}`)).toContainText("已支付");
    await expect(merchant.getByTestId(`order-row-${quinn.orderNo}`)).toContainText("已退款");
  });

  await merchant.context().close();
  await ops.close();
});
