import "server-only";
import type { Task } from "graphile-worker";
import { parseJobPayload, type JobName } from "@/lib/jobs";
import { deliverNotification, type DeliverDeps } from "@/lib/notifications/deliver";
import { sendRefund, type ProviderFor } from "@/lib/orders/refund-provider";

/** What the tasks may be given instead of the real thing (tests pass a recording provider). */
export type TaskDeps = { providerFor?: ProviderFor; notifications?: DeliverDeps };

/**
 * The task of every job in lib/jobs, by name: each parses its payload with the job's zod schema
 * (a malformed one fails the job, visibly) and calls one domain function. A task that throws is
 * retried by the runner with backoff, up to the job's attempts.
 */
export function taskList(deps: TaskDeps = {}): Record<JobName, Task> {
  return {
    "refund.send": async (payload) => {
      await sendRefund(parseJobPayload("refund.send", payload), deps.providerFor);
    },
    "notification.deliver": async (payload) => {
      await deliverNotification(parseJobPayload("notification.deliver", payload).notificationId, deps.notifications);
    },
  };
}
