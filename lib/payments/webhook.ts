import { inTransaction } from "@/db/transaction";
import { markOrderPaid, type PaidOrder } from "@/lib/orders/pay";
import type { PaymentEvent } from "./provider";

/** Applies a verified payment event: the order becomes paid, once. */
export async function applyPaymentEvent(event: PaymentEvent): Promise<PaidOrder> {
  return inTransaction((tx) =>
    markOrderPaid(tx, { orderNo: event.orderNo, amountFen: event.amountFen, providerRef: event.providerRef }),
  );
}
