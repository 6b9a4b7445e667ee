"use server";

import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { errorText } from "@/i18n/errors";
import { validatedAction } from "@/lib/auth/action";
import { isDomainError } from "@/lib/errors";
import { exitQuote, leaveQueue, type ExitQuote } from "@/lib/queue/leave";
import { idParam } from "@/lib/http/params";

const entryId = idParam("queue.entryInvalid");

/** What the leave dialog shows before the customer confirms. */
export type ExitQuoteView = Pick<ExitQuote, "entryId" | "queueName" | "targetFen" | "exitCompBps" | "fullPoints" | "poolFen" | "points" | "capped">;

function view(q: ExitQuote): ExitQuoteView {
  const { entryId, queueName, targetFen, exitCompBps, fullPoints, poolFen, points, capped } = q;
  return { entryId, queueName, targetFen, exitCompBps, fullPoints, poolFen, points, capped };
}

/** The exact compensation for leaving one of the viewer's own waiting entries, right now. */
export const quoteExitAction = validatedAction(z.object({ entryId }), "any", async (input, { viewer }) => {
  return { quote: view(await exitQuote(input.entryId, viewer.userId)) };
});

export type LeaveOutcome =
  | { outcome: "left"; points: number }
  | { outcome: "already_left" }
  /** The compensation changed since it was shown: nothing happened, here is the new figure. */
  | { outcome: "changed"; message: string; quote: ExitQuoteView };

const leaveSchema = z.object({
  entryId,
  expectedPoints: z.coerce.number({ error: "form.refresh" }).int().min(0).max(Number.MAX_SAFE_INTEGER),
});

/** Leaves one of the viewer's waiting entries, for exactly the compensation the viewer was shown. */
export const leaveQueueAction = validatedAction(leaveSchema, "any", async (input, { viewer }): Promise<LeaveOutcome> => {
  let result;
  try {
    result = await inTransaction((tx) =>
      leaveQueue(tx, { entryId: input.entryId, customerId: viewer.userId, expectedPoints: input.expectedPoints }),
    );
  } catch (e) {
    if (isDomainError(e) && e.code === "conflict") {
      return { outcome: "changed", message: await errorText(e.message, e.params), quote: view(await exitQuote(input.entryId, viewer.userId)) };
    }
    throw e;
  }
  if (result.outcome === "already_left") return { outcome: "already_left" };
  // A drain the leave made due is a durable job added in its transaction (lib/queue/leave.ts).
  return { outcome: "left", points: result.compensationPoints };
});
