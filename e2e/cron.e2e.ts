import { expect, test } from "./test";
import { addDays, shanghaiDay } from "../lib/points/day";
import { login, main, orderAndPay, register, uniqueUser } from "./pages";
import { CRON_SECRET } from "./test-env";

const PASSWORD = "cron-journey-pass-2026";
const auth = { authorization: `Bearer ${CRON_SECRET}` };
const ROUTES = ["/api/cron/release", "/api/cron/expire", "/api/cron/sweep", "/api/cron/prune", "/api/cron/expire-orders", "/api/cron/points-warnings"];

test.describe("cron routes", () => {
  test("accept only the cron secret, by POST or (for Vercel Cron) GET", async ({ request, browser }) => {
    for (const path of ROUTES) {
      expect((await request.post(path)).status(), `${path} without a secret`).toBe(401);
      expect((await request.post(path, { headers: { authorization: "Bearer wrong-secret-of-some-length" } })).status()).toBe(401);
      const ok = await request.post(path, { headers: auth });
      expect(ok.status(), `${path} with the secret`).toBe(200);
      expect(await ok.json()).toMatchObject({ job: path.split("/").pop() });
      expect((await request.get(path, { headers: auth })).status()).toBe(200);
      expect((await request.get(path)).status()).toBe(401);
    }
    // A signed-in customer is not a cron caller.
    const customer = await browser.newPage();
    await login(customer, "demo", "demo-pass-2026");
    for (const path of ROUTES) expect((await customer.request.post(path)).status()).toBe(403);
    await customer.close();
  });

  test("refuse bad or unsafe overrides with 400, and run nothing", async ({ request }) => {
    const today = shanghaiDay();
    const bad = [
      "/api/cron/release?day=2026-02-30",
      "/api/cron/release?day=yesterday",
      `/api/cron/release?day=${addDays(today, 1)}`, // never a future day
      `/api/cron/release?day=${addDays(today, -32)}`, // catch-up window is 31 days
      "/api/cron/release?date=2026-01-01", // unknown options are refused, not ignored
      "/api/cron/expire?now=tomorrow",
      "/api/cron/expire?now=2026-01-01T00:00:00", // an instant needs its offset
      `/api/cron/expire?now=${new Date(Date.now() + 4000 * 86_400_000).toISOString()}`,
    ];
    for (const url of bad) {
      const res = await request.post(url, { headers: auth });
      expect(res.status(), url).toBe(400);
      expect((await res.json()).error.code).toBe("invalid_input");
    }
    const notJson = await request.post("/api/cron/release", { headers: { ...auth, "content-type": "application/json" }, data: "{nope" });
    expect(notJson.status()).toBe(400);
    const disagree = await request.post(`/api/cron/release?day=${today}`, { headers: auth, data: { day: addDays(today, -1) } });
    expect(disagree.status()).toBe(400);
  });

  test("points journey: earned points are released daily, shown with their expiry, and expire", async ({ browser, request }) => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await register(page, uniqueUser("pts"), PASSWORD, "/s/book-cafe");
    // ¥100 at the book cafe (15% rebate, 25% of it as points): 375 locked points.
    await orderAndPay(page, "book-cafe", "100");
    await page.goto("/me/points");
    await expect(page.getByTestId("points-locked")).toHaveText("375");
    await expect(page.getByTestId("points-available")).toHaveText("0");
    await expect(main(page).getByText("暂无可用积分")).toBeVisible();
    // The release rate is the server's policy (2% by default; the e2e server may set another), so
    // the page's own announcement says how many: ceil(375 × rate), e.g. 8 at 2%.
    const announced = /约 (\d+) 分/.exec(await page.getByTestId("next-release").innerText());
    expect(announced).not.toBeNull();
    const released = Number(announced![1]);
    expect(released).toBeGreaterThan(0);

    // Yesterday's release (a catch-up day). Running it again releases nothing more.
    const day = addDays(shanghaiDay(), -1);
    for (let i = 0; i < 2; i++) {
      const res = await request.post("/api/cron/release", { headers: auth, data: { day } });
      expect(res.status()).toBe(200);
      expect(await res.json()).toMatchObject({ job: "release", day, failed: 0, done: true, override: true });
    }
    await page.reload();
    await expect(page.getByTestId("points-locked")).toHaveText(String(375 - released));
    await expect(page.getByTestId("points-available")).toHaveText(String(released));
    await expect(page.getByTestId("releases")).toContainText(day);
    await expect(page.getByTestId("releases").locator("li")).toHaveCount(1);
    await expect(page.getByTestId("releases")).toContainText(`+${released} 分`);
    // Each lot expires points_expiry_days after its release (365 by default), as the rules box says.
    const ttl = /自释放起 (\d+) 天后过期/.exec(await page.getByTestId("points-rules").innerText());
    expect(ttl, "this journey needs a points expiry policy").not.toBeNull();
    const ttlDays = Number(ttl![1]);
    await expect(page.getByTestId("expiries")).toContainText(`有效期至 ${addDays(shanghaiDay(), ttlDays)}`);
    await expect(page.getByTestId("points-history")).toContainText("积分释放");

    // A day after that, the lot has expired: its points are gone, the locked ones stay.
    const later = new Date(Date.now() + (ttlDays + 1) * 86_400_000).toISOString();
    const expired = await request.post(`/api/cron/expire?now=${encodeURIComponent(later)}`, { headers: auth });
    expect(expired.status()).toBe(200);
    expect(await expired.json()).toMatchObject({ job: "expire", failed: 0, done: true, override: true });
    await page.reload();
    await expect(page.getByTestId("points-available")).toHaveText("0");
    await expect(page.getByTestId("points-locked")).toHaveText(String(375 - released));
    await expect(page.getByTestId("points-history")).toContainText("积分过期");
    await expect(main(page).getByText("暂无可用积分")).toBeVisible();
    await page.close();
  });
});
