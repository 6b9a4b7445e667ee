"use server";

import { z } from "zod";
import { inTransaction } from "@/db/transaction";
import { validatedAction } from "@/lib/auth/action";
import { db } from "@/db";
import { checkRefund, refundOrder, type RefundPreview, type RefundResult } from "@/lib/orders/refund";
import { idParam } from "@/lib/http/params";
import { isSimulated } from "@/lib/payments";

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
  // A drain the refund made due is a durable job added in its transaction (lib/orders/refund.ts).
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

export type RefundCheck = Omit<RefundPreview, "provider"> & { simulated: boolean };

/**
 * What refunding one of the merchant's own orders would do now, or (as `{ error }`) why it cannot
 * be refunded: the dialog asks this before it offers the refund. Reads only.
 */
export const checkRefundAction = validatedAction(z.object({ orderId: refundSchema.shape.orderId }), "merchant", async (input, { viewer }): Promise<RefundCheck> => {
  const { provider, ...preview } = await db.transaction((tx) => checkRefund(tx, { orderId: input.orderId, actor: { userId: viewer.userId, role: "merchant" } }), {
    accessMode: "read only",
  });
  return { ...preview, simulated: isSimulated(provider) };
});
