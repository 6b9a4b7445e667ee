import "server-only";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
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
  const res = await conn.execute<{
    id: number;
    task_identifier: string;
    key: string | null;
    attempts: number;
    last_error: string | null;
    created_at: Date;
    updated_at: Date;
  }>(sql`
    select id, task_identifier, key, attempts, last_error, created_at, updated_at
    from graphile_worker.jobs where ${STUCK}
    order by updated_at desc, id desc limit ${limit}`);
  return res.rows.map((r) => ({
    id: Number(r.id),
    task: r.task_identifier,
    key: r.key,
    attempts: Number(r.attempts),
    lastError: r.last_error ? r.last_error.slice(0, 500) : null,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  }));
}

/**
 * An operator runs a stuck job again: its attempts start over and it is due now. Audited with the
 * job's task, key and last error. Refused for a job that is not stuck (finished, running, or still
 * being retried on its own).
 */
export async function retryStuckJob(tx: Tx, args: { jobId: number; actorUserId: number }): Promise<void> {
  await requireOperator(tx, args.actorUserId);
  const res = await tx.execute<{ task_identifier: string; key: string | null; attempts: number; last_error: string | null }>(sql`
    select task_identifier, key, attempts, last_error from graphile_worker.jobs where id = ${args.jobId} and ${STUCK}`);
  const job = res.rows[0];
  if (!job) throw new DomainError("not_allowed", "job.notStuck");
  const done = await tx.execute(sql`
    select id from graphile_worker.reschedule_jobs(array[${args.jobId}]::bigint[], run_at => now(), attempts => 0)`);
  if (done.rows.length !== 1) throw new DomainError("not_allowed", "job.notStuck");
  await recordAudit(tx, {
    actorUserId: args.actorUserId,
    action: "job.retry",
    subjectType: "job",
    subjectId: args.jobId,
    reason: job.last_error?.slice(0, 200) ?? undefined,
    details: { task: job.task_identifier, key: job.key, attempts: Number(job.attempts) },
  });
}
