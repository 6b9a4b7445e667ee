import "server-only";
import { sql } from "drizzle-orm";
import { db, type Tx } from "@/db";
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

type RefundRow = {
  id: number;
  order_id: number;
  order_no: string;
  payment_ref: string | null;
  cash_fen: number;
  provider: string;
  status: "pending" | "succeeded" | "failed";
  out_refund_no: string;
  amount_fen: number;
  reason: string | null;
  accepted_at: Date | null;
};

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
  const res = await db.execute<RefundRow>(sql`
    select r.id, r.order_id, o.order_no, coalesce(r.returned_payment_ref, o.provider_ref) as payment_ref, o.cash_fen, r.provider, r.status,
           r.out_refund_no, r.amount_fen, r.reason, r.accepted_at
    from payment_refunds r join orders o on o.id = r.order_id
    where r.id = ${job.refundId}`);
  const row = res.rows[0];
  if (!row || row.status !== "pending" || row.out_refund_no !== job.outRefundNo) return "skipped";

  const provider = providerFor(row.provider);
  let result: MoneyOutResult;
  try {
    result = row.accepted_at
      ? await provider.queryRefund({ outRefundNo: row.out_refund_no, orderNo: row.order_no })
      : await provider.refund({
          outRefundNo: row.out_refund_no,
          orderNo: row.order_no,
          paymentRef: row.payment_ref,
          refundFen: Number(row.amount_fen),
          totalFen: Number(row.cash_fen),
          reason: row.reason ?? undefined,
        });
  } catch (e) {
    await db.execute(sql`
      update payment_refunds set last_error = ${describe(e)}
      where id = ${row.id} and status = 'pending' and out_refund_no = ${row.out_refund_no}`);
    throw e;
  }
  await inTransaction((tx) => settleRefund(tx, row.out_refund_no, result));
  if (result.state === "processing") throw new RefundStillProcessing(`refund ${row.out_refund_no} is still processing at ${row.provider}`);
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
  if (result.state === "processing") {
    const r = await tx.execute(sql`
      update payment_refunds set accepted_at = coalesce(accepted_at, now()), provider_ref = coalesce(${result.providerRef ?? null}, provider_ref), last_error = null
      where out_refund_no = ${outRefundNoValue} and status = 'pending'`);
    return (r.rowCount ?? 0) > 0;
  }
  if (result.state === "failed") {
    const r = await tx.execute(sql`
      update payment_refunds set status = 'failed', failure_reason = ${result.reason.slice(0, 300) || "refused"},
             provider_ref = coalesce(${result.providerRef ?? null}, provider_ref), settled_at = now(), last_error = null
      where out_refund_no = ${outRefundNoValue} and status = 'pending'`);
    return (r.rowCount ?? 0) > 0;
  }
  // The guarded update is the once-only gate: a concurrent confirmation waits on the row, then
  // finds it no longer pending and posts nothing.
  const done = await tx.execute<{ order_id: number; customer_id: number; amount_fen: number; queue_id: number; order_no: string }>(sql`
    update payment_refunds r set status = 'succeeded', provider_ref = ${result.providerRef}, settled_at = now(), last_error = null
    from orders o
    where r.out_refund_no = ${outRefundNoValue} and r.status = 'pending' and o.id = r.order_id
    returning r.order_id, o.customer_id, r.amount_fen, o.queue_id, o.order_no`);
  const row = done.rows[0];
  if (!row) return false;
  const platform = await platformAccounts(tx);
  const owed = await refundsPendingAccount(tx, Number(row.customer_id));
  await post(tx, {
    kind: "refund_sent",
    orderId: Number(row.order_id),
    queueId: Number(row.queue_id),
    // No reason: the provider's reference is kept on the refund row (a long token here would also
    // widen the ledger's account pages).
    legs: [
      { accountId: owed, asset: "CNY", amount: -Number(row.amount_fen) },
      { accountId: platform.world, asset: "CNY", amount: Number(row.amount_fen) },
    ],
  });
  // One notification per refund sent: an order can have its own refund and a returned payment's.
  await notify(tx, Number(row.customer_id), "refund_done", { orderNo: row.order_no, amountFen: Number(row.amount_fen) }, `refund:${outRefundNoValue}`);
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
  const res = await tx.execute<{ id: number; status: string; attempt: number; out_refund_no: string; failure_reason: string | null; order_no: string }>(sql`
    select r.id, r.status, r.attempt, r.out_refund_no, r.failure_reason, o.order_no
    from payment_refunds r join orders o on o.id = r.order_id
    where r.order_id = ${args.orderId}
    order by (r.status = 'failed') desc, r.id limit 1
    for no key update of r`);
  const row = res.rows[0];
  if (!row) throw new DomainError("not_found", "refund.orderNotFound");
  if (row.status !== "failed") throw new DomainError("not_allowed", "refund.retryNotFailed", undefined, { orderNo: row.order_no });
  const attempt = Number(row.attempt) + 1;
  const next = nextAttempt(row.out_refund_no, attempt);
  await tx.execute(sql`
    update payment_refunds set status = 'pending', attempt = ${attempt}, out_refund_no = ${next}, failure_reason = null,
           provider_ref = null, accepted_at = null, settled_at = null, last_error = null
    where id = ${row.id}`);
  await addJob(tx, "refund.send", { refundId: Number(row.id), outRefundNo: next });
  await recordAudit(tx, {
    actorUserId: args.actorUserId,
    action: "refund.retry",
    subjectType: "order",
    subjectId: row.order_no,
    reason: row.failure_reason ?? undefined,
    details: { previousOutRefundNo: row.out_refund_no, outRefundNo: next, attempt },
  });
  return { outRefundNo: next };
}
