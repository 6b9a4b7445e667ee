import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { databaseUrl } from "@/lib/env";
import { makeCustomer } from "@/lib/testing/fixtures";
import { addJob, JOBS } from "./index";
import { listStuckJobs, retryStuckJob } from "./stuck";

const quiet = new Logger(() => () => {});

const jobsWithKey = async (key: string) =>
  (await db.execute<{ id: number; attempts: number; max_attempts: number }>(sql`select id, attempts, max_attempts from graphile_worker.jobs where key = ${key}`)).rows;

let seq = 0;
const uniqueOutId = () => `RFTEST${Date.now().toString(36).toUpperCase()}${seq++}`;

describe("durable jobs (graphile-worker on the app's Postgres)", () => {
  it("a job added in a transaction that rolls back does not exist; one that commits exists exactly once", async () => {
    const rolledBack = uniqueOutId();
    await expect(
      inTransaction(async (tx) => {
        await addJob(tx, "refund.send", { refundId: 1, outRefundNo: rolledBack });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await jobsWithKey(`refund:${rolledBack}`)).toEqual([]);

    const committed = uniqueOutId();
    // Added twice (a retried request): still one job, by its key.
    await inTransaction(async (tx) => {
      await addJob(tx, "refund.send", { refundId: 1, outRefundNo: committed });
      await addJob(tx, "refund.send", { refundId: 1, outRefundNo: committed });
    });
    const jobs = await jobsWithKey(`refund:${committed}`);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.max_attempts).toBe(JOBS["refund.send"].maxAttempts);
    await db.execute(sql`select graphile_worker.remove_job(${`refund:${committed}`})`);
  });

  it("refuses a malformed payload before it is stored", async () => {
    await expect(
      inTransaction((tx) => addJob(tx, "refund.send", { refundId: 1, outRefundNo: "not an out-id!" })),
    ).rejects.toThrow();
  });

  it("a task that fails is retried with backoff, then given up and listed as stuck; an operator's retry runs it again, audited", async () => {
    const key = `test:${uniqueOutId()}`;
    let runs = 0;
    let fail = true;
    // A task of its own, so the runner here takes no other test's jobs.
    const taskList = {
      "test.flaky": async () => {
        runs++;
        if (fail) throw new Error(`provider timed out (run ${runs})`);
      },
    };
    await db.execute(sql`select graphile_worker.add_job('test.flaky', '{}'::json, max_attempts => 3, job_key => ${key})`);
    const [job] = await jobsWithKey(key);
    const dueNow = () => db.execute(sql`select graphile_worker.reschedule_jobs(array[${job!.id}]::bigint[], run_at => now())`);

    await runOnce({ connectionString: databaseUrl(), logger: quiet, taskList });
    expect(runs).toBe(1);
    // The retry waits: exp(1) ≈ 2.7 s after the first failure, longer after each next one.
    const after1 = await db.execute<{ wait_s: number; attempts: number }>(sql`
      select extract(epoch from run_at - now())::float as wait_s, attempts from graphile_worker.jobs where id = ${job!.id}`);
    expect(after1.rows[0]!.attempts).toBe(1);
    expect(after1.rows[0]!.wait_s).toBeGreaterThan(1);
    await runOnce({ connectionString: databaseUrl(), logger: quiet, taskList }); // not due yet
    expect(runs).toBe(1);

    await dueNow();
    await runOnce({ connectionString: databaseUrl(), logger: quiet, taskList });
    await dueNow();
    await runOnce({ connectionString: databaseUrl(), logger: quiet, taskList });
    expect(runs).toBe(3);
    await dueNow();
    await runOnce({ connectionString: databaseUrl(), logger: quiet, taskList }); // given up: never run again
    expect(runs).toBe(3);

    const stuck = (await listStuckJobs(db)).find((j) => j.id === Number(job!.id));
    expect(stuck).toMatchObject({ task: "test.flaky", key, attempts: 3 });
    expect(stuck!.lastError).toMatch(/provider timed out \(run 3\)/);

    const customer = await makeCustomer();
    const operator = await makeCustomer("operator");
    await expect(inTransaction((tx) => retryStuckJob(tx, { jobId: Number(job!.id), actorUserId: customer }))).rejects.toMatchObject({ code: "forbidden" });
    fail = false;
    await inTransaction((tx) => retryStuckJob(tx, { jobId: Number(job!.id), actorUserId: operator }));
    expect((await listStuckJobs(db)).some((j) => j.id === Number(job!.id))).toBe(false);
    // Not stuck any more: a second click is refused.
    await expect(inTransaction((tx) => retryStuckJob(tx, { jobId: Number(job!.id), actorUserId: operator }))).rejects.toMatchObject({ code: "not_allowed" });
    await runOnce({ connectionString: databaseUrl(), logger: quiet, taskList });
    expect(runs).toBe(4);
    expect(await jobsWithKey(key)).toEqual([]); // succeeded: gone

    const audit = await db.execute<{ action: string; actor_user_id: number; details: { task: string; key: string } }>(sql`
      select action, actor_user_id, details from audit_log where subject_type = 'job' and subject_id = ${String(job!.id)}`);
    expect(audit.rows).toEqual([{ action: "job.retry", actor_user_id: operator, details: { task: "test.flaky", key, attempts: 3 } }]);
  });
});
