"use server";

import { after } from "next/server";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { refundOrder, type RefundResult } from "@/lib/orders/refund";
import { drainQueue } from "@/lib/queue/drain";
import { idParam } from "@/lib/http/params";

const refundSchema = z.object({
  orderId: idParam("refund.invalidOrder"),
  reason: z.string().trim().max(200, "refund.reasonTooLong").optional(),
});

export type RefundDone = Pick<
  RefundResult,
  "orderNo" | "refundedFen" | "shortfallFen" | "cancelledEntries" | "pointsFromLocked" | "pointsFromAvailable" | "pointsReturned"
>;

/** Refunds one of the merchant's own orders; refusals come back as `{ error }` with the reason. */
export const merchantRefundAction = validatedAction(refundSchema, "merchant", async (input, { viewer }): Promise<RefundDone> => {
  const r = await inTransaction((tx) =>
    refundOrder(tx, { orderId: input.orderId, actor: { userId: viewer.userId, role: "merchant" }, reason: input.reason }),
  );
  scheduleDrain(r);
  return {
    orderNo: r.orderNo,
    refundedFen: r.refundedFen,
    shortfallFen: r.shortfallFen,
    cancelledEntries: r.cancelledEntries,
    pointsFromLocked: r.pointsFromLocked,
    pointsFromAvailable: r.pointsFromAvailable,
    pointsReturned: r.pointsReturned,
  };
});

function scheduleDrain(r: RefundResult): void {
  if (!r.drainDue) return;
  // Cancelling the head can make the pool cover the next entry; the sweep is the safety net.
  after(async () => {
    try {
      await drainQueue(r.queueId);
    } catch (e) {
      console.error(`[drain] queue ${r.queueId} after a refund failed:`, e);
    }
  });
}
