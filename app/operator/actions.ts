"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { db } from "@/db";
import { recordAudit } from "@/lib/audit/record";
import { validatedAction } from "@/lib/auth/action";
import { drainQueue } from "@/lib/queue/drain";
import { readyQueues } from "@/lib/queue/ready";
import { idParam } from "@/lib/http/params";
import { log } from "@/lib/observability/log";

const PAYOUTS_PATH = "/operator/payouts";

const runQueueSchema = z.object({
  queueId: idParam("operator.invalidQueue"),
});

/** Runs the FIFO payout of one queue (paying only what its pool covers) and audits it. */
export const runQueuePayoutAction = validatedAction(runQueueSchema, "operator", async ({ queueId }, { viewer }) => {
  const result = await drainQueue(queueId);
  await recordAudit(db, {
    actorUserId: viewer.userId,
    action: "queue.drain",
    subjectType: "queue",
    subjectId: queueId,
    details: result,
  });
  revalidatePath(PAYOUTS_PATH);
  return { queueId, paid: result.paid, paidFen: result.paidFen };
});

/**
 * Runs the payout of every queue whose pool covers its head, one after another, with an audit
 * entry per queue. One queue failing does not stop the others; the result counts the failures.
 */
export const runAllPayoutsAction = validatedAction(z.object({}), "operator", async (_data, { viewer }) => {
  const ready = await readyQueues();
  let paid = 0;
  let paidFen = 0;
  let failed = 0;
  for (const q of ready) {
    let result;
    try {
      result = await drainQueue(q.queueId);
    } catch (e) {
      failed += 1;
      log.error({ queueId: q.queueId, err: e }, "operator payout failed");
      await recordAudit(db, {
        actorUserId: viewer.userId,
        action: "queue.drain",
        subjectType: "queue",
        subjectId: q.queueId,
        details: { all: true, failed: true },
      }).catch((auditError: unknown) => log.error({ err: auditError }, "audit of a failed payout failed"));
      continue;
    }
    paid += result.paid;
    paidFen += result.paidFen;
    await recordAudit(db, {
      actorUserId: viewer.userId,
      action: "queue.drain",
      subjectType: "queue",
      subjectId: q.queueId,
      details: { ...result, all: true },
    });
  }
  revalidatePath(PAYOUTS_PATH);
  return { queues: ready.length, paid, paidFen, failed };
});
