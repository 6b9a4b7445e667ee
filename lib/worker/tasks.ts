import "server-only";
import type { Task } from "graphile-worker";
import { db } from "@/db";
import { inTransaction } from "@/db/transaction";
import { pruneThrottles } from "@/lib/auth/throttle";
import { pruneSmsCodes } from "@/lib/auth/sms-code";
import { parseJobPayload, type JobName } from "@/lib/jobs";
import { scheduledAt, type ScheduledTask } from "@/lib/jobs/schedule";
import { log } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { settlePendingOrders } from "@/lib/orders/query-pending";
import { deliverNotification, type DeliverDeps } from "@/lib/notifications/deliver";
import { sendRefund, type ProviderFor } from "@/lib/orders/refund-provider";
import { sendWithdrawal } from "@/lib/wallet/withdrawal-transfer";
import { requestYesterday, runReconcileJob } from "@/lib/reconcile/run";
import { shanghaiDay } from "@/lib/points/day";
import { expireLots } from "@/lib/points/expire";
import { warnExpiringPoints } from "@/lib/points/expiry-warning";
import { runDailyRelease } from "@/lib/points/release";
import { drainQueue } from "@/lib/queue/drain";
import { sweepReadyQueues } from "@/lib/queue/sweep";

/** What the tasks may be given instead of the real thing (tests pass a recording provider). */
export type TaskDeps = { providerFor?: ProviderFor; notifications?: DeliverDeps };

/** A run that left work undone fails, so the runner retries it (up to the schedule's attempts). */
function failIfIncomplete(what: string, run: { failed?: number; unavailable?: number }): void {
  const failed = run.failed ?? 0;
  const unavailable = run.unavailable ?? 0;
  if (failed > 0 || unavailable > 0) throw new Error(`${what}: ${failed} failed, ${unavailable} unavailable (details logged above)`);
}

/**
 * Calls a budgeted domain job (it stops after ~50 s and answers `done: false`) until it is done:
 * the cron routes answer between calls, a worker has no request to answer.
 */
async function untilDone<R extends { done: boolean; failed: number }>(call: () => Promise<R>): Promise<R> {
  for (;;) {
    const r = await call();
    if (r.done || r.failed > 0) return r;
  }
}

/**
 * The task of every job in lib/jobs and every line of lib/jobs/schedule.ts, by name: each parses
 * its payload (a malformed one fails the job, visibly) and calls one domain function, the same one
 * the job's cron route calls. A task that throws is retried by the runner with backoff, up to the
 * job's attempts. Every one is safe to run twice.
 */
export function taskList(deps: TaskDeps = {}): Record<JobName | ScheduledTask, Task> {
  return {
    "refund.send": async (payload) => {
      await sendRefund(parseJobPayload("refund.send", payload), deps.providerFor);
    },
    "withdrawal.send": async (payload) => {
      await sendWithdrawal(parseJobPayload("withdrawal.send", payload), deps.providerFor);
    },
    "reconcile.day": async (payload) => {
      await runReconcileJob(parseJobPayload("reconcile.day", payload), deps.providerFor);
    },
    "queue.drain": async (payload, helpers) => {
      const { queueId } = parseJobPayload("queue.drain", payload);
      const r = await drainQueue(queueId);
      const m = metrics();
      // created_at is the first add of this job: a burst's later adds replace it without moving that.
      m.drainLatency.observe(Math.max(0, Date.now() - new Date(helpers.job.created_at).getTime()) / 1000);
      m.drainPayouts.inc(r.paid);
      m.drainPaidFen.inc(r.paidFen);
      if (r.paid > 0) log.info({ queueId, paid: r.paid, paidFen: r.paidFen }, "queue drained");
    },
    "points.release": async (payload) => {
      // The Shanghai day the run was due for: a run made up after an outage releases its own day.
      const day = shanghaiDay(scheduledAt(payload));
      failIfIncomplete(`release of ${day}`, await untilDone(() => runDailyRelease(day)));
    },
    "points.expire": async () => {
      failIfIncomplete("points expiry", await untilDone(() => expireLots(new Date())));
    },
    "queue.sweep": async () => {
      failIfIncomplete("sweep", await sweepReadyQueues());
    },
    "points.warn": async () => {
      await warnExpiringPoints();
    },
    "reconcile.yesterday": async (payload) => {
      // The day the run was due for: a run made up after an outage asks for its own yesterday.
      await inTransaction((tx) => requestYesterday(tx, scheduledAt(payload)));
    },
    "orders.expire": async () => {
      const run = await settlePendingOrders();
      failIfIncomplete("pending-payment query", run.queried);
      failIfIncomplete("pending-order expiry", run);
    },
    "auth.prune": async () => {
      await pruneThrottles(db);
      await pruneSmsCodes(db);
    },
    "notification.deliver": async (payload) => {
      await deliverNotification(parseJobPayload("notification.deliver", payload).notificationId, deps.notifications);
    },
  };
}
