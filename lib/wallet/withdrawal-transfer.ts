import "server-only";
import { sql } from "drizzle-orm";
import { db, type Tx } from "@/db";
import { inTransaction } from "@/db/transaction";
import type { JobPayload } from "@/lib/jobs";
import { customerAccounts, platformAccounts, post, withdrawalsSendingAccount } from "@/lib/ledger";
import { paymentProvider, ProviderRecordNotFoundError, type MoneyOutResult, type PaymentProvider } from "@/lib/payments";
import { destinationOf } from "./payout-accounts";
import { withdrawalSettled } from "./withdrawal-settled";
import { lockWallet } from "./withdrawals";

/** Finds a provider by id; tests pass one that reaches a fake. */
export type ProviderFor = (id: string) => PaymentProvider;

/** A transfer the provider accepted but has not finished: the job asks again later (with backoff). */
export class TransferStillProcessing extends Error {
  override name = "TransferStillProcessing";
}

type TransferRow = {
  id: number;
  user_id: number;
  status: string;
  amount_fen: number;
  fee_fen: number;
  provider: string;
  out_bill_no: string;
  accepted_at: Date | null;
  kind: "wechat" | "alipay";
  openid: string | null;
  alipay_account: string | null;
  real_name: string | null;
};

/** An error's message for the operator: bounded, one line. */
function describe(e: unknown): string {
  const m = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return m.replace(/\s+/g, " ").slice(0, 300);
}

async function readTransfer(withdrawalId: number): Promise<TransferRow | undefined> {
  const res = await db.execute<TransferRow>(sql`
    select w.id, w.user_id, w.status::text as status, w.amount_fen, w.fee_fen, w.provider, w.out_bill_no, w.accepted_at,
           a.kind, a.openid, a.alipay_account, a.real_name
    from withdrawals w join payout_accounts a on a.id = w.payout_account_id
    where w.id = ${withdrawalId}`);
  return res.rows[0];
}

/**
 * The `withdrawal.send` job: asks the provider for an approved withdrawal's transfer, by the
 * out-id fixed at approval, and records the answer. It runs after the approval committed and calls
 * the provider outside any transaction. A withdrawal no longer in flight, or whose out-id is not
 * the job's, is left alone, so a repeated job, a retry after a crash or a second worker calls the
 * provider only with the one out-id the row holds, which the provider deduplicates.
 *
 * The first try marks the withdrawal `sending` (committed) before it calls. A later try therefore
 * knows a call may have reached the provider, and asks it first (queryTransfer); only when the
 * provider has no such transfer does it ask for it again. A call that throws (timeout, 5xx) is noted
 * on the row and rethrown, so the runner retries it with backoff; an accepted but unfinished
 * transfer is asked again later.
 */
export async function sendWithdrawal(job: JobPayload<"withdrawal.send">, providerFor: ProviderFor = paymentProvider): Promise<MoneyOutResult["state"] | "skipped"> {
  let row = await readTransfer(job.withdrawalId);
  if (!row || row.out_bill_no !== job.outBillNo) return "skipped";
  let first = false;
  if (row.status === "approved") {
    const moved = await db.execute(sql`
      update withdrawals set status = 'sending' where id = ${row.id} and status = 'approved' and out_bill_no = ${row.out_bill_no}`);
    first = (moved.rowCount ?? 0) === 1;
    // Someone else moved it first (a second worker): read where it is now.
    if (!first) row = (await readTransfer(job.withdrawalId))!;
  }
  if (row.status !== "approved" && row.status !== "sending") return "skipped";

  const provider = providerFor(row.provider);
  const request = {
    outBillNo: row.out_bill_no,
    amountFen: Number(row.amount_fen) - Number(row.fee_fen),
    account: destinationOf(row),
    // On the customer's statement at the provider (WeChat allows 32 characters).
    remark: "Freeline withdrawal",
  };
  let result: MoneyOutResult;
  try {
    if (first) result = await provider.transfer(request);
    else {
      try {
        result = await provider.queryTransfer({ outBillNo: row.out_bill_no });
      } catch (e) {
        if (!(e instanceof ProviderRecordNotFoundError)) throw e;
        // The earlier call never reached the provider: asking with the same out-id is safe.
        result = await provider.transfer(request);
      }
    }
  } catch (e) {
    await db.execute(sql`
      update withdrawals set last_error = ${describe(e)}
      where id = ${row.id} and status::text in ('approved','sending') and out_bill_no = ${row.out_bill_no}`);
    throw e;
  }
  await inTransaction((tx) => settleWithdrawal(tx, row.out_bill_no, result));
  if (result.state === "processing") throw new TransferStillProcessing(`transfer ${row.out_bill_no} is still processing at ${row.provider}`);
  return result.state;
}

