import { expect, test } from "./test";
import { login, main, openStore, orderAndPay, register, uniqueUser } from "./pages";
import { E2E_BASE_URL } from "./test-env";

const PASSWORD = "notify-journey-pass-2026";
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

const WORDS = {
  "zh-CN": {
    title: "消息通知",
    empty: "暂无消息",
    freed: "免单到账",
    unread: "未读",
    markRead: "标为已读",
    bell: /消息，1 条未读/,
    bellRead: "消息",
    settings: "通知设置",
    security: "安全提醒无法关闭",
    save: "保存设置",
    saved: "已保存",
  },
  en: {
    title: "Notifications",
    empty: "No notifications yet",
    freed: "Your entry was freed",
    unread: "Unread",
    markRead: "Mark read",
    bell: /Notifications, 1 unread/,
    bellRead: "Notifications",
    settings: "Settings",
    security: "Security alerts cannot be turned off",
    save: "Save settings",
    saved: "Saved",
  },
} as const;

// Issue 15, item 5, on a 390 × 844 phone in both languages: a customer's entry is freed by another
// customer's payment; the unread count shows in the header and on 我的; the list shows the freed
// entry in the reader's language; marking it read clears the count; the settings keep security on.
for (const locale of ["zh-CN", "en"] as const) {
  const w = WORDS[locale];
  test(`being told an entry was freed, on a phone (${locale})`, async ({ browser }) => {
    test.setTimeout(240_000);
    const ops = await browser.newPage();
    await login(ops, "ops", "operator-pass-2026", "/operator");
    const slug = `ntf-${locale === "en" ? "en" : "zh"}-${Date.now().toString(36)}`;
    const merchant = await openStore(browser, ops, { slug, name: `Notice ${slug.slice(-5)}`, owner: "ntfshop", password: PASSWORD });
    await merchant.close();
    await ops.close();

    const context = await browser.newContext(PHONE);
    const p = await context.newPage();
    await register(p, uniqueUser("ntfamy"), PASSWORD, `/s/${slug}`);
    const orderNo = await orderAndPay(p, slug, "100");
    // The language of the rest of the journey (the order helper speaks Chinese).
    await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: E2E_BASE_URL }]);

    // Nothing yet: an empty list, and no count on the bell.
    await p.goto("/me/notifications");
    await expect(main(p).getByRole("heading", { name: w.title })).toBeVisible();
    await expect(main(p).getByText(w.empty)).toBeVisible();
    await expect(p.getByTestId("notification-bell").getByTestId("unread-badge")).toHaveCount(0);

    // Another customer's ¥700 fills the pool and frees the ¥100 entry.
    const ben = await browser.newPage();
    await register(ben, uniqueUser("ntfben"), PASSWORD, `/s/${slug}`);
    await orderAndPay(ben, slug, "700");
    await ben.close();

    // The count shows in the header and on the tab bar's 我的, on any page.
    await p.bringToFront();
    await p.goto("/");
    await expect(async () => {
      await p.reload();
      await expect(p.getByTestId("notification-bell").getByTestId("unread-badge")).toHaveText("1", { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(p.getByTestId("notification-bell")).toHaveAttribute("aria-label", w.bell);
    await expect(p.getByTestId("tab-bar").getByTestId("unread-badge")).toHaveText("1");
    const bellBox = (await p.getByTestId("notification-bell").boundingBox())!;
    expect(bellBox.width).toBeGreaterThanOrEqual(44);
    expect(bellBox.height).toBeGreaterThanOrEqual(44);
    // Nothing spills sideways at this width with the bell in the header.
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The list shows the freed entry, in words of this language, unread.
    await p.getByTestId("notification-bell").click();
    await p.waitForURL("**/me/notifications");
    const item = main(p).getByTestId("notification");
    await expect(item).toHaveCount(1);
    await expect(item).toHaveAttribute("data-kind", "entry_freed");
    await expect(item).toHaveAttribute("data-read", "false");
    await expect(item.getByRole("heading", { name: w.freed })).toBeVisible();
    await expect(item).toContainText(orderNo);
    await expect(item).toContainText("¥100.00");
    await expect(item.getByText(w.unread, { exact: true })).toBeVisible();

    // Mark read: the badge goes, in the list, the header and the tab bar.
    await item.getByRole("button", { name: w.markRead }).click();
    await expect(item).toHaveAttribute("data-read", "true");
    await expect(item.getByText(w.unread, { exact: true })).toHaveCount(0);
    await expect(p.getByTestId("notification-bell").getByTestId("unread-badge")).toHaveCount(0);
    await expect(p.getByTestId("notification-bell")).toHaveAttribute("aria-label", w.bellRead);
    await expect(p.getByTestId("tab-bar").getByTestId("unread-badge")).toHaveCount(0);
    await p.reload();
    await expect(main(p).getByTestId("notification")).toHaveAttribute("data-read", "true");

    // Settings: turn SMS off for freed entries; security cannot be turned off.
    await main(p).getByRole("link", { name: w.settings }).click();
    await p.waitForURL("**/me/notifications/settings");
    await expect(main(p).getByText(w.security)).toBeVisible();
    await expect(p.getByTestId("setting-security-sms")).toBeDisabled();
    await expect(p.getByTestId("setting-security-sms")).toBeChecked();
    await p.getByTestId("setting-entry_freed-sms").uncheck();
    await main(p).getByRole("button", { name: w.save }).click();
    await expect(main(p).getByText(w.saved)).toBeVisible();
    await p.reload();
    await expect(p.getByTestId("setting-entry_freed-sms")).not.toBeChecked();
    await expect(p.getByTestId("setting-entry_freed-push")).toBeChecked();
    await context.close();
  });
}
