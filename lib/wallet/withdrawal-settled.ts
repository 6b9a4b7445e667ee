import "server-only";
import type { Tx } from "@/db";
import { recordAudit } from "@/lib/audit/record";
import { notifyWithdrawal } from "@/lib/notifications/notify";

/** How an approved withdrawal ended at the provider. */
export type WithdrawalSettledEvent = {
  withdrawalId: number;
  userId: number;
  amountFen: number;
  outBillNo: string;
  provider: string;
  outcome: "paid" | "failed";
  /** The provider's reason, for a failed transfer (the customer sees it). */
  reason: string | null;
};

/**
 * Called once, in the transaction that records a withdrawal as paid or failed (and posts its
 * money), from settleWithdrawal. Everything that follows the outcome belongs here, in the same
 * transaction: the audit entry, and telling the customer.
 */
export async function withdrawalSettled(tx: Tx, e: WithdrawalSettledEvent): Promise<void> {
  await recordAudit(tx, {
    // The provider decided, not a person.
    actorUserId: null,
    action: e.outcome === "paid" ? "withdrawal.paid" : "withdrawal.failed",
    subjectType: "withdrawal",
    subjectId: e.withdrawalId,
    reason: e.reason ?? undefined,
    details: { userId: e.userId, amountFen: e.amountFen, outBillNo: e.outBillNo, provider: e.provider },
  });
  // Delivered after commit by the notification job; the wallet shows a failed transfer's reason.
  await notifyWithdrawal(tx, { userId: e.userId, withdrawalId: e.withdrawalId, outcome: e.outcome, amountFen: e.amountFen });
}
