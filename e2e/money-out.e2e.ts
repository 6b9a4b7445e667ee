import pg from "pg";
import { expect, test } from "./test";
import { login, main } from "./pages";

let pool: pg.Pool;
test.beforeAll(() => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
});
test.afterAll(async () => {
  await pool.end();
});

test("money out: an operator finds a stuck job on /operator/jobs and runs it again, audited", async ({ page }) => {
  // A job whose retries ran out: a task the running worker does not know, so nothing else takes it.
  const key = `e2e:${Date.now().toString(36)}`;
  const added = await pool.query<{ id: string }>(
    "select id from graphile_worker.add_job('e2e.probe', '{}'::json, max_attempts => 1, job_key => $1)",
    [key],
  );
  const jobId = added.rows[0]!.id;
  await pool.query("select graphile_worker.reschedule_jobs(array[$1]::bigint[], attempts => 1)", [jobId]);

  await login(page, "ops", "operator-pass-2026", "/operator/jobs");
  await expect(main(page).getByRole("heading", { level: 1 })).toHaveText("出款任务");
  const row = page.getByTestId(`stuck-job-${jobId}`);
  await expect(row).toContainText("e2e.probe");
  await expect(row).toContainText(key);
  await page.getByTestId(`retry-job-${jobId}`).click();
  // No longer stuck: the refreshed list leaves it out, also after a reload.
  await expect(page.getByTestId(`stuck-job-${jobId}`)).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId(`stuck-job-${jobId}`)).toHaveCount(0);

  const audit = await pool.query<{ action: string; details: { task: string; key: string } }>(
    "select a.action, a.details from audit_log a join users u on u.id = a.actor_user_id where u.username = 'ops' and a.subject_type = 'job' and a.subject_id = $1",
    [jobId],
  );
  expect(audit.rows).toEqual([{ action: "job.retry", details: { task: "e2e.probe", key, attempts: 1 } }]);
  await pool.query("select graphile_worker.remove_job($1)", [key]);
});
