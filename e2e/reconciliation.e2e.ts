import fs from "node:fs";
import pg from "pg";
import { expect, test } from "./test";
import { login, main } from "./pages";
import { CRON_SECRET, E2E_BASE_URL } from "./test-env";

// The operator's reconciliation page: a day whose run found a mismatch (seeded here, as the daily
// job would have stored it), its CSV export, and a confirmed re-run that the worker beside the
// server carries out. The e2e server reconciles the dev provider, whose bill is the ledger's own
// records: the re-run of a day with no payments finds it clean and replaces the seeded result.

let pool: pg.Pool;
test.beforeAll(() => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
});
test.afterAll(async () => {
  await pool.end();
});

/** A past day no other journey pays on: somewhere in 2025, per run. */
function seededDay(): string {
  const d = new Date(Date.UTC(2025, 0, 1) + Math.floor(Math.random() * 360) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

async function seedMismatch(day: string, outId: string): Promise<void> {
  const run = await pool.query<{ id: string }>(
    `insert into reconciliation_runs (provider, day, status, bill_source, provider_count, provider_fen, ledger_count, ledger_fen, mismatch_count, finished_at)
     values ('dev', $1, 'mismatched', 'ledger', 1, 1234, 0, 0, 1, now())
     on conflict (provider, day) do update set status = 'mismatched', mismatch_count = 1, error = null, finished_at = now()
     returning id`,
    [day],
  );
  const runId = run.rows[0]!.id;
  await pool.query("delete from reconciliation_mismatches where run_id = $1", [runId]);
  await pool.query(
    `insert into reconciliation_mismatches (run_id, kind, tx_kind, out_id, provider_ref, provider_fen, ledger_fen, postings, at)
     values ($1, 'missing_in_ledger', 'payment', $2, 'dev_e2e_ref', 1234, null, 0, $3::date + interval '10 hours')`,
    [runId, outId, day],
  );
}

test("reconciliation: an operator sees a day's mismatch, exports it as CSV, and re-runs the day", async ({ page }) => {
  const day = seededDay();
  const outId = `FLE2E${Date.now().toString(36).toUpperCase()}`;
  await seedMismatch(day, outId);

  await login(page, "ops", "operator-pass-2026", "/operator/reconciliation");
  await expect(main(page).getByRole("heading", { level: 1 })).toHaveText("对账");
  await expect(page.getByRole("navigation").getByRole("link", { name: "对账" })).toBeVisible();

  await test.step("the run and its mismatch are listed", async () => {
    await page.goto(`/operator/reconciliation?day=${day}&provider=dev`);
    const run = page.getByTestId(`run-dev-${day}`);
    await expect(run).toContainText("有差异");
    await expect(run).toContainText("模拟支付（dev）");
    const mismatch = page.getByTestId(`mismatch-${outId}`);
    await expect(mismatch).toContainText("账本缺少");
    await expect(mismatch).toContainText("¥12.34");
    await expect(mismatch).toContainText("dev_e2e_ref");
  });

  await test.step("the CSV holds the mismatch, with its amounts in yuan", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("reconciliation-csv").click()]);
    expect(download.suggestedFilename()).toBe(`freeline-reconciliation-${day}-dev.csv`);
    const lines = fs.readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("day,provider,kind,tx_kind,out_id,provider_ref,provider_yuan,ledger_yuan,difference_yuan,postings,at");
    expect(lines.slice(1)).toEqual([expect.stringMatching(new RegExp(`^${day},dev,missing_in_ledger,payment,${outId},dev_e2e_ref,12\\.34,,12\\.34,0,`))]);
  });

  await test.step("a re-run asks first, then queues; the worker replaces the day's result", async () => {
    await page.getByTestId(`rerun-dev-${day}`).click();
    await expect(main(page).getByText(`重新核对 模拟支付（dev） 在 ${day} 的账单？原结果将被替换。`)).toBeVisible();
    await page.getByTestId(`rerun-dev-${day}-confirm`).click();
    await expect(main(page).getByText("已排队：任务运行后显示结果")).toBeVisible();
    // The job runs beside the server; the page shows its result once it has.
    await expect
      .poll(
        async () => {
          await page.reload();
          return (await page.getByTestId(`run-dev-${day}`).textContent()) ?? "";
        },
        { timeout: 30_000, intervals: [500, 1_000, 2_000] },
      )
      .toContain("一致");
    await expect(page.getByTestId(`mismatch-${outId}`)).toHaveCount(0);
    await expect(page.getByTestId("reconciliation-mismatches")).toContainText("没有差异");
    const audit = await pool.query<{ action: string }>(
      "select a.action from audit_log a join users u on u.id = a.actor_user_id where u.username = 'ops' and a.subject_type = 'reconciliation' and a.subject_id in ($1, 'csv') order by a.id",
      [`dev:${day}`],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(["reconcile.export", "reconcile.rerun"]));
  });

  await test.step("a day that has not ended yet is refused, and says so", async () => {
    await page.goto("/operator/reconciliation");
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    await page.getByTestId("run-day-form").locator('input[type="date"]').fill(today);
    await page.getByTestId("run-day").click();
    await page.getByTestId("run-day-confirm").click();
    await expect(page.getByTestId("run-day-error")).toHaveText("只能对已过去的日期对账：支付渠道次日上午才生成前一天的账单");
  });
});

test("reconciliation in English: the page, its empty filter and its words", async ({ browser }) => {
  const context = await browser.newContext();
  await context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: E2E_BASE_URL }]);
  const page = await context.newPage();
  await login(page, "ops", "operator-pass-2026", "/operator/reconciliation");
  await expect(main(page).getByRole("heading", { level: 1 })).toHaveText("Reconciliation");
  await page.goto("/operator/reconciliation?day=2024-02-29&provider=dev");
  await expect(page.getByTestId("reconciliation-runs")).toContainText("No run for this day and provider");
  await expect(page.getByTestId("reconciliation-mismatches")).toContainText("No mismatches");
  await expect(main(page).getByRole("button", { name: "Reconcile…" })).toBeVisible();
  await context.close();
});

test("the daily cron asks for yesterday's reconciliation of each provider; the worker stores it", async ({ request }) => {
  const yesterday = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
  const res = await request.post("/api/cron/reconcile", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(res.status()).toBe(200);
  // The e2e server has no real provider configured: only the dev provider is reconciled.
  expect(await res.json()).toEqual({ job: "reconcile", day: yesterday, providers: ["dev"] });
  await expect
    .poll(async () => (await pool.query<{ status: string }>("select status from reconciliation_runs where provider = 'dev' and day = $1", [yesterday])).rows[0]?.status, {
      timeout: 30_000,
      intervals: [500, 1_000, 2_000],
    })
    .toBe("matched");
  expect((await request.post("/api/cron/reconcile")).status()).toBe(401);
});
