import { expect, test } from "./test";
import { fillApplication, login, main, register, uniqueUser } from "./pages";

const PASSWORD = "applicant-pass-2026";

// One journey: a new user's store goes from application to open store to a new rule version.
test.describe.configure({ mode: "serial" });

test("apply → reject with reason → re-apply → approve → store listed → rates changed → rules page shows the new version", async ({ browser }) => {
  const applicant = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const ops = await browser.newPage();
  const username = uniqueUser("shop");
  // A unique address per run; the seeded stores are left alone.
  const slug = `e2e-${Date.now().toString(36)}`;
  const storeName = `测试小店 ${slug.slice(-5)}`;

  await test.step("a new user registers and applies for a store", async () => {
    await register(applicant, username, PASSWORD, "/apply");
    await fillApplication(applicant, { name: storeName, slug: "Bad Slug!" });
    await main(applicant).getByRole("button", { name: "提交申请" }).click();
    await expect(applicant.locator("#f-slug-error")).toContainText("小写字母");
    await applicant.fill('input[name="slug"]', slug);
    await main(applicant).getByRole("button", { name: "提交申请" }).click();
    await expect(applicant.getByTestId("application-status")).toContainText("审核中");
    // Not open yet: no store page, and no merchant console.
    expect((await applicant.goto(`/s/${slug}`))?.status()).toBe(404);
    expect((await applicant.goto("/merchant/settings"))?.status()).toBe(403);
  });

  await test.step("the operator rejects it with a reason, which the applicant sees", async () => {
    await login(ops, "ops", "operator-pass-2026", "/operator/merchants");
    const app = ops.getByTestId(`application-${slug}`);
    await app.getByRole("button", { name: "驳回" }).click();
    await expect(app.getByRole("alert")).toContainText("理由");
    await app.locator("textarea").fill("请使用营业执照上的店名");
    await app.getByRole("button", { name: "驳回" }).click();
    await expect(ops.getByTestId(`merchant-${slug}`)).toContainText("已驳回");
    await expect(ops.getByTestId(`application-${slug}`)).toHaveCount(0);

    await applicant.goto("/apply");
    await expect(applicant.getByTestId("rejection-reason")).toContainText("请使用营业执照上的店名");
  });

  await test.step("the applicant applies again with a 25% rebate, and the operator approves", async () => {
    await applicant.fill('input[name="rebateBps"]', "25");
    await main(applicant).getByRole("button", { name: "重新提交申请" }).click();
    await expect(applicant.getByTestId("application-status")).toContainText("审核中");

    await ops.reload();
    const app = ops.getByTestId(`application-${slug}`);
    await expect(app).toContainText("让利 25%");
    await expect(app).toContainText("请使用营业执照上的店名");
    await app.getByRole("button", { name: "通过" }).click();
    // Approving asks first, with what it does.
    const dialog = ops.getByRole("dialog", { name: `通过「${storeName}」的开店申请？` });
    await expect(dialog).toContainText(`/s/${slug} 对所有人开放`);
    await expect(dialog).toContainText("让利 25%");
    await dialog.getByRole("button", { name: "确认通过" }).click();
    await expect(ops.getByTestId(`merchant-${slug}`)).toContainText("已通过");
  });

  await test.step("the store is on the home page and open at /s/<slug>", async () => {
    await applicant.goto("/");
    await main(applicant).getByRole("link", { name: storeName }).click();
    await applicant.waitForURL(`**/s/${slug}`);
    await expect(applicant.getByRole("heading", { name: storeName })).toBeVisible();
    await expect(main(applicant)).toContainText("25%");
    await applicant.goto("/apply");
    await expect(applicant.getByTestId("application-status")).toContainText("已通过");
  });

  await test.step("the merchant changes the rebate; the rules page shows version 3", async () => {
    await applicant.goto("/merchant/settings");
    await applicant.fill('input[name="rebateBps"]', "60");
    await main(applicant).getByRole("button", { name: "保存为新版本" }).click();
    // A well-formed figure asks first; the server then refuses it with the range.
    await applicant.getByTestId("save-rules-confirm").click();
    await expect(applicant.locator("#f-rebateBps-error")).toContainText("3%–50%");
    await applicant.fill('input[name="rebateBps"]', "30");
    // The worked example follows the typed value: 30% of ¥100 is ¥30.00.
    await expect(applicant.getByTestId("live-example")).toContainText("让利 ¥30.00");
    await main(applicant).getByRole("button", { name: "保存为新版本" }).click();
    // Saving asks first, with each change and the example at the new rates.
    const dialog = applicant.getByRole("dialog", { name: "保存为新版本的规则？" });
    await expect(dialog.getByTestId("rules-effect")).toContainText("让利比例：25% → 30%");
    await dialog.getByRole("button", { name: "取消" }).click();
    await expect(applicant.getByTestId("settings-status")).toBeEmpty();
    await main(applicant).getByRole("button", { name: "保存为新版本" }).click();
    await dialog.getByRole("button", { name: "确认保存" }).click();
    await expect(applicant.getByTestId("settings-status")).toContainText("已保存为第 3 版");

    await applicant.goto(`/s/${slug}/rules`);
    await expect(applicant.getByTestId("rule-version")).toContainText("第 3 版");
    await expect(applicant.getByTestId("rebate-rate")).toHaveText("30%");
    await expect(applicant.getByTestId("worked-example")).toContainText("¥70.00");
    await expect(applicant.getByTestId("rule-version-3")).toContainText("让利比例：25% → 30%");
    await expect(applicant.getByTestId("draw-disclosure")).toContainText("¥50,000.00");
    await expect(applicant.getByRole("note")).toContainText("不保证免单");
  });
});
