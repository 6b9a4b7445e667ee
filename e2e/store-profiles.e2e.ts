import pg from "pg";
import sharp from "sharp";
import { GIF_BYTES, HTML_BYTES, pngBomb } from "../lib/testing/images";
import { expect, test, type Browser, type BrowserContext, type Page } from "./test";
import { fillApplication, login, main, openStore, register, uniqueUser } from "./pages";
import { E2E_BASE_URL } from "./test-env";

// Store profiles (issue 16, item 1) and onboarding an operator can check (item 2): a merchant edits
// the profile and cover photo (bad files refused, nothing stored), the store page and the home page
// show them (search, categories, nearby from a shared location); an application with its details
// is reviewed, rejected with a reason, approved, suspended and reinstated. Each in zh-CN and en.
test.describe.configure({ mode: "serial" });

let pool: pg.Pool;
test.beforeAll(() => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
});
test.afterAll(async () => {
  await pool.end();
});

const PASSWORD = "profile-pass-2026";
// People's Square, Shanghai; the store is placed 1.07 km north and 1.55 km east of it (about 1.9 km).
const VISITOR = { latitude: 31.2304, longitude: 121.4737 };

async function context(browser: Browser, locale: "zh-CN" | "en", extra: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext(extra);
  if (locale === "en") await ctx.addCookies([{ name: "NEXT_LOCALE", value: "en", url: E2E_BASE_URL }]);
  return ctx;
}

async function photoCount(slug: string): Promise<number> {
  const r = await pool.query<{ n: number }>("select count(*)::int as n from store_photos p join merchants m on m.id = p.merchant_id where m.slug = $1", [slug]);
  return r.rows[0]!.n;
}

async function upload(page: Page, file: { name: string; mimeType: string; buffer: Buffer }, button: string): Promise<void> {
  await page.locator('input[name="photo"]').setInputFiles(file);
  await main(page).getByRole("button", { name: button, exact: true }).click();
}

