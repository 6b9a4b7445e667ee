import "server-only";
import { inTransaction } from "@/db/transaction";
import { isDomainError } from "@/lib/errors";
import type { PaymentEvent, PaymentProvider } from "@/lib/payments";
import { markOrderPaid, type PaidOrder } from "./pay";
import { log } from "@/lib/observability/log";

/**
 * Applies a verified payment: the order becomes paid, once (I7), and records the provider that
 * took the money (the one a refund must go back through).
 */
export function applyPaymentEvent(providerId: string, event: PaymentEvent): Promise<PaidOrder> {
  return inTransaction((tx) =>
    markOrderPaid(tx, { orderNo: event.orderNo, amountFen: event.amountFen, providerRef: event.providerRef, provider: providerId }),
  );
}

export type NotificationResult = {
  /** The answer for the provider, in its own format. */
  reply: Response;
  /** The payment this notification applied, when it applied one. */
  paid: PaidOrder | null;
};

/**
 * Handles a provider's notification: verifies it (signature, certificate), applies a payment it
 * reports, and answers in the provider's format. A refused notification (bad signature, unknown
 * order, wrong amount) changes nothing and is answered as a failure, so the provider retries and
 * the case shows up in its console and in our log. Unexpected errors propagate (5xx: retried).
 */
export async function acceptNotification(provider: PaymentProvider, rawBody: string, headers: Headers): Promise<NotificationResult> {
  try {
    const note = await provider.verifyNotification(rawBody, headers);
    if (note.kind !== "paid") return { reply: provider.answerNotification({ ok: true }), paid: null };
    const paid = await applyPaymentEvent(provider.id, note.event);
    return { reply: provider.answerNotification({ ok: true, orderNo: paid.orderNo, applied: paid.applied }), paid };
  } catch (e) {
    if (!isDomainError(e)) throw e;
    log.warn({ provider: provider.id, code: e.code, reason: e.message, params: e.params }, "payment notification refused");
    return {
      reply: provider.answerNotification({ ok: false, status: e.status, code: e.code, message: e.message }),
      paid: null,
    };
  }
}
