import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db";

/**
 * The durable jobs, by name: the payload each one takes (parsed again by the task when it runs),
 * how often it is tried before it is given up (graphile-worker waits exp(min(attempt, 10)) seconds
 * between tries: 3 s, 7 s, 20 s, … then about 6 h), and the key that keeps one job per subject.
 */
export const JOBS = {
  /** Delivers one notification by Web Push and SMS, to the channels its customer allows (lib/notifications). */
  "notification.deliver": {
    payload: z.object({ notificationId: z.number().int().positive() }),
    // About 2 hours of tries: a push or SMS that late is no longer news; the in-app list keeps it.
    maxAttempts: 8,
    key: (p: { notificationId: number }) => `notification:${p.notificationId}`,
  },
  /** Asks the order's payment provider for a committed refund, then records its answer. */
  "refund.send": {
    payload: z.object({ refundId: z.number().int().positive(), outRefundNo: z.string().regex(/^[A-Za-z0-9_]{1,32}$/) }),
    // About 16 hours of tries (3 s, 7 s, 20 s … 6 h): long enough for a provider's outage or a
    // refund it is still processing, short enough that an operator hears of it the same day.
    maxAttempts: 12,
    key: (p: { outRefundNo: string }) => `refund:${p.outRefundNo}`,
  },
  /** Asks the bound account's provider for an approved withdrawal's transfer, then records its answer. */
  "withdrawal.send": {
    payload: z.object({ withdrawalId: z.number().int().positive(), outBillNo: z.string().regex(/^[A-Za-z0-9_]{1,32}$/) }),
    // As refunds: about 16 hours of tries, then the job is listed on /operator/jobs.
    maxAttempts: 12,
    key: (p: { outBillNo: string }) => `withdrawal:${p.outBillNo}`,
  },
  /** Compares one provider's bill of one China-time day with the ledger (lib/reconcile), replacing that day's result. */
  "reconcile.day": {
    payload: z.object({ provider: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/), day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
    // About 3.5 hours of tries: a bill not made yet, or a provider's outage, then the run shows
    // as failed for an operator to re-run.
    maxAttempts: 10,
    key: (p: { provider: string; day: string }) => `reconcile:${p.provider}:${p.day}`,
  },
  /**
   * Pays a queue's covered heads (lib/queue/drain.ts), added in the transaction that made them
   * covered (a payment, a refund, a leave). One key per queue, so a burst of payments to one store
   * makes one waiting drain, not one each; a payment during a running drain adds the next. The
   * drain pays only what the pool covers under the queue lock, so a repeated run pays nothing twice.
   */
  "queue.drain": {
    payload: z.object({ queueId: z.number().int().positive() }),
    // 3 s, 7 s, 20 s … about 1.5 h in all; the every-minute sweep is the net beyond that.
    maxAttempts: 8,
    key: (p: { queueId: number }) => `drain:queue:${p.queueId}`,
  },
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]["payload"]>;

export const JOB_NAMES = Object.keys(JOBS) as JobName[];

/** Parses a job's payload, as its task receives it: a malformed one fails the job, visibly. */
export function parseJobPayload<N extends JobName>(name: N, payload: unknown): JobPayload<N> {
  return JOBS[name].payload.parse(payload) as JobPayload<N>;
}

/**
 * Adds a job in the caller's transaction, on the same handle: it exists only if that transaction
 * commits, and then it is never lost. A job with the same key that has not started yet is replaced
 * (so adding twice makes one job); the runner then calls it after commit.
 */
export async function addJob<N extends JobName>(tx: Tx, name: N, payload: JobPayload<N>, opts: { runAt?: Date } = {}): Promise<void> {
  const def = JOBS[name];
  const body = def.payload.parse(payload);
  const key = def.key(body as never);
  await tx.execute(sql`
    select graphile_worker.add_job(
      ${name}::text,
      payload => ${JSON.stringify(body)}::json,
      run_at => ${opts.runAt ? opts.runAt.toISOString() : null}::timestamptz,
      max_attempts => ${def.maxAttempts}::int,
      job_key => ${key}::text
    )`);
}

/**
 * addJob for many payloads of one job in one statement (graphile_worker.add_jobs), for an event
 * that makes a job per row (a drain batch frees up to a thousand entries under the queue lock).
 */
export async function addJobs<N extends JobName>(tx: Tx, name: N, payloads: JobPayload<N>[]): Promise<void> {
  if (payloads.length === 0) return;
  const def = JOBS[name];
  const bodies = payloads.map((p) => def.payload.parse(p));
  const keys = bodies.map((b) => def.key(b as never));
  await tx.execute(sql`
    select count(*) from graphile_worker.add_jobs(array(
      select row(${name}::text, p::json, null::text, null::timestamptz, ${def.maxAttempts}::int, k, null::int, null::text[])::graphile_worker.job_spec
      from unnest(${sql.param(bodies.map((b) => JSON.stringify(b)))}::text[], ${sql.param(keys)}::text[]) as x(p, k)
    ))`);
}
