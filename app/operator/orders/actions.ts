"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { refundOrder } from "@/lib/orders/refund";
import { retryFailedRefund } from "@/lib/orders/refund-provider";
import { idParam } from "@/lib/http/params";

const refundSchema = z.object({
  orderId: idParam("refund.invalidOrder"),
  reason: z.string().trim().min(2, "refund.reasonRequired").max(200, "refund.reasonTooLong"),
});

/**
 * Refunds any store's order, with a required reason. The refund, its ledger reversal and its audit
 * record commit together (lib/orders/refund.ts); refusals come back as `{ error }` with the reason.
 */
export const operatorRefundAction = validatedAction(refundSchema, "operator", async (input, { viewer }) => {
  const r = await inTransaction((tx) =>
    refundOrder(tx, { orderId: input.orderId, actor: { userId: viewer.userId, role: "operator" }, reason: input.reason }),
  );
  // A drain the refund made due is a durable job added in its transaction (lib/orders/refund.ts).
  revalidatePath("/operator/orders");
  return {
    orderNo: r.orderNo,
    refundedFen: r.refundedFen,
    shortfallFen: r.shortfallFen,
    cancelledEntries: r.cancelledEntries,
    pointsTaken: r.pointsFromLocked + r.pointsFromAvailable,
    pointsReturned: r.pointsReturned,
  };
});

/**
 * Asks the provider again for a refund it refused (status failed), under the next out-id; a job
 * calls it after commit. Operator only, audited (lib/orders/refund-provider.ts).
 */
export const retryRefundAction = validatedAction(z.object({ orderId: idParam("refund.invalidOrder") }), "operator", async (input, { viewer }) => {
  const r = await inTransaction((tx) => retryFailedRefund(tx, { orderId: input.orderId, actorUserId: viewer.userId }));
  revalidatePath("/operator/orders");
  return { outRefundNo: r.outRefundNo };
});
