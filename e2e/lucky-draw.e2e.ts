import { expect, test } from "./test";
import { login, main, openStore, orderAndPay, register, uniqueUser } from "./pages";

const PASSWORD = "draw-pass-2026";


// One journey: a draw pays an entry behind a head the pool cannot cover, and everyone sees it as a draw.
test.describe.configure({ mode: "serial" });

test("lucky draw: among the entries the pool covers, one is drawn, paid, and marked as a draw everywhere", async ({ browser }) => {
  const ops = await browser.newPage();
  await login(ops, "ops", "operator-pass-2026", "/operator");
  const slug = `draw-${Date.now().toString(36)}`;
  const storeName = `抽奖小店 ${slug.slice(-5)}`;
  const merchant = await openStore(browser, ops, { slug, name: storeName, owner: "drawshop", password: PASSWORD });

  const headName = uniqueUser("drawhead");
  const luckyName = uniqueUser("drawlucky");
  const bigName = uniqueUser("drawbig");
  const lucky = await browser.newPage({ viewport: { width: 390, height: 844 } });

  await test.step("orders fill the pool with ¥19.50: enough for the two ¥10 entries, not the ¥100 head or a ¥30 entry", async () => {
    // Default rates: 13% of each order's cash reaches the pool; the store pays out automatically,
    // but FIFO never skips the ¥100 head, so nothing is paid before the draw.
    const head = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await register(head, headName, PASSWORD, `/s/${slug}`);
    await orderAndPay(head, slug, "100"); // ¥13.00 to the pool, entry 1: ¥100
    await head.close();

    await register(lucky, luckyName, PASSWORD, `/s/${slug}`);
    await orderAndPay(lucky, slug, "10"); // ¥1.30, entry 2: ¥10
    await orderAndPay(lucky, slug, "10"); // ¥1.30, entry 3: ¥10

    const big = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await register(big, bigName, PASSWORD, `/s/${slug}`);
    await orderAndPay(big, slug, "30"); // ¥3.90, entry 4: ¥30
    await big.close();

    await lucky.goto("/me");
    await expect(lucky.getByTestId("waiting-entries").locator("li")).toHaveCount(2);
    await expect(lucky.getByTestId("wallet-balance")).toHaveText("¥0.00");

    await merchant.goto("/merchant/queue");
    await expect(merchant.getByTestId("waiting-count")).toHaveText("4");
    await expect(merchant.getByTestId("queue-gauge")).toContainText("¥19.50");
    await expect(merchant.getByTestId("queue-gauge")).toContainText("还差 ¥80.50");
  });

  let randomHex = "";
  await test.step("the operator picks the store's queue and sees 2 candidates out of 4 waiting", async () => {
    await ops.goto("/operator/draw");
    const row = ops.getByTestId("draw-queues").locator("tr").filter({ hasText: storeName });
    await expect(row).toHaveCount(1);
    await row.getByRole("link", { name: "选择" }).click();
    await ops.waitForURL(/\/operator\/draw\?queue=\d+/);
    await expect(ops.getByTestId("draw-figures")).toHaveText("奖池 ¥19.50 · 候选 2 笔（共 ¥20.00）· 排队 4 笔");
  });

  await test.step("the draw asks for confirmation, then shows the entry, customer, amount, candidates and random value", async () => {
    await ops.getByTestId("draw-start").click();
    await expect(ops.getByTestId("draw-confirm")).toContainText("2 笔候选条目");
    await expect(ops.getByTestId("draw-confirm")).toContainText("¥19.50");
    await ops.getByTestId("draw-confirm-button").click();

    const result = ops.getByTestId("draw-result");
    await expect(result).toBeVisible();
    // Both candidates are the lucky customer's ¥10 entries, at queue positions 2 and 3.
    await expect(result).toContainText(/队列位置 [23] · ¥10\.00/);
    await expect(result).toContainText(storeName);
    await expect(ops.getByTestId("draw-result-customer")).toHaveText(luckyName);
    await expect(ops.getByTestId("draw-result-amount")).toHaveText("¥10.00");
    await expect(ops.getByTestId("draw-result-candidates")).toHaveText("2");
    randomHex = (await ops.getByTestId("draw-result-random").innerText()).trim();
    expect(randomHex).toMatch(/^[0-9a-f]{12}$/);
    // The chosen index is the random value mod the number of candidates, and the record says so.
    const index = Number(BigInt(`0x${randomHex}`) % 2n);
    await expect(result).toContainText(`0x${randomHex} mod 2 = ${index}`);
  });

  await test.step("the draw is in the draw history, and the pool no longer covers any waiting entry", async () => {
    await ops.goto("/operator/draw");
    const line = ops.getByTestId("draw-history").locator("tr").filter({ hasText: randomHex });
    await expect(line).toHaveCount(1);
    await expect(line).toContainText(storeName);
    await expect(line).toContainText(luckyName);
    await expect(line).toContainText("¥10.00");
    // Pool ¥9.50 now: the other ¥10 entry no longer fits, so the queue has no candidates.
    const row = ops.getByTestId("draw-queues").locator("tr").filter({ hasText: storeName });
    await row.getByRole("link", { name: "选择" }).click();
    await expect(ops.getByTestId("draw-figures")).toHaveText("奖池 ¥9.50 · 候选 0 笔（共 ¥0.00）· 排队 3 笔");
    await expect(ops.getByTestId("draw-start")).toBeDisabled();
  });

  await test.step("the drawn customer sees 抽奖免单 and ¥10.00 in the wallet", async () => {
    await lucky.goto("/me");
    await expect(lucky.getByTestId("wallet-balance")).toHaveText("¥10.00");
    await expect(main(lucky).getByText("抽奖免单", { exact: true })).toHaveCount(1);
    await expect(lucky.getByTestId("waiting-entries").locator("li")).toHaveCount(1);
    await expect(lucky.getByTestId("history")).toContainText("幸运抽奖免单到账");
  });

  await test.step("the merchant's queue shows the entry as 抽奖免单, and the others still waiting", async () => {
    await merchant.goto("/merchant/queue?status=all");
    const table = merchant.getByTestId("queue-table");
    await expect(table.locator("tbody tr")).toHaveCount(4);
    const drawn = table.locator("tbody tr").filter({ hasText: "抽奖免单" });
    await expect(drawn).toHaveCount(1);
    await expect(drawn).toContainText(luckyName);
    await expect(drawn).toContainText("¥10.00");
    await expect(table.locator("tbody tr").filter({ hasText: "排队中" })).toHaveCount(3);
    await expect(merchant.getByTestId("entry-row-1")).toContainText(headName);
    await expect(merchant.getByTestId("entry-row-1")).toContainText("排队中");
    await expect(merchant.getByTestId("waiting-count")).toHaveText("3");
  });

  await test.step("the payout is in the operator's payouts history, marked 抽奖", async () => {
    await ops.goto("/operator/payouts");
    const rows = ops.getByTestId("payout-history").locator("tbody tr").filter({ hasText: luckyName });
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText("¥10.00");
    await expect(rows).toContainText("抽奖");
  });

  await lucky.close();
  await merchant.close();
  await ops.close();
});

test("a customer gets 403 on /operator/draw", async ({ browser }) => {
  const customer = await browser.newPage();
  await register(customer, uniqueUser("drawnosy"), PASSWORD);
  expect((await customer.goto("/operator/draw"))?.status()).toBe(403);
  await customer.close();
});
