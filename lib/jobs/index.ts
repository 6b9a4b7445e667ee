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