for (const locale of ["zh-CN", "en"] as const) {
  const zh = locale === "zh-CN";
  const w = zh
    ? {
        save: "保存",
        saved: "已保存",
        upload: "上传",
        uploaded: "照片已更新",
        wrongType: "只能上传 JPEG、PNG 或 WebP 照片",
        notImage: "无法识别这张图片",
        tooLarge: "照片不能超过 5 MB",
        bomb: "照片尺寸过大",
        badName: "文件名不能含有",
        hours: "营业时间",
        nearby: "附近门店",
        nearMe: "显示我附近的门店",
        category: "茶饮咖啡",
        search: "按店名搜索",
        searchButton: "搜索",
      }
    : {
        save: "Save",
        saved: "Saved",
        upload: "Upload",
        uploaded: "The photo is updated",
        wrongType: "Only JPEG, PNG or WebP photos can be uploaded",
        notImage: "not a readable image",
        tooLarge: "The photo may be at most 5 MB",
        bomb: "dimensions are too large",
        badName: "The file name may not contain",
        hours: "Opening hours",
        nearby: "Nearby",
        nearMe: "Show stores near me",
        category: "Tea & coffee",
        search: "Search by store name",
        searchButton: "Search",
      };

  test(`store profile (${locale}): the merchant edits it and its photo; bad files are refused; the store and home pages show it`, async ({ browser }) => {
    test.setTimeout(240_000);
    const slug = `pf-${locale === "en" ? "en" : "zh"}-${Date.now().toString(36)}`;
    const name = `资料小店 ${slug.slice(-5)}`;
    const opsCtx = await browser.newContext();
    const ops = await opsCtx.newPage();
    await login(ops, "ops", "operator-pass-2026", "/operator/merchants");
    const merchant = await openStore(browser, ops, { slug, name, owner: "pf", password: PASSWORD });
    await opsCtx.close();
    if (!zh) await merchant.context().addCookies([{ name: "NEXT_LOCALE", value: "en", url: E2E_BASE_URL }]);

    await test.step("the merchant fills in the profile", async () => {
      await merchant.goto("/merchant/profile");
      await merchant.fill('input[name="address"]', "上海市黄浦区测试路 88 号");
      await merchant.fill('input[name="storePhone"]', "<script>");
      await main(merchant).getByRole("button", { name: w.save, exact: true }).click();
      await expect(merchant.locator("#f-storePhone-error")).toBeVisible();
      await merchant.fill('input[name="storePhone"]', "021-6000 8888");
      await merchant.fill('input[name="hours"]', "每天 10:00–22:00");
      await merchant.selectOption('select[name="category"]', "drinks");
      await merchant.fill('input[name="latitude"]', "31.24");
      await merchant.fill('input[name="longitude"]', "121.49");
      await main(merchant).getByRole("button", { name: w.save, exact: true }).click();
      await expect(merchant.getByTestId("profile-status")).toContainText(w.saved);
    });

    await test.step("bad photos are refused, each with its reason, and nothing is stored", async () => {
      const bad: [{ name: string; mimeType: string; buffer: Buffer }, string][] = [
        [{ name: "cover.gif", mimeType: "image/gif", buffer: GIF_BYTES }, w.wrongType],
        [{ name: "cover.jpg", mimeType: "image/jpeg", buffer: HTML_BYTES }, w.notImage],
        [{ name: "huge.jpg", mimeType: "image/jpeg", buffer: Buffer.alloc(6 * 1024 * 1024, 0xff) }, w.tooLarge],
        [{ name: "bomb.png", mimeType: "image/png", buffer: pngBomb() }, w.bomb],
        [{ name: '<img src=x onerror="alert(1)">.jpg', mimeType: "image/jpeg", buffer: await sharp({ create: { width: 40, height: 30, channels: 3, background: "#888" } }).jpeg().toBuffer() }, w.badName],
      ];
      for (const [file, message] of bad) {
        await upload(merchant, file, w.upload);
        await expect(main(merchant).getByRole("alert"), file.name).toContainText(message);
        expect(await photoCount(slug), `${file.name}: nothing stored`).toBe(0);
      }
    });

    const photo = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: { r: 30, g: 140, b: 90 } } }).jpeg().toBuffer();
    await test.step("a good photo is resized and stored", async () => {
      await upload(merchant, { name: "storefront.jpg", mimeType: "image/jpeg", buffer: photo }, w.upload);
      await expect(merchant.getByTestId("photo-status")).toContainText(w.uploaded);
      expect(await photoCount(slug)).toBe(1);
      await expect(merchant.getByTestId("profile-photo")).toBeVisible();
    });

    const visitor = await (await context(browser, locale, { geolocation: VISITOR, permissions: ["geolocation"] })).newPage();
    await test.step("the store page shows the profile and the photo, served with caching headers", async () => {
      await visitor.goto(`/s/${slug}`);
      const profile = visitor.getByTestId("store-profile");
      await expect(profile).toContainText("上海市黄浦区测试路 88 号");
      await expect(profile).toContainText("每天 10:00–22:00");
      await expect(profile).toContainText(w.hours);
      await expect(profile).toContainText(w.category);
      await expect(profile.getByRole("link", { name: "021-6000 8888" })).toHaveAttribute("href", "tel:02160008888");
      const src = (await visitor.getByTestId("store-photo").getAttribute("src"))!;
      const res = await visitor.request.get(src);
      expect(res.status()).toBe(200);
      expect(res.headers()["content-type"]).toBe("image/jpeg");
      expect(res.headers()["cache-control"]).toContain("immutable");
      const meta = await sharp(await res.body()).metadata();
      expect([meta.width, meta.height]).toEqual([1200, 800]);
      const again = await visitor.request.get(src, { headers: { "if-none-match": res.headers()["etag"]! } });
      expect(again.status()).toBe(304);
      // Without the version, a short cache that revalidates.
      const plain = await visitor.request.get(`/api/stores/${slug}/photo`);
      expect(plain.headers()["cache-control"]).toContain("max-age=300");
    });

    await test.step("the home page: search by name, the category, and nearby once the location is shared", async () => {
      await visitor.goto("/");
      await expect(visitor.getByTestId("nearby")).toHaveCount(0);
      await visitor.getByLabel(w.search).fill(slug.slice(-5));
      await main(visitor).getByRole("button", { name: w.searchButton, exact: true }).click();
      await visitor.waitForURL(/\?q=/);
      await expect(visitor.getByTestId("category-drinks").getByRole("link", { name: new RegExp(name) })).toBeVisible();
      await expect(main(visitor).getByRole("link", { name: /清风茶舍/ })).toHaveCount(0);
      await main(visitor).getByRole("link", { name: w.category, exact: true }).click();
      await visitor.waitForURL(/category=drinks/);
      await expect(main(visitor).getByRole("link", { name: new RegExp(name) })).toBeVisible();
      await main(visitor).getByRole("button", { name: w.nearMe }).click();
      await visitor.waitForURL(/near=31\.23040%2C121\.47370|near=31\.23040,121\.47370/);
      const nearby = visitor.getByTestId("nearby");
      await expect(nearby.getByRole("heading", { name: w.nearby })).toBeVisible();
      await expect(nearby.getByRole("link", { name: new RegExp(name) })).toContainText(zh ? "1.9 公里" : "1.9 km");
    });
    await visitor.context().close();
    await merchant.context().close();
  });
}

