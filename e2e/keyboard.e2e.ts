import { expect, test, type Locator, type Page } from "./test";
import { APPLICATION, main, orderAndPay, register, uniqueUser } from "./pages";

const PASSWORD = "keyboard-pass-2026";

// The journeys again, with the keyboard alone: Tab and Shift+Tab to move, Enter and Space to act,
// typing into the field that has focus. No clicks and no fill(); a page is only opened by address
// where a person would type it or scan it (a QR code, a bookmark).

/** True when the element has focus and shows it (an outline or a focus ring). */
async function focusedVisibly(target: Locator): Promise<boolean> {
  return target.evaluate((el) => {
    if (el !== document.activeElement) return false;
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
    return outline || s.boxShadow !== "none";
  });
}

/**
 * Presses Tab (or Shift+Tab) until `target` has focus, then checks that the focus can be seen.
 * Fails if the target cannot be reached within `max` presses.
 */
async function tabTo(page: Page, target: Locator, { back = false, max = 80 } = {}): Promise<void> {
  await expect(target).toBeVisible();
  for (let i = 0; i <= max; i++) {
    const focused = await target.evaluate((el) => el === document.activeElement);
    if (focused) {
      expect(await focusedVisibly(target), "the focused element shows a visible focus indicator").toBe(true);
      return;
    }
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  throw new Error(`could not reach ${target} with ${back ? "Shift+Tab" : "Tab"} in ${max} presses`);
}

/** Tabs to a field and types into it. */
async function typeInto(page: Page, field: Locator, text: string): Promise<void> {
  await tabTo(page, field);
  // Replaces what the field holds (the store link is suggested from the name as it is typed).
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(text);
}

async function keyboardRegister(page: Page, username: string, next: string): Promise<void> {
  await page.goto(`/register?next=${encodeURIComponent(next)}`);
  await typeInto(page, page.locator('input[name="identifier"]'), username);
  await typeInto(page, page.locator('input[name="password"]'), PASSWORD);
  await typeInto(page, page.locator('input[name="confirm"]'), PASSWORD);
  // The privacy consent is a checkbox: Space ticks it; Enter is sent from the last text field.
  await tabTo(page, page.locator('input[name="consent"]'));
  await page.keyboard.press("Space");
  await tabTo(page, page.locator('input[name="confirm"]'), { back: true });
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname === next);
}

async function keyboardLogin(page: Page, username: string, password: string, next: string): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await typeInto(page, page.locator('input[name="identifier"]'), username);
  await typeInto(page, page.locator('input[name="password"]'), password);
  await tabTo(page, main(page).locator('button[type="submit"]'));
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname === next);
}

/** Orders at the store page the customer is on, pays on the simulated provider, lands on the result. */
async function keyboardOrder(page: Page, yuan: string): Promise<void> {
  await typeInto(page, main(page).locator('input[name="amount"]'), yuan);
  await tabTo(page, main(page).getByRole("button", { name: "下单并支付" }));
  await page.keyboard.press("Space");
  // The pay step replaces the form, and the focus moves to its heading.
  await expect(main(page).getByTestId("pay-here").getByRole("heading", { name: "确认支付" })).toBeFocused();
  await tabTo(page, main(page).getByRole("button", { name: "确认支付（模拟）" }));
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/orders\/FL/);
  await expect(page.getByRole("heading", { name: "支付成功" })).toBeVisible();
}

test.describe.configure({ mode: "serial" });

