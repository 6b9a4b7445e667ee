import { expect, test, type Browser, type Page } from "./test";
import { login, openStore, orderAndPay, register, uniqueUser } from "./pages";

// Issue 14 §6: a withdrawal reaches the customer's bound account. The customer binds an Alipay
// account, asks for a withdrawal, an operator approves it seeing the account masked, and the job
// runner beside the e2e server (the simulated dev provider) pays it: the customer sees "paid". A
// second one goes to an address on `.invalid`, which the dev provider refuses as a real provider
// refuses an unknown payee: the customer sees the reason and gets the money back.

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const PASSWORD = "payout-pass-2026";

type Words = {
  lang: "zh-CN" | "en";
  noAccount: string;
  realName: string;
  alipayAccount: string;
  bind: string;
  change: string;
  amount: string;
  password: string;
  withdraw: string;
  approve: string;
  approved: string;
  requested: string;
  paid: string;
  failed: string;
  failReason: string;
  name: string;
  maskedName: string;
};

const WORDS: Record<"zh-CN" | "en", Words> = {
  "zh-CN": {
    lang: "zh-CN",
    noAccount: "请先在下方绑定收款账户再提现",
    realName: "真实姓名",
    alipayAccount: "支付宝账户",
    bind: "绑定支付宝账户",
    change: "更换支付宝账户",
    amount: "提现金额（元）",
    password: "登录密码",
    withdraw: "申请提现",
    approve: "批准打款",
    approved: "已批准",
    requested: "审核中",
    paid: "已打款",
    failed: "打款失败，已退回钱包",
    failReason: "打款失败：PAYEE_NOT_EXIST",
    name: "张三",
    maskedName: "张*",
  },
  en: {
    lang: "en",
    noAccount: "Bind a payout account first",
    realName: "Real name",
    alipayAccount: "Alipay account",
    bind: "Bind an Alipay account",
    change: "Change Alipay account",
    amount: "Amount (yuan)",
    password: "Password",
    withdraw: "Withdraw",
    approve: "Approve",
    approved: "approved",
    requested: "Under review",
    paid: "Paid",
    failed: "Not paid, returned to your wallet",
    failReason: "The transfer failed: PAYEE_NOT_EXIST",
    name: "Li Lei",
    maskedName: "L*****",
  },
};

