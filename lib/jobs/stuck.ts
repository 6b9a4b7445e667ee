import "server-only";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { mapFirst, mapRows } from "@/db/rows";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { requireOperator } from "@/lib/roles";

export type StuckJob = {
  id: number;
  task: string;
  /** The job's key: what it is about (e.g. `refund:RF…01`). */
  key: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
};

// A job the runner gave up on keeps its row with attempts = max_attempts; one that succeeded is
// deleted. graphile_worker.jobs is the runner's public view of its job table.
const STUCK = sql`attempts >= max_attempts and locked_at is null`;

/** Jobs whose retries are exhausted, newest first: what the operator console lists. */
export async function listStuckJobs(conn: Db | Tx, limit = 100): Promise<StuckJob[]> {
  const res = await conn.execute(sql`
    select id, task_identifier, key, attempts, last_error, created_at, updated_at
    from graphile_worker.jobs where ${STUCK}
    order by updated_at desc, id desc limit ${limit}`);
  return mapRows(res, (r) => ({
    id: r.int("id"),
    task: r.str("task_identifier"),
    key: r.strOrNull("key"),
    attempts: r.int("attempts"),
    lastError: r.strOrNull("last_error")?.slice(0, 500) || null,
    createdAt: r.date("created_at"),
    updatedAt: r.date("updated_at"),
  }));
}

/**
 * An operator runs a stuck job again: its attempts start over and it is due now. Audited with the
 * job's task, key and last error. Refused for a job that is not stuck (finished, running, or still
 * being retried on its own).
 */
export async function retryStuckJob(tx: Tx, args: { jobId: number; actorUserId: number }): Promise<void> {
  await requireOperator(tx, args.actorUserId);
  const res = await tx.execute(sql`
    select task_identifier, key, attempts, last_error from graphile_worker.jobs where id = ${args.jobId} and ${STUCK}`);
  const job = mapFirst(res, (r) => ({ task: r.str("task_identifier"), key: r.strOrNull("key"), attempts: r.int("attempts"), lastError: r.strOrNull("last_error") }));
  if (!job) throw new DomainError("not_allowed", "job.notStuck");
  const done = await tx.execute(sql`
    select id from graphile_worker.reschedule_jobs(array[${args.jobId}]::bigint[], run_at => now(), attempts => 0)`);
  if (done.rows.length !== 1) throw new DomainError("not_allowed", "job.notStuck");
  await recordAudit(tx, {
    actorUserId: args.actorUserId,
    action: "job.retry",
    subjectType: "job",
    subjectId: args.jobId,
    reason: job.lastError?.slice(0, 200) ?? undefined,
    details: { task: job.task, key: job.key, attempts: job.attempts },
  });
}
