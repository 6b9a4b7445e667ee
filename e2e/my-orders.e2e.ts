import { expect, test, type Page } from "./test";
import { closeDb, scalar } from "./matrix";
import { main, register, uniqueUser } from "./pages";

const PASSWORD = "my-orders-pass-2026";
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

const WORDS = {
  "zh-CN": {
    tab: "订单",
    title: "我的订单",
    empty: "还没有订单",
    order: "下单并支付",
    confirm: "确认支付（模拟）",
    cancel: "取消订单",
    pay: "去支付",
    left: /请在 1[45]:\d\d 内支付/,
    status: { pending: "待支付", paid: "已支付", cancelled: "已取消", expired: "已过期" },
    filters: { closed: "已关闭", all: "全部", paid: "已支付" },
    paidHeading: "支付成功",
    cancelledHeading: "订单已取消",
    older: "更早的订单",
    newest: "回到最新",
    emptyFiltered: "没有这类订单",
    points: "待释放",
  },
  "en-US": {
    tab: "Orders",
    title: "My orders",
    empty: "No orders yet",
    order: "Place order and pay",
    confirm: "Confirm payment (simulated)",
    cancel: "Cancel this order",
    pay: "Pay",
    left: /Pay within 1[45]:\d\d/,
    status: { pending: "To pay", paid: "Paid", cancelled: "Cancelled", expired: "Expired" },
    filters: { closed: "Closed", all: "All", paid: "Paid" },
    paidHeading: "Payment received",
    cancelledHeading: "Order cancelled",
    older: "Older orders",
    newest: "Back to newest",
    emptyFiltered: "No orders like this",
    points: "locked",
  },
} as const;

test.afterAll(closeDb);

const card = (p: Page, orderNo: string) => main(p).locator(`[data-testid="order-card"][data-order-no="${orderNo}"]`);

/** Starts an order at the tea house and leaves it unpaid at its pay step; returns its number. */
async function leaveUnpaid(p: Page, words: (typeof WORDS)[keyof typeof WORDS], yuan: string): Promise<string> {
  await p.goto("/s/tea-house");
  await p.fill('input[name="amount"]', yuan);
  await main(p).getByRole("button", { name: words.order }).click();
  return (await main(p).getByTestId("pay-here-order-no").innerText()).trim();
}

for (const [locale, words] of Object.entries(WORDS) as [keyof typeof WORDS, (typeof WORDS)[keyof typeof WORDS]][]) {
  test(`my orders on a phone (${locale}): empty, a pending order left unpaid found and paid on its pay page, another cancelled, receipts, paging`, async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ ...PHONE, locale });
    const p = await context.newPage();
    const username = uniqueUser("myord");
    await register(p, username, PASSWORD, "/");

    // The 订单 tab opens My orders: nothing yet.
    const tabs = p.getByTestId("tab-bar");
    await tabs.getByRole("link", { name: words.tab, exact: true }).click();
    await p.waitForURL("**/orders");
    await expect(tabs.getByRole("link", { name: words.tab, exact: true })).toHaveAttribute("aria-current", "page");
    await expect(main(p).getByRole("heading", { name: words.title })).toBeVisible();
    await expect(main(p).getByText(words.empty)).toBeVisible();

    // An order left unpaid is found in the list, with its time left, and paid from there.
    const first = await leaveUnpaid(p, words, "38.00");
    await tabs.getByRole("link", { name: words.tab, exact: true }).click();
    await p.waitForURL("**/orders");
    await expect(card(p, first).getByTestId("order-status")).toHaveText(words.status.pending);
    await expect(card(p, first).getByTestId("countdown")).toHaveText(words.left);
    await card(p, first).getByRole("link", { name: words.pay, exact: true }).click();
    await p.waitForURL(`**/pay/${first}`);
    await main(p).getByRole("button", { name: words.confirm }).click();
    await p.waitForURL(`**/orders/${first}`);
    await expect(p.getByRole("heading", { name: words.paidHeading })).toBeVisible();
    // The receipt: its entries and its points.
    await expect(p.getByTestId("order-entries").locator("li")).not.toHaveCount(0);
    await expect(p.getByTestId("points-earned")).toContainText(words.points);

    // A second order left unpaid, cancelled from the list: nothing charged.
    const second = await leaveUnpaid(p, words, "12.50");
    await p.goto("/orders");
    await expect(card(p, second).getByTestId("order-status")).toHaveText(words.status.pending);
    await card(p, second).getByRole("button", { name: words.cancel }).click();
    await p.waitForURL(`**/orders/${second}`);
    await expect(p.getByRole("heading", { name: words.cancelledHeading })).toBeVisible();

    // Newest first, each in its state; the filters narrow the list.
    await p.goto("/orders");
    const cards = main(p).getByTestId("order-card");
    await expect(cards).toHaveCount(2);
    await expect(cards.nth(0)).toHaveAttribute("data-order-no", second);
    await expect(cards.nth(0).getByTestId("order-status")).toHaveText(words.status.cancelled);
    await expect(cards.nth(1).getByTestId("order-status")).toHaveText(words.status.paid);
    await main(p).getByRole("link", { name: words.filters.paid, exact: true }).click();
    await p.waitForURL("**/orders?status=paid");
    await expect(cards).toHaveCount(1);
    await expect(cards.nth(0)).toHaveAttribute("data-order-no", first);
    await p.goto("/orders?status=refunded");
    await expect(main(p).getByText(words.emptyFiltered)).toBeVisible();

    // Paging: 22 older orders (closed long ago) make two pages of 20, then 4.
    await scalar(
      `insert into orders (order_no, customer_id, merchant_id, queue_id, rule_version_id, amount_fen, points_used, cash_fen,
                           rebate_fen, platform_fee_fen, points_earned, pool_fen, status, idempotency_key, request_hash, provider,
                           created_at, closed_at)
       select 'FL000000' || translate(lpad(($2::int * 100 + g)::text, 8, '0'), '01', 'AB'), o.customer_id, o.merchant_id, o.queue_id,
              o.rule_version_id, o.amount_fen, 0, o.cash_fen, o.rebate_fen, o.platform_fee_fen, o.points_earned, o.pool_fen, 'expired',
              'paging-' || g, o.request_hash, o.provider, now() - interval '2 days' - g * interval '1 minute', now() - interval '2 days'
       from orders o, generate_series(1, 22) g where o.order_no = $1`,
      [first, locale === "zh-CN" ? 1 : 2],
    );
    await p.goto("/orders");
    await expect(cards).toHaveCount(20);
    await expect(cards.nth(2).getByTestId("order-status")).toHaveText(words.status.expired);
    await main(p).getByRole("link", { name: words.older }).click();
    await p.waitForURL(/before=FL/);
    await expect(cards).toHaveCount(4);
    await expect(main(p).getByRole("link", { name: words.older })).toHaveCount(0);
    await main(p).getByRole("link", { name: words.newest }).click();
    await expect(cards).toHaveCount(20);

    // Nothing overflows the phone's width.
    expect(await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await context.close();
  });
}
