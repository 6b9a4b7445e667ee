import { EventEmitter } from "node:events";
import { sql } from "drizzle-orm";
import type { Worker, WorkerEvents } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { db } from "@/db";
import { databaseUrl } from "@/lib/env";
import { unlockOnFatalError } from "./unlock";

const lockedBy = async (key: string) =>
  (await db.execute<{ locked_by: string | null }>(sql`select locked_by from graphile_worker.jobs where key = ${key}`)).rows[0]?.locked_by;

describe("a job runner that died holding a job (graphile-worker's 'committing seppuku')", () => {
  it("has its job freed as soon as graphile-worker reports it dead, not 4 hours later", async () => {
    const key = `test:dead-worker-${Date.now()}`;
    const workerId = `worker-dead-${Date.now()}`;
    await db.execute(sql`select graphile_worker.add_job('test.dead', '{}'::json, job_key => ${key})`);
    // As the dead worker left it: locked by that worker, whose release never reached the database.
    await db.execute(sql`update graphile_worker._private_jobs set locked_by = ${workerId}, locked_at = now() where key = ${key}`);
    expect(await lockedBy(key)).toBe(workerId);

    const events: WorkerEvents = new EventEmitter();
    unlockOnFatalError(events, databaseUrl(), { waitMs: 50 });
    events.emit("worker:fatalError", { worker: { workerId } as Worker, error: new Error("Connection terminated"), jobError: new Error("provider timed out") });

    await expect.poll(() => lockedBy(key), { timeout: 5_000 }).toBeNull();
    await db.execute(sql`select graphile_worker.remove_job(${key})`);
  });
});