/** A store of the journey's own, and a customer with ¥100 in their wallet from it (a second customer's order frees the first's entry). */
async function fundedCustomer(browser: Browser, ops: Page, tag: string): Promise<{ page: Page; username: string }> {
  const slug = `${tag}-${Date.now().toString(36)}`;
  const merchant = await openStore(browser, ops, { slug, name: `提现小店 ${slug.slice(-5)}`, owner: `${tag}shop`, password: PASSWORD });
  await merchant.close();
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const username = uniqueUser(tag);
  await register(page, username, PASSWORD, `/s/${slug}`);
  await orderAndPay(page, slug, "100");
  const other = await (await browser.newContext()).newPage();
  await register(other, uniqueUser(`${tag}b`), PASSWORD, `/s/${slug}`);
  await orderAndPay(other, slug, "700");
  await other.context().close();
  await expect(async () => {
    await page.goto("/me/wallet");
    await expect(page.getByTestId("wallet-balance")).toHaveText("¥100.00", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  return { page, username };
}

async function toLanguage(page: Page, w: Words): Promise<void> {
  if (w.lang === "zh-CN") return;
  await page.getByRole("navigation").getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
}

async function bindAlipay(page: Page, w: Words, account: string): Promise<void> {
  const card = page.getByTestId("payout-accounts");
  if (!(await card.getByTestId("bind-alipay-form").isVisible())) await card.getByTestId("bind-alipay-open").click();
  const form = card.getByTestId("bind-alipay-form");
  await form.getByLabel(w.realName).fill(w.name);
  await form.getByLabel(w.alipayAccount).fill(account);
  await form.getByRole("button").click();
  await expect(card.getByTestId("bind-alipay-done")).toBeVisible();
}

async function requestWithdrawal(page: Page, w: Words, yuan: string): Promise<void> {
  const form = page.getByTestId("withdraw-form");
  await form.getByLabel(w.amount).fill(yuan);
  await form.getByLabel(w.password).fill(PASSWORD);
  await form.getByRole("button", { name: w.withdraw, exact: true }).click();
  await expect(form.getByTestId("withdraw-done")).toBeVisible();
}

/** The operator approves the customer's request, seeing where the money goes (masked) before confirming. */
async function approve(ops: Page, w: Words, username: string, yuan: string, masked: string): Promise<void> {
  await ops.goto("/operator/withdrawals");
  const row = ops.getByTestId("pending-withdrawals").locator("tr").filter({ hasText: username });
  await expect(row.locator('[data-testid$="-account"]')).toContainText(masked);
  await row.getByRole("button", { name: w.approve }).click();
  const confirm = row.locator('[data-testid^="confirm-approve-"]');
  await expect(confirm).toContainText(`¥${yuan}`);
  await expect(confirm).toContainText(masked);
  await confirm.click();
  await expect(ops.getByTestId("decision-status")).toContainText(w.approved);
  await expect(ops.getByTestId("decision-status")).toContainText(masked);
}

/** Reloads the wallet until its newest withdrawal has this status (the job runner pays it after the approval commits). */
async function waitForStatus(page: Page, status: string): Promise<void> {
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("withdrawal-history").locator("li").first()).toContainText(status, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
}

for (const w of Object.values(WORDS)) {
  test(`a withdrawal to a bound Alipay account on a phone (${w.lang}): bind, request, approve, paid; and a refused one comes back`, async ({ browser }) => {
    test.setTimeout(240_000);
    const opsContext = await browser.newContext();
    const ops = await opsContext.newPage();
    await login(ops, "ops", "operator-pass-2026", "/operator");
    const { page, username } = await fundedCustomer(browser, ops, w.lang === "en" ? "wden" : "wdzh");
    await toLanguage(page, w);
    await toLanguage(ops, w);

    await test.step("no account yet: the form says to bind one first", async () => {
      await page.goto("/me/wallet");
      await expect(page.getByTestId("withdraw-disabled")).toContainText(w.noAccount);
    });

    await test.step("bind an Alipay account; bad input is refused with a clear message", async () => {
      const form = page.getByTestId("bind-alipay-form");
      await form.getByLabel(w.realName).fill(w.name);
      await form.getByLabel(w.alipayAccount).fill("12345");
      await form.getByRole("button").click();
      await expect(page.locator("#f-alipayAccount-error")).toBeVisible();
      await bindAlipay(page, w, "13812345678");
      await page.reload();
      await expect(page.getByTestId("payout-alipay")).toContainText(`${w.maskedName} · 138****5678`);
      await expect(page.getByTestId("payout-accounts")).not.toContainText("13812345678");
      await expect(page.getByTestId("withdraw-to-alipay")).toContainText("138****5678");
    });

    await test.step("request ¥60: it waits for review, shown with the masked account", async () => {
      await requestWithdrawal(page, w, "60");
      await page.reload();
      await expect(page.getByTestId("wallet-balance")).toHaveText("¥40.00");
      await expect(page.getByTestId("pending-withdrawals")).toHaveText("¥60.00");
      const newest = page.getByTestId("withdrawal-history").locator("li").first();
      await expect(newest).toContainText(w.requested);
      await expect(newest).toContainText("138****5678");
    });

    await test.step("the operator approves, seeing the masked account; the job pays it", async () => {
      await approve(ops, w, username, "60.00", "138****5678");
      await waitForStatus(page, w.paid);
      await expect(page.getByTestId("pending-withdrawals")).toHaveText("¥0.00");
      await expect(page.getByTestId("wallet-balance")).toHaveText("¥40.00");
    });

    await test.step("a transfer the provider refuses: the reason is shown and the money is back", async () => {
      await bindAlipay(page, w, "nobody@example.invalid");
      await page.reload();
      await expect(page.getByTestId("payout-alipay")).toContainText("n***@example.invalid");
      await requestWithdrawal(page, w, "20");
      await approve(ops, w, username, "20.00", "n***@example.invalid");
      await waitForStatus(page, w.failed);
      await expect(page.getByTestId("withdrawal-history").locator("li").first()).toContainText(w.failReason);
      await expect(page.getByTestId("wallet-balance")).toHaveText("¥40.00");
      await expect(page.getByTestId("pending-withdrawals")).toHaveText("¥0.00");
    });
    await page.context().close();
    await opsContext.close();
  });
}
