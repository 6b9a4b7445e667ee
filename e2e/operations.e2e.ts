import { expect, test, type APIRequestContext } from "./test";
import { login, main, orderAndPay, register, uniqueUser } from "./pages";
import { METRICS_TOKEN } from "./test-env";

// Operations (docs/operations.md): the metrics endpoint and who may scrape it, the request id on
// every answer, the health endpoints, and the job backlog on the operator console.

const scrape = async (request: APIRequestContext) => {
  const res = await request.get("/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("text/plain; version=0.0.4");
  const figures = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    figures.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return figures;
};

const PAID_DEV = 'freeline_orders{provider="dev",status="paid",proc="web"}';

test.describe("operations", () => {
  test("GET /api/metrics answers only the bearer METRICS_TOKEN", async ({ request, browser }) => {
    const none = await request.get("/api/metrics");
    expect(none.status()).toBe(401);
    expect(none.headers()["www-authenticate"]).toBe("Bearer");
    expect(await none.text()).toContain("METRICS_TOKEN");
    for (const wrong of [`Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(1)}`, `Basic ${METRICS_TOKEN}`, "Bearer e2e-cron-secret-0123456789abcdef"]) {
      expect((await request.get("/api/metrics", { headers: { authorization: wrong } })).status(), wrong).toBe(401);
    }
    // A signed-in operator is not a scraper either.
    const ops = await browser.newPage();
    await login(ops, "ops", "operator-pass-2026");
    expect((await ops.request.get("/api/metrics")).status()).toBe(401);
    await ops.close();
    const figures = await scrape(request);
    expect(figures.get('nodejs_eventloop_lag_seconds{proc="web"}')).toBeGreaterThanOrEqual(0);
    expect([...figures.keys()].some((k) => k.startsWith('freeline_db_pool_connections{state="in_use"'))).toBe(true);
  });

  test("the figures move after an order is paid", async ({ request, page }) => {
    const before = await scrape(request);
    await register(page, uniqueUser("ops"), "operations-pass-2026", "/me");
    // The book café, which no later journey reads: e2e/points-and-wallet.e2e.ts counts on the fruit
    // stand's queue being empty, and the operator console's on the noodle bar's.
    await orderAndPay(page, "book-cafe", "18");
    const after = await scrape(request);
    expect(after.get(PAID_DEV) ?? 0).toBeGreaterThanOrEqual((before.get(PAID_DEV) ?? 0) + 1);
    expect(after.get('freeline_payments_fen{provider="dev",proc="web"}') ?? 0).toBeGreaterThanOrEqual((before.get('freeline_payments_fen{provider="dev",proc="web"}') ?? 0) + 1800);
    // The paid order's webhook went through the route wrapper: counted among the 2xx route calls.
    expect(after.get('freeline_requests_total{kind="route",outcome="2xx",proc="web"}') ?? 0).toBeGreaterThan(before.get('freeline_requests_total{kind="route",outcome="2xx",proc="web"}') ?? 0);
  });

  test("every answer carries a request id; a well-formed one from a load balancer is kept", async ({ request }) => {
    for (const path of ["/", "/api/health", "/api/v1/openapi.json", "/no/such/page"]) {
      const res = await request.get(path, { maxRedirects: 0 });
      expect(res.headers()["x-request-id"], path).toMatch(/^[0-9a-f-]{36}$/);
    }
    const kept = await request.get("/api/health", { headers: { "x-request-id": "lb-4f2a9c1e-77" } });
    expect(kept.headers()["x-request-id"]).toBe("lb-4f2a9c1e-77");
    // Anything else is replaced, never echoed (it would go into the logs).
    const replaced = await request.get("/", { headers: { "x-request-id": "<script>alert(1)</script>" } });
    expect(replaced.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("liveness and readiness are separate endpoints", async ({ request }) => {
    const live = await request.get("/api/health/live");
    expect(live.status()).toBe(200);
    expect(await live.json()).toEqual({ ok: true });
    const ready = await request.get("/api/health/ready");
    expect(ready.status()).toBe(200);
    expect(await ready.json()).toEqual({ ok: true });
  });

  test("the operator console shows the job backlog by task, on a phone, in both languages", async ({ browser }) => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const ops = await ctx.newPage();
    await login(ops, "ops", "operator-pass-2026", "/operator/jobs");
    const backlog = ops.getByTestId("job-backlog");
    await expect(backlog.getByRole("heading", { name: "任务积压" })).toBeVisible();
    await expect(ops.getByTestId("retrying-jobs").getByRole("heading", { name: "重试中" })).toBeVisible();
    // The schedule's runs (every minute) or the journeys' drains and refunds have left rows, or the empty state says so.
    await expect(backlog.locator('[data-testid^="backlog-"]').first().or(backlog.getByText("没有等待中的任务"))).toBeVisible();
    await ctx.addCookies([{ name: "NEXT_LOCALE", value: "en", url: ops.url() }]);
    await ops.reload();
    await expect(main(ops).getByRole("heading", { name: "Job backlog" })).toBeVisible();
    await ctx.close();
  });
});