test("keyboard only: a store opens, its merchant sets a rule, a customer orders, leaves, is freed and withdraws, an operator pays", async ({ browser }) => {
  // Four people's journeys in one test, each key press a round trip: give it the room of four.
  test.setTimeout(240_000);
  const slug = `kbd-${Date.now().toString(36)}`;
  const storeName = `键盘小店 ${slug.slice(-5)}`;
  const ops = await browser.newPage();
  const merchant = await browser.newPage();
  const customer = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const customerName = uniqueUser("kbdcust");

  await test.step("a shop owner applies for a store", async () => {
    await keyboardRegister(merchant, uniqueUser("kbdshop"), "/apply");
    await typeInto(merchant, merchant.locator('input[name="name"]'), storeName);
    await typeInto(merchant, merchant.locator('input[name="slug"]'), slug);
    for (const [field, value] of Object.entries(APPLICATION)) await typeInto(merchant, merchant.locator(`input[name="${field}"]`), value);
    await tabTo(merchant, main(merchant).getByRole("button", { name: "提交申请" }));
    await merchant.keyboard.press("Enter");
    await expect(merchant.getByTestId("application-status")).toContainText("审核中");
  });

  await test.step("an operator approves the application", async () => {
    await keyboardLogin(ops, "ops", "operator-pass-2026", "/operator/merchants");
    await tabTo(ops, ops.getByTestId(`application-${slug}`).getByRole("button", { name: "通过" }));
    await ops.keyboard.press("Enter");
    // It asks first; the confirming button has the focus.
    await expect(ops.getByTestId(`approve-${slug}-confirm`)).toBeFocused();
    await ops.keyboard.press("Enter");
    await expect(ops.getByTestId(`merchant-${slug}`)).toContainText("已通过");
  });

  await test.step("the merchant lowers the queue threshold to ¥5 in the settings", async () => {
    await merchant.goto("/merchant/settings");
    const threshold = merchant.locator('input[name="minOrderFen"]');
    await tabTo(merchant, threshold);
    await merchant.keyboard.press("ControlOrMeta+A");
    await merchant.keyboard.type("5");
    // Enter in a field asks first too, with the change; Enter again confirms.
    await merchant.keyboard.press("Enter");
    await expect(merchant.getByTestId("rules-effect")).toContainText("¥5.00");
    await expect(merchant.getByTestId("save-rules-confirm")).toBeFocused();
    await merchant.keyboard.press("Enter");
    await expect(main(merchant)).toContainText("已保存为第");
  });

  await test.step("a customer registers, orders ¥100 and ¥20, and sees their places", async () => {
    await keyboardRegister(customer, customerName, `/s/${slug}`);
    await keyboardOrder(customer, "100");
    await expect(customer.getByTestId("order-entries")).toContainText("第 1 位");
    // Back up to the top bar and open 我的.
    await tabTo(customer, customer.getByRole("link", { name: "我的", exact: true }), { back: true });
    await customer.keyboard.press("Enter");
    await customer.waitForURL("**/me");
    await customer.goto(`/s/${slug}`);
    await keyboardOrder(customer, "20");
    await expect(customer.getByTestId("order-entries")).toContainText("第 2 位");
  });

  await test.step("the customer leaves the ¥20 entry from the dialog", async () => {
    // Four pages share one headless browser; only the one in front is "visible", and /me's live
    // queue pauses its polling in a hidden tab (by design). A person looks at the page they use.
    await customer.bringToFront();
    await customer.goto("/me");
    await expect(customer.getByTestId("entry-position")).toHaveText(["1", "2"]);
    const entry = customer.getByTestId("waiting-entries").locator("li").filter({ hasText: "¥20.00" });
    await tabTo(customer, entry.getByRole("button", { name: "退出排队" }));
    await customer.keyboard.press("Enter");
    // floor(¥20 × 10%) = 200 points; the dialog opens on 再想想, the safe choice.
    await expect(customer.getByTestId("exit-points")).toHaveText("200");
    await expect(customer.getByTestId("confirm-leave")).toBeEnabled();
    await tabTo(customer, customer.getByTestId("confirm-leave"));
    await customer.keyboard.press("Enter");
    await expect(customer.getByTestId("leave-result")).toBeVisible();
    await tabTo(customer, customer.getByRole("button", { name: "完成" }));
    await customer.keyboard.press("Enter");
    await expect(customer.getByTestId("leave-result")).toBeHidden();
    // The live list drops the entry at once: no reload, and no waiting for the next poll. (A list
    // of texts, so the match waits: a single text fails at once, without retrying, while the
    // locator still finds the two places of a moment before.)
    await expect(customer.getByTestId("entry-position")).toHaveText(["1"], { timeout: 2_000 });
    // Focus lands on the live list, not on the page's body: the next Tab goes on from there.
    await expect(customer.getByTestId("live-list")).toBeFocused();
  });

  await test.step("another customer's ¥700 order frees the ¥100 entry", async () => {
    const other = await browser.newPage();
    await register(other, uniqueUser("kbdother"), PASSWORD, `/s/${slug}`);
    await orderAndPay(other, slug, "700");
    await other.close();
    await expect(async () => {
      await customer.reload();
      await expect(customer.getByTestId("wallet-balance")).toHaveText("¥100.00", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
  });

  await test.step("the customer withdraws ¥60", async () => {
    await tabTo(customer, customer.getByRole("link", { name: "提现与明细" }));
    await customer.keyboard.press("Enter");
    await customer.waitForURL("**/me/wallet");
    // A withdrawal goes to a bound account: bind an Alipay one first, by keyboard too.
    await typeInto(customer, customer.locator('input[name="realName"]'), "张三");
    await typeInto(customer, customer.locator('input[name="alipayAccount"]'), "13812345678");
    await customer.keyboard.press("Enter");
    await expect(customer.getByTestId("bind-alipay-done")).toBeVisible();
    await customer.reload();
    await typeInto(customer, customer.locator('input[name="amount"]'), "60");
    await typeInto(customer, customer.locator('input[name="password"]'), PASSWORD);
    await customer.keyboard.press("Enter");
    await expect(customer.getByTestId("withdraw-done")).toBeVisible();
  });

  await test.step("the operator approves the withdrawal", async () => {
    await ops.goto("/operator/withdrawals");
    const row = ops.getByTestId("pending-withdrawals").locator("tr").filter({ hasText: customerName });
    await tabTo(ops, row.getByRole("button", { name: "批准打款" }));
    await ops.keyboard.press("Enter");
    // The confirming button takes the focus, so the next key press is the decision.
    await tabTo(ops, row.getByRole("button", { name: "确认打款 ¥60.00" }), { max: 0 });
    await ops.keyboard.press("Enter");
    await expect(ops.getByTestId("decision-status")).toContainText("已批准");
  });

  await customer.reload();
  await expect(customer.getByTestId("withdrawal-history")).toContainText("¥60.00");
});
