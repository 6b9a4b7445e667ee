import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { db, type Tx } from "@/db";
import { mapFirst } from "@/db/rows";
import { paymentRefunds, paymentRefundStatus } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { requireOperator } from "@/lib/roles";
import { addJob, type JobPayload } from "@/lib/jobs";
import { platformAccounts, post, refundsPendingAccount } from "@/lib/ledger";
import { paymentProvider, type PaymentProvider } from "@/lib/payments";
import type { MoneyOutResult } from "@/lib/payments/provider";
import { nextAttempt } from "./refund";
import { notify } from "@/lib/notifications/notify";

/** Finds an order's payment provider; tests pass a recording fake. */
export type ProviderFor = (id: string) => PaymentProvider;

/** A refund the provider accepted but has not finished: the job asks again later (with backoff). */
export class RefundStillProcessing extends Error {
  override name = "RefundStillProcessing";
}

/** An error's message for the operator: bounded, one line. */
function describe(e: unknown): string {
  const m = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return m.replace(/\s+/g, " ").slice(0, 300);
}

/**
 * The `refund.send` job: asks the order's provider for a committed refund, by its stable out-id,
 * and records the answer. It runs after the refund's transaction committed and calls the provider
 * outside any transaction. A refund that is no longer pending, or whose out-id has moved on (an
 * operator retried a failed one), is left alone: so a repeated job, a retry after a crash or a
 * second worker calls the provider only with the one out-id the row holds, which the provider
 * deduplicates. A call that throws (timeout, 5xx) is noted on the row and rethrown, so the runner
 * retries it with backoff; an accepted but unfinished refund is asked again later by query.
 */
export async function sendRefund(job: JobPayload<"refund.send">, providerFor: ProviderFor = paymentProvider): Promise<MoneyOutResult["state"] | "skipped"> {
  const res = await db.execute(sql`
    select r.id, r.order_id, o.order_no, coalesce(r.returned_payment_ref, o.provider_ref) as payment_ref, o.cash_fen, r.provider, r.status,
           r.out_refund_no, r.amount_fen, r.reason, r.accepted_at
    from payment_refunds r join orders o on o.id = r.order_id
    where r.id = ${job.refundId}`);
  const row = mapFirst(res, (r) => ({
    id: r.int("id"),
    orderNo: r.str("order_no"),
    paymentRef: r.strOrNull("payment_ref"),
    cashFen: r.int("cash_fen"),
    provider: r.str("provider"),
    status: r.oneOf("status", paymentRefundStatus.enumValues),
    outRefundNo: r.str("out_refund_no"),
    amountFen: r.int("amount_fen"),
    reason: r.strOrNull("reason"),
    accepted: r.dateOrNull("accepted_at") !== null,
  }));
  if (!row || row.status !== "pending" || row.outRefundNo !== job.outRefundNo) return "skipped";

  const provider = providerFor(row.provider);
  let result: MoneyOutResult;
  try {
    result = row.accepted
      ? await provider.queryRefund({ outRefundNo: row.outRefundNo, orderNo: row.orderNo })
      : await provider.refund({
          outRefundNo: row.outRefundNo,
          orderNo: row.orderNo,
          paymentRef: row.paymentRef,
          refundFen: row.amountFen,
          totalFen: row.cashFen,
          reason: row.reason ?? undefined,
        });
  } catch (e) {
    await db
      .update(paymentRefunds)
      .set({ lastError: describe(e) })
      .where(and(eq(paymentRefunds.id, row.id), eq(paymentRefunds.status, "pending"), eq(paymentRefunds.outRefundNo, row.outRefundNo)));
    throw e;
  }
  await inTransaction((tx) => settleRefund(tx, row.outRefundNo, result));
  if (result.state === "processing") throw new RefundStillProcessing(`refund ${row.outRefundNo} is still processing at ${row.provider}`);
  return result.state;
}

/**
 * Records the provider's answer for a refund, from the job's call, a query or the provider's
 * notification, once: only a pending refund with this out-id changes. Succeeded: the cash owed to
 * the customer leaves through the payment rails (refund_sent). Failed: the reason is kept and the
 * cash stays owed to the customer (refunds_pending) until an operator retries. Processing: noted, so
 * the next try queries instead of asking again. Returns whether this answer changed the refund.
 */