test("onboarding (zh-CN): the store link is suggested from the name, the operator sees every detail, rejects with a reason, approves, suspends and reinstates", async ({ browser }) => {
  test.setTimeout(240_000);
  const applicant = await (await context(browser, "zh-CN")).newPage();
  const ops = await (await context(browser, "zh-CN")).newPage();
  const slug = `ob-${Date.now().toString(36)}`;

  await test.step("the application asks for the details; the link follows the name until edited", async () => {
    await register(applicant, uniqueUser("obzh"), PASSWORD, "/apply");
    await expect(applicant.getByLabel("店铺链接")).toBeVisible();
    await applicant.getByLabel("店铺名称").fill("Green Leaf 茶铺");
    await expect(applicant.getByLabel("店铺链接")).toHaveValue("green-leaf");
    await applicant.getByLabel("店铺链接").fill(slug);
    await applicant.getByLabel("店铺名称").fill("Green Leaf 茶铺 二店");
    await expect(applicant.getByLabel("店铺链接")).toHaveValue(slug);
    await applicant.getByLabel("营业执照上的名称").fill("上海绿叶餐饮有限公司");
    await applicant.getByLabel("统一社会信用代码").fill("123");
    await applicant.getByLabel("联系电话").fill("13800138000");
    await applicant.getByLabel("门店地址").fill("上海市黄浦区绿叶路 9 号");
    await main(applicant).getByRole("button", { name: "提交申请" }).click();
    await expect(applicant.locator("#f-licenceNo-error")).toContainText("18 位");
    await applicant.getByLabel("统一社会信用代码").fill("91310101ma1fl00123");
    await main(applicant).getByRole("button", { name: "提交申请" }).click();
    await expect(applicant.getByTestId("application-status")).toContainText("审核中");
    await expect(applicant.getByTestId("application")).toContainText("91310101MA1FL00123");
  });

  await test.step("the operator sees everything submitted and rejects with a reason the applicant sees", async () => {
    await login(ops, "ops", "operator-pass-2026", "/operator/merchants");
    const details = ops.getByTestId(`application-details-${slug}`);
    for (const text of ["上海绿叶餐饮有限公司", "91310101MA1FL00123", "13800138000", "上海市黄浦区绿叶路 9 号"]) await expect(details).toContainText(text);
    const app = ops.getByTestId(`application-${slug}`);
    await app.locator("textarea").fill("执照名称与店名不符，请补充说明");
    await app.getByRole("button", { name: "驳回" }).click();
    await expect(ops.getByTestId(`merchant-${slug}`)).toContainText("已驳回");
    await applicant.goto("/apply");
    await expect(applicant.getByTestId("rejection-reason")).toContainText("执照名称与店名不符");
    // The form to apply again keeps every detail.
    await expect(applicant.locator('input[name="licenceNo"]')).toHaveValue("91310101MA1FL00123");
    await main(applicant).getByRole("button", { name: "重新提交申请" }).click();
    await expect(applicant.getByTestId("application-status")).toContainText("审核中");
    await ops.reload();
    await ops.getByTestId(`application-${slug}`).getByRole("button", { name: "通过" }).click();
    // Approving asks first (what it does); the dialog's confirming button approves.
    await ops.getByTestId(`approve-${slug}-confirm`).click();
    await expect(ops.getByTestId(`merchant-${slug}`)).toContainText("已通过");
  });

  await test.step("the operator suspends the store: a public notice, no orders, the queue untouched; then reinstates it", async () => {
    const customer = await (await context(browser, "zh-CN")).newPage();
    await register(customer, uniqueUser("obcu"), PASSWORD, `/s/${slug}`);
    await customer.fill('input[name="amount"]', "30");
    await main(customer).getByRole("button", { name: "下单并支付" }).click();
    await expect(main(customer).getByTestId("pay-here")).toBeVisible();
    await main(customer).getByRole("button", { name: "确认支付（模拟）" }).click();
    await customer.waitForURL(/\/orders\/FL/);
    const queue = async () =>
      (await pool.query("select e.id, e.status, e.position from queue_entries e join merchants m on m.queue_id = e.queue_id where m.slug = $1 order by e.id", [slug])).rows;
    const pool0 = async () =>
      (await pool.query("select a.balance from accounts a join merchants m on m.queue_id = a.queue_id where m.slug = $1 and a.kind = 'pool'", [slug])).rows;
    const before = { queue: await queue(), pool: await pool0() };
    expect(before.queue.length).toBeGreaterThan(0);

    const suspension = ops.getByTestId(`suspension-${slug}`);
    await suspension.getByRole("button", { name: "暂停接单" }).click();
    await expect(suspension.getByRole("alert")).toContainText("理由");
    await suspension.getByRole("textbox").fill("收到投诉，核实中");
    await suspension.getByRole("button", { name: "暂停接单" }).click();
    await expect(ops.getByTestId(`merchant-${slug}`)).toContainText("已暂停");

    await customer.goto(`/s/${slug}`);
    await expect(customer.getByTestId("store-suspended")).toContainText("收到投诉，核实中");
    await expect(customer.locator('input[name="amount"]')).toHaveCount(0);
    expect({ queue: await queue(), pool: await pool0() }, "the queue and its pool stay as they are").toEqual(before);

    await ops.getByTestId(`suspension-${slug}`).getByRole("button", { name: "恢复接单" }).click();
    await expect(ops.getByTestId(`merchant-${slug}`)).not.toContainText("已暂停");
    await customer.goto(`/s/${slug}`);
    await expect(customer.getByTestId("store-suspended")).toHaveCount(0);
    await expect(customer.locator('input[name="amount"]')).toBeVisible();
    await customer.context().close();
  });
  await applicant.context().close();
  await ops.context().close();
});

