import { expect, test } from "./test";
import { login, main, openStore, register, uniqueUser } from "./pages";
import { E2E_BASE_URL } from "./test-env";

const PASSWORD = "points-yuan-pass-2026";
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

// The e2e server releases locked points in full each day (e2e/test-env.ts), so the whole balance is one day's release.
const WORDS = {
  "zh-CN": {
    order: /下单并支付/,
    confirm: /确认支付/,
    lockedNote: "价值 ¥5.00，每天释放",
    chartTitle: "释放计划：未来 14 天",
    chartTotal: "按当前待释放余额，这 14 天共释放 500 分（¥5.00）到可用积分。",
    chartAll: /全部待释放积分约在 \d{1,2}月\d{1,2}日 释放完。/,
    chartBar: /^\d{1,2}月\d{1,2}日：500 分（¥5\.00）$/,
    data: "查看每日数据",
    youGet: "退出后你将获得 1000 积分（价值 ¥10.00）",
    left: "已退出排队，1000 积分（价值 ¥10.00）已计入待释放积分。",
    lockedDelta: "待释放 +1000（¥10.00）",
    rulesEach: "可得 1000 积分（¥10.00）补偿",
  },
  en: {
    order: /Place order and pay/,
    confirm: /Confirm payment/,
    lockedNote: "Worth ¥5.00;",
    chartTitle: "Release plan: the next 14 days",
    chartTotal: "At your current locked balance, 500 points (¥5.00) become available over these 14 days.",
    chartAll: /All your locked points are released by about [A-Z][a-z]{2} \d{1,2}\./,
    chartBar: /^[A-Z][a-z]{2} \d{1,2}: 500 points \(¥5\.00\)$/,
    data: "Show the daily figures",
    youGet: "Leave now and you get 1000 points (worth ¥10.00)",
    left: "You have left the queue; 1000 points (worth ¥10.00) were added to your locked points.",
    lockedDelta: "Locked +1000 (¥10.00)",
    rulesEach: "earns 1000 points, worth ¥10.00",
  },
} as const;

for (const [locale, w] of Object.entries(WORDS) as [keyof typeof WORDS, (typeof WORDS)[keyof typeof WORDS]][]) {
  test(`points in ¥ on a phone (${locale}): the release chart, the leave compensation, the history and the rules`, async ({ browser }) => {
    const ops = await browser.newPage();
    await login(ops, "ops", "operator-pass-2026", "/operator");
    const slug = `pts-${locale === "en" ? "en" : "zh"}-${Date.now().toString(36)}`;
    const merchant = await openStore(browser, ops, { slug, name: `积分店 ${slug.slice(-5)}`, owner: "ptsshop", password: PASSWORD });
    await merchant.close();
    await ops.close();

    const context = await browser.newContext({ ...PHONE, locale: locale === "en" ? "en-US" : "zh-CN" });
    await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: E2E_BASE_URL }]);
    const p = await context.newPage();
    await register(p, uniqueUser("ptsy"), PASSWORD, `/s/${slug}`);
    // ¥100 at the defaults: 500 points locked, one ¥100 entry, ¥13.00 in the pool.
    await p.fill('input[name="amount"]', "100");
    await main(p).getByRole("button", { name: w.order }).click();
    await expect(main(p).getByTestId("pay-here")).toBeVisible();
    await main(p).getByRole("button", { name: w.confirm }).click();
    await p.waitForURL(/\/orders\/FL/);

    await test.step("the points page: each balance in ¥, and a chart of what becomes available each day", async () => {
      await p.goto("/me/points");
      await expect(p.getByTestId("points-locked")).toHaveText("500");
      await expect(main(p)).toContainText(w.lockedNote);
      const chart = p.getByTestId("release-chart");
      await expect(chart).toContainText(w.chartTitle);
      await expect(p.getByTestId("release-chart-total")).toHaveText(w.chartTotal);
      await expect(p.getByTestId("release-chart-all")).toHaveText(w.chartAll);
      // The chart is an image with a text alternative; its bars carry their figures too.
      await expect(chart.getByRole("img")).toHaveAttribute("aria-label", /500/);
      await expect(chart.locator("rect title").first()).toHaveText(w.chartBar);
      // The figures as a table, behind a disclosure that works by touch.
      await chart.getByText(w.data).click();
      const rows = p.getByTestId("release-chart-table").locator("tbody tr");
      await expect(rows).toHaveCount(14);
      await expect(rows.first()).toContainText("500");
      await expect(rows.first()).toContainText("¥5.00");
      await expect(rows.nth(1)).toContainText("¥0.00");
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    });

    await test.step("leaving the queue shows its compensation in ¥ before and after", async () => {
      await p.goto("/me");
      await p.getByTestId("waiting-entries").locator('[data-testid^="leave-"]').first().click();
      // floor(10000 × 10%) = 1000 points, within the pool's ¥13.00.
      await expect(p.getByTestId("exit-points")).toHaveText("1000");
      await expect(p.getByRole("dialog")).toContainText(w.youGet);
      await p.getByTestId("confirm-leave").click();
      await expect(p.getByTestId("leave-result")).toHaveText(w.left);
    });

    await test.step("the history shows the compensation in ¥, and the store's rules give the leave figure in ¥", async () => {
      await p.goto("/me/points");
      await expect(p.getByTestId("points-history")).toContainText(w.lockedDelta);
      await expect(p.getByTestId("release-chart-total")).toContainText(/1,?500/);
      await p.goto(`/s/${slug}/rules`);
      await expect(main(p)).toContainText(w.rulesEach);
    });
    await context.close();
  });
}
