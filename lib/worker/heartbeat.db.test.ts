import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { sql } from "drizzle-orm";
import { runOnce, type WorkerEvents } from "graphile-worker";
import { afterEach, describe, expect, it } from "vitest";
import { db, pool } from "@/db";
import { databaseUrl } from "@/lib/env";
import { freeDeadRunnersJobs, startHeartbeat } from "./heartbeat";

const job = async (key: string) =>
  (await db.execute<{ locked_by: string | null; attempts: number }>(sql`select locked_by, attempts from graphile_worker.jobs where key = ${key}`)).rows[0];

async function lockedJob(key: string, workerId: string, lockedSecondsAgo: number): Promise<void> {
  await db.execute(sql`select graphile_worker.add_job('test.heartbeat', '{}'::json, job_key => ${key})`);
  await db.execute(sql`update graphile_worker._private_jobs set locked_by = ${workerId}, locked_at = now() - make_interval(secs => ${lockedSecondsAgo}) where key = ${key}`);
}

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});

describe("a job runner killed mid-job", () => {
  it("has its jobs freed once its heartbeat is old, never while its runner still beats, nor a job just taken", async () => {
    const t = Date.now();
    const alive = `worker-alive-${t}`;
    const dead = `worker-dead-${t}`;
    const unknownFresh = `worker-new-${t}`;
    const unknownOld = `worker-gone-${t}`;
    await db.execute(sql`insert into job_runners (instance_id, worker_ids, host, pid, seen_at) values
      (${`runner-alive-${t}`}, array[${alive}]::text[], 'test', '1', now()),
      (${`runner-dead-${t}`}, array[${dead}]::text[], 'test', '2', now() - interval '5 minutes')`);
    await lockedJob(`hb-alive-${t}`, alive, 600); // a long job of a live runner
    await lockedJob(`hb-dead-${t}`, dead, 300);
    await lockedJob(`hb-new-${t}`, unknownFresh, 1); // taken a second ago, before its runner's first beat
    await lockedJob(`hb-gone-${t}`, unknownOld, 300);

    const freed = await freeDeadRunnersJobs(pool(), 120_000);
    expect(freed.sort()).toEqual([dead, unknownOld].sort());
    expect((await job(`hb-alive-${t}`))?.locked_by).toBe(alive);
    expect((await job(`hb-new-${t}`))?.locked_by).toBe(unknownFresh);
    expect((await job(`hb-dead-${t}`))?.locked_by).toBeNull();
    expect((await job(`hb-gone-${t}`))?.locked_by).toBeNull();
    for (const k of ["alive", "dead", "new", "gone"]) await db.execute(sql`select graphile_worker.remove_job(${`hb-${k}-${t}`})`);
    await db.execute(sql`delete from job_runners where instance_id like ${`runner-%-${t}`}`);
  });

  it("a real runner process: SIGKILLed while its job hangs, the job is freed by another runner's beat and then runs to the end", async () => {
    const key = `hb-kill-${Date.now()}`;
    const BEAT = 200;
    const DEAD_AFTER = 1_500;
    // One process (node with tsx's loader), so SIGKILL reaches the runner itself: the tsx command
    // would run it in a child of its own, which a SIGKILL to tsx leaves running.
    child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/lib/server-only.mjs", "lib/testing/hanging-runner.ts", String(BEAT), String(DEAD_AFTER)], {
      env: { ...process.env, DATABASE_URL: databaseUrl() },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on("data", (d: Buffer) => String(d).includes("ready") && resolve());
      child!.once("exit", (code) => reject(new Error(`the hanging runner exited with ${code}`)));
    });
    await db.execute(sql`select graphile_worker.add_job('test.hang', '{}'::json, job_key => ${key})`);
    await expect.poll(async () => (await job(key))?.locked_by ?? null, { timeout: 15_000 }).not.toBeNull();
    const holder = (await job(key))!.locked_by!;

    // Alive and beating: well past DEAD_AFTER, the job stays with it.
    await new Promise((r) => setTimeout(r, DEAD_AFTER * 2));
    expect(await freeDeadRunnersJobs(pool(), DEAD_AFTER)).toEqual([]);
    expect((await job(key))?.locked_by).toBe(holder);

    // Killed: no release, no goodbye. Another runner's heartbeat frees the job once the dead one's is old.
    child.kill("SIGKILL");
    await new Promise((r) => child!.once("exit", r));
    const events: WorkerEvents = new EventEmitter();
    const other = startHeartbeat(events, databaseUrl(), { beatMs: 60_000, deadAfterMs: DEAD_AFTER });
    try {
      await expect.poll(() => other.beat(), { timeout: 10_000, interval: 300 }).toContain(holder);
    } finally {
      await other.stop();
    }
    expect((await job(key))?.locked_by).toBeNull();

    // The next runner takes it and finishes it.
    let ran = 0;
    await runOnce({ connectionString: databaseUrl(), taskList: { "test.hang": async () => void ran++ } });
    expect(ran).toBe(1);
    expect(await job(key)).toBeUndefined();
  });
});