test("onboarding (en): the store link, the details, the operator's review and a suspension, in English", async ({ browser }) => {
  test.setTimeout(240_000);
  const applicant = await (await context(browser, "en")).newPage();
  const ops = await (await context(browser, "en")).newPage();
  const slug = `oben-${Date.now().toString(36)}`;
  await register(applicant, uniqueUser("oben"), PASSWORD, "/apply");
  await applicant.getByLabel("Store name").fill("Maple Corner Café");
  await expect(applicant.getByLabel("Store link")).toHaveValue("maple-corner-cafe");
  await fillApplication(applicant, { name: "Maple Corner Café", slug });
  await applicant.getByLabel("Contact phone").fill("phone?");
  await main(applicant).getByRole("button", { name: "Send application" }).click();
  await expect(applicant.locator("#f-contactPhone-error")).toContainText("A phone number may have only digits");
  await applicant.getByLabel("Contact phone").fill("13800138000");
  await main(applicant).getByRole("button", { name: "Send application" }).click();
  await expect(applicant.getByTestId("application-status")).toContainText("under review");

  await login(ops, "ops", "operator-pass-2026", "/operator/merchants");
  await expect(ops.getByTestId(`application-details-${slug}`)).toContainText("Licence no.");
  await ops.getByTestId(`application-${slug}`).getByRole("button", { name: "Approve" }).click();
  await ops.getByTestId(`approve-${slug}-confirm`).click();
  await expect(ops.getByTestId(`merchant-${slug}`)).toContainText("Approved");
  const suspension = ops.getByTestId(`suspension-${slug}`);
  await suspension.getByRole("textbox").fill("Licence under review");
  await suspension.getByRole("button", { name: "Suspend orders" }).click();
  await expect(ops.getByTestId(`merchant-${slug}`)).toContainText("Suspended");

  await applicant.goto(`/s/${slug}`);
  await expect(applicant.getByTestId("store-suspended")).toContainText("Not taking orders");
  await expect(applicant.getByTestId("store-suspended")).toContainText("Licence under review");
  // The owner's console stays open while suspended, and the profile page is in English.
  await applicant.goto("/merchant/profile");
  await expect(main(applicant).getByRole("heading", { name: "Store profile" })).toBeVisible();
  await applicant.context().close();
  await ops.context().close();
});