export async function settleRefund(tx: Tx, outRefundNoValue: string, result: MoneyOutResult): Promise<boolean> {
  const pending = and(eq(paymentRefunds.outRefundNo, outRefundNoValue), eq(paymentRefunds.status, "pending"));
  // A provider's reference, once given, is kept when a later answer comes without one.
  const providerRef = sql`coalesce(${result.providerRef ?? null}, ${paymentRefunds.providerRef})`;
  if (result.state === "processing") {
    const r = await tx
      .update(paymentRefunds)
      .set({ acceptedAt: sql`coalesce(${paymentRefunds.acceptedAt}, now())`, providerRef, lastError: null })
      .where(pending);
    return (r.rowCount ?? 0) > 0;
  }
  if (result.state === "failed") {
    const r = await tx
      .update(paymentRefunds)
      .set({ status: "failed", failureReason: result.reason.slice(0, 300) || "refused", providerRef, settledAt: sql`now()`, lastError: null })
      .where(pending);
    return (r.rowCount ?? 0) > 0;
  }
  // The guarded update is the once-only gate: a concurrent confirmation waits on the row, then
  // finds it no longer pending and posts nothing.
  const done = await tx.execute(sql`
    update payment_refunds r set status = 'succeeded', provider_ref = ${result.providerRef}, settled_at = now(), last_error = null
    from orders o
    where r.out_refund_no = ${outRefundNoValue} and r.status = 'pending' and o.id = r.order_id
    returning r.order_id, o.customer_id, r.amount_fen, o.queue_id, o.order_no`);
  const row = mapFirst(done, (r) => ({
    orderId: r.int("order_id"),
    customerId: r.int("customer_id"),
    amountFen: r.int("amount_fen"),
    queueId: r.int("queue_id"),
    orderNo: r.str("order_no"),
  }));
  if (!row) return false;
  const platform = await platformAccounts(tx);
  const owed = await refundsPendingAccount(tx, row.customerId);
  await post(tx, {
    kind: "refund_sent",
    orderId: row.orderId,
    queueId: row.queueId,
    // No reason: the provider's reference is kept on the refund row (a long token here would also
    // widen the ledger's account pages).
    legs: [
      { accountId: owed, asset: "CNY", amount: -row.amountFen },
      { accountId: platform.world, asset: "CNY", amount: row.amountFen },
    ],
  });
  // One notification per refund sent: an order can have its own refund and a returned payment's.
  await notify(tx, row.customerId, "refund_done", { orderNo: row.orderNo, amountFen: row.amountFen }, `refund:${outRefundNoValue}`);
  return true;
}

/**
 * An operator asks the provider again for a refund it refused for good (status failed). The cash
 * never left (it is still owed to the customer), so nothing is posted: the refund gets the next
 * out-id (the provider treats the old one as finished), becomes pending again, and a new job asks
 * for it after commit. Audited with the old out-id and the provider's reason.
 */
export async function retryFailedRefund(tx: Tx, args: { orderId: number; actorUserId: number }): Promise<{ outRefundNo: string }> {
  await requireOperator(tx, args.actorUserId);
  // An order has its own refund and perhaps returned payments: the failed one is retried.
  const res = await tx.execute(sql`
    select r.id, r.status, r.attempt, r.out_refund_no, r.failure_reason, o.order_no
    from payment_refunds r join orders o on o.id = r.order_id
    where r.order_id = ${args.orderId}
    order by (r.status = 'failed') desc, r.id limit 1
    for no key update of r`);
  const row = mapFirst(res, (r) => ({
    id: r.int("id"),
    status: r.oneOf("status", paymentRefundStatus.enumValues),
    attempt: r.int("attempt"),
    outRefundNo: r.str("out_refund_no"),
    failureReason: r.strOrNull("failure_reason"),
    orderNo: r.str("order_no"),
  }));
  if (!row) throw new DomainError("not_found", "refund.orderNotFound");
  if (row.status !== "failed") throw new DomainError("not_allowed", "refund.retryNotFailed", undefined, { orderNo: row.orderNo });
  const attempt = row.attempt + 1;
  const next = nextAttempt(row.outRefundNo, attempt);
  await tx
    .update(paymentRefunds)
    .set({ status: "pending", attempt, outRefundNo: next, failureReason: null, providerRef: null, acceptedAt: null, settledAt: null, lastError: null })
    .where(eq(paymentRefunds.id, row.id));
  await addJob(tx, "refund.send", { refundId: row.id, outRefundNo: next });
  await recordAudit(tx, {
    actorUserId: args.actorUserId,
    action: "refund.retry",
    subjectType: "order",
    subjectId: row.orderNo,
    reason: row.failureReason ?? undefined,
    details: { previousOutRefundNo: row.outRefundNo, outRefundNo: next, attempt },
  });
  return { outRefundNo: next };
}
