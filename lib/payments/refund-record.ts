import { randomUUID } from "node:crypto";
import type { Tx } from "@/db";
import { pgCode, pgConstraint } from "@/db/errors";
import { paymentRefunds } from "@/db/schema";
import { DomainError } from "@/lib/errors";

/** A refund of an order's cash, recorded in the refund's own transaction. */
export type RecordedRefund = {
  orderId: number;
  orderNo: string;
  /** Cash to return, in fen (the points part is returned as points, not through the provider). */
  amountFen: number;
  actorUserId: number;
  reason?: string;
};

/** Providers whose refund moves no money through a provider's API, so it can be recorded inline. */
const INLINE = new Set(["dev", "pos"]);

/**
 * Records a refund that moves no money through a provider's API (the dev provider's simulated one, or cash
 * handed back at the store's own till for a POS order) under a generated reference
 * `<provider>_refund_…`, as a real provider's receipt would be recorded. A second refund of the
 * same order hits the unique key and is refused.
 */
export async function recordRefund(tx: Tx, provider: string, req: RecordedRefund): Promise<{ providerRef: string }> {
  // A WeChat Pay or Alipay refund must call the provider after commit (the outbox); until that
  // path exists such an order is refused here rather than marked refunded without its money.
  if (!INLINE.has(provider)) throw new DomainError("not_allowed", "refund.providerNotReady", undefined, { orderNo: req.orderNo });
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
