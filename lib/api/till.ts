import "server-only";
import type { Tx } from "@/db";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { createPosOrder, type PosOrderResponse } from "./orders";
import { ApiProblem } from "./problem";

/**
 * An order paid at the store's till, recorded from the console by the owner or a cashier: the same
 * path as a POS call (`createPosOrder`), so the rules, the ledger and the idempotency are one.
 * `requestKey` is drawn by the form when it is shown: a double submit or a retry after a timeout
 * returns the first order and posts nothing. The keys live in the store's POS key space under
 * `till:`, so a key of the POS API cannot meet them by accident.
 */
export async function recordTillOrder(
  tx: Tx,
  args: { merchantId: number; userId: number; customer: string; amountFen: number; requestKey: string },
): Promise<{ order: PosOrderResponse; replayed: boolean }> {
  try {
    const result = await createPosOrder(tx, {
      merchantId: args.merchantId,
      idempotencyKey: `till:${args.requestKey}`,
      input: { customer: args.customer.trim().toLowerCase(), amount_fen: args.amountFen, pos_ref: `till-${args.userId}` },
    });
    if (!result.replayed) {
      await recordAudit(tx, {
        actorUserId: args.userId,
        action: "till.order",
        subjectType: "merchant",
        subjectId: args.merchantId,
        details: { orderNo: result.body.order_no, amountFen: result.body.amount_fen },
      });
    }
    return { order: result.body, replayed: result.replayed };
  } catch (e) {
    if (e instanceof ApiProblem && e.code === "unknown_customer") throw new DomainError("not_found", "till.unknownCustomer", "customer");
    if (e instanceof ApiProblem && e.code === "idempotency_conflict") throw new DomainError("conflict", "till.resubmitted");
    throw e;
  }
}