/**
 * Records the provider's answer for a withdrawal's transfer (from the job's call, a query or a
 * notification), once: only an in-flight withdrawal with this out-id changes, and the guarded
 * update is the gate a concurrent confirmation waits on. Paid: the money leaves
 * withdrawals_sending through the payment rails (the fee to the platform). Failed: it goes back to
 * the wallet, with the provider's reason on the row and the posting. Processing: noted, so the next
 * try asks by query. Returns whether this answer changed the withdrawal.
 */
export async function settleWithdrawal(tx: Tx, outBillNo: string, result: MoneyOutResult): Promise<boolean> {
  if (result.state === "processing") {
    const r = await tx.execute(sql`
      update withdrawals set accepted_at = coalesce(accepted_at, now()), provider_ref = coalesce(${result.providerRef ?? null}, provider_ref), last_error = null
      where out_bill_no = ${outBillNo} and status::text in ('approved','sending')`);
    return (r.rowCount ?? 0) > 0;
  }
  const owner = await tx.execute<{ user_id: number }>(sql`select user_id from withdrawals where out_bill_no = ${outBillNo}`);
  if (!owner.rows[0]) return false;
  // The wallet mutex first, as every withdrawal step of the customer takes it.
  await lockWallet(tx, Number(owner.rows[0].user_id));
  const failed = result.state === "failed";
  const reason = failed ? result.reason.replace(/\s+/g, " ").trim().slice(0, 300) || "refused" : null;
  const done = await tx.execute<{ id: number; user_id: number; amount_fen: number; fee_fen: number; provider: string }>(sql`
    update withdrawals set status = ${failed ? "failed" : "paid"}, failure_reason = ${reason},
           provider_ref = coalesce(${result.providerRef ?? null}, provider_ref), last_error = null
    where out_bill_no = ${outBillNo} and status::text in ('approved','sending')
    returning id, user_id, amount_fen, fee_fen, provider`);
  const w = done.rows[0];
  if (!w) return false;
  const userId = Number(w.user_id);
  const amountFen = Number(w.amount_fen);
  const feeFen = Number(w.fee_fen);
  const sending = await withdrawalsSendingAccount(tx, userId);
  const transactionId = failed
    ? await post(tx, {
        kind: "withdrawal_failed",
        reason: reason!,
        legs: [
          { accountId: sending, asset: "CNY", amount: -amountFen },
          { accountId: (await customerAccounts(tx, userId)).wallet, asset: "CNY", amount: amountFen },
        ],
      })
    : await post(tx, {
        kind: "withdrawal_paid",
        legs: [
          { accountId: sending, asset: "CNY", amount: -amountFen },
          { accountId: (await platformAccounts(tx)).world, asset: "CNY", amount: amountFen - feeFen },
          // A zero fee leg is dropped by post().
          { accountId: (await platformAccounts(tx)).platformFees, asset: "CNY", amount: feeFen },
        ],
      });
  await tx.execute(sql`update withdrawals set settle_transaction_id = ${transactionId}, settled_at = now() where id = ${w.id}`);
  await withdrawalSettled(tx, { withdrawalId: Number(w.id), userId, amountFen, outBillNo, provider: w.provider, outcome: failed ? "failed" : "paid", reason });
  return true;
}
