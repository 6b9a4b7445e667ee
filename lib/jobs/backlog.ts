import "server-only";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { mapRows } from "@/db/rows";

/** The jobs of one task by state, as the operator console and the metrics show them. */
export type TaskBacklog = {
  task: string;
  /** Due and waiting for a worker: the backlog. */
  due: number;
  /** Waiting for a later time (a scheduled run, a delayed job). */
  later: number;
  /** Failed at least once; the next try is planned. */
  retrying: number;
  running: number;
  /** Retries used up: listed as stuck, for an operator. */
  failed: number;
  /** How long the oldest due job has waited to start, in seconds (0: none waits). */
  oldestDueSeconds: number;
};

/** Per task, from graphile-worker's public view of its job table (a finished job is deleted). */
export async function jobBacklog(conn: Db | Tx): Promise<TaskBacklog[]> {
  const res = await conn.execute(sql`
    select task_identifier as task,
           count(*) filter (where locked_at is null and attempts = 0 and run_at <= now()) as due,
           count(*) filter (where locked_at is null and attempts = 0 and run_at > now()) as later,
           count(*) filter (where locked_at is null and attempts > 0 and attempts < max_attempts) as retrying,
           count(*) filter (where locked_at is not null) as running,
           count(*) filter (where locked_at is null and attempts >= max_attempts) as failed,
           coalesce(extract(epoch from now() - min(run_at) filter (where locked_at is null and attempts < max_attempts and run_at <= now())), 0) as oldest_due
    from graphile_worker.jobs group by task_identifier order by task_identifier`);
  return mapRows(res, (r) => ({
    task: r.str("task"),
    due: r.int("due"),
    later: r.int("later"),
    retrying: r.int("retrying"),
    running: r.int("running"),
    failed: r.int("failed"),
    oldestDueSeconds: Math.round(r.decimal("oldest_due")),
  }));
}

export type RetryingJob = { id: number; task: string; key: string | null; attempts: number; maxAttempts: number; lastError: string | null; nextTryAt: Date };

/** Jobs that failed and will be tried again by themselves, soonest first. */
export async function retryingJobs(conn: Db | Tx, limit = 50): Promise<RetryingJob[]> {
  const res = await conn.execute(sql`
    select id, task_identifier, key, attempts, max_attempts, last_error, run_at from graphile_worker.jobs
    where locked_at is null and attempts > 0 and attempts < max_attempts
    order by run_at, id limit ${limit}`);
  return mapRows(res, (r) => ({
    id: r.int("id"),
    task: r.str("task_identifier"),
    key: r.strOrNull("key"),
    attempts: r.int("attempts"),
    maxAttempts: r.int("max_attempts"),
    lastError: r.strOrNull("last_error")?.slice(0, 500) || null,
    nextTryAt: r.date("run_at"),
  }));
}
