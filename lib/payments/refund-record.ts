import { randomUUID } from "node:crypto";
import type { Tx } from "@/db";
import { pgCode, pgConstraint } from "@/db/errors";
import { paymentRefunds } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import type { RefundReceipt, RefundRequest } from "./provider";

/**
 * Records a refund that moves no money through us (the dev provider's simulated one, or cash
 * handed back at the store's own till for a POS order) under a generated reference
 * `<provider>_refund_…`, as a real provider's receipt would be recorded. A second refund of the
 * same order hits the unique key and is refused.
 */
export async function recordRefund(tx: Tx, provider: string, req: RefundRequest): Promise<RefundReceipt> {
  const providerRef = `${provider}_refund_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
  try {
    await tx.insert(paymentRefunds).values({
      orderId: req.orderId,
      provider,
      providerRef,
      amountFen: req.amountFen,
      actorUserId: req.actorUserId,
      reason: req.reason ?? null,
    });
  } catch (e) {
    if (pgCode(e) === "23505" && pgConstraint(e) === "payment_refunds_order_key") {
      throw new DomainError("conflict", "refund.alreadyRefunded", undefined, { orderNo: req.orderNo });
    }
    throw e;
  }
  return { providerRef };
}
