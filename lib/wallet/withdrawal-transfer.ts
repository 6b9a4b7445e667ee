import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { db, type Tx } from "@/db";
import { mapFirst } from "@/db/rows";
import { payoutAccountKind, withdrawals } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import type { JobPayload } from "@/lib/jobs";
import { customerAccounts, platformAccounts, post, withdrawalsSendingAccount } from "@/lib/ledger";
import { paymentProvider, ProviderRecordNotFoundError, type MoneyOutResult, type PaymentProvider } from "@/lib/payments";
import { destinationOf } from "./payout-accounts";
import { WITHDRAWAL_STATUSES } from "./withdrawal-status";
import { withdrawalSettled } from "./withdrawal-settled";
import { lockWallet } from "./withdrawals";

/** Finds a provider by id; tests pass one that reaches a fake. */
export type ProviderFor = (id: string) => PaymentProvider;

/** A transfer the provider accepted but has not finished: the job asks again later (with backoff). */
export class TransferStillProcessing extends Error {
  override name = "TransferStillProcessing";
}

/** A withdrawal whose transfer is in flight: approved (the first try has not marked it sending yet) or sending. */
const inFlight = inArray(withdrawals.status, ["approved", "sending"]);

/** An error's message for the operator: bounded, one line. */
function describe(e: unknown): string {
  const m = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return m.replace(/\s+/g, " ").slice(0, 300);
}

/** The withdrawal's transfer, or undefined when there is none (yet): provider and out-id are fixed together at approval. */
async function readTransfer(withdrawalId: number) {
  const res = await db.execute(sql`
    select w.id, w.user_id, w.status::text as status, w.amount_fen, w.fee_fen, w.provider, w.out_bill_no, w.accepted_at,
           a.kind, a.openid, a.alipay_account, a.real_name
    from withdrawals w join payout_accounts a on a.id = w.payout_account_id
    where w.id = ${withdrawalId}`);
  return mapFirst(res, (r) =>
    r.strOrNull("out_bill_no") === null
      ? undefined
      : {
          id: r.int("id"),
          status: r.oneOf("status", WITHDRAWAL_STATUSES),
          amountFen: r.int("amount_fen"),
          feeFen: r.int("fee_fen"),
          provider: r.str("provider"),
          outBillNo: r.str("out_bill_no"),
          account: destinationOf({
            kind: r.oneOf("kind", payoutAccountKind.enumValues),
            openid: r.strOrNull("openid"),
            alipay_account: r.strOrNull("alipay_account"),
            real_name: r.strOrNull("real_name"),
          }),
        },
  );
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
  if (!row || row.outBillNo !== job.outBillNo) return "skipped";
  let first = false;
  if (row.status === "approved") {
    const moved = await db
      .update(withdrawals)
      .set({ status: "sending" })
      .where(and(eq(withdrawals.id, row.id), eq(withdrawals.status, "approved"), eq(withdrawals.outBillNo, row.outBillNo)));
    first = (moved.rowCount ?? 0) === 1;
    // Someone else moved it first (a second worker): read where it is now.
    if (!first) row = (await readTransfer(job.withdrawalId))!;
  }
  if (row.status !== "approved" && row.status !== "sending") return "skipped";

  const provider = providerFor(row.provider);
  const request = {
    outBillNo: row.outBillNo,
    amountFen: row.amountFen - row.feeFen,
    account: row.account,
    // On the customer's statement at the provider (WeChat allows 32 characters).
    remark: "Freeline withdrawal",
  };
  let result: MoneyOutResult;
  try {
    if (first) result = await provider.transfer(request);
    else {
      try {
        result = await provider.queryTransfer({ outBillNo: row.outBillNo });
      } catch (e) {
        if (!(e instanceof ProviderRecordNotFoundError)) throw e;
        // The earlier call never reached the provider: asking with the same out-id is safe.
        result = await provider.transfer(request);
      }
    }
  } catch (e) {
    await db
      .update(withdrawals)
      .set({ lastError: describe(e) })
      .where(and(eq(withdrawals.id, row.id), inFlight, eq(withdrawals.outBillNo, row.outBillNo)));
    throw e;
  }
  await inTransaction((tx) => settleWithdrawal(tx, row.outBillNo, result));
  if (result.state === "processing") throw new TransferStillProcessing(`transfer ${row.outBillNo} is still processing at ${row.provider}`);
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
  const pending = and(eq(withdrawals.outBillNo, outBillNo), inFlight);
  // A provider's reference, once given, is kept when a later answer comes without one.
  const providerRef = sql`coalesce(${result.providerRef ?? null}, ${withdrawals.providerRef})`;
  if (result.state === "processing") {
    const r = await tx
      .update(withdrawals)
      .set({ acceptedAt: sql`coalesce(${withdrawals.acceptedAt}, now())`, providerRef, lastError: null })
      .where(pending);
    return (r.rowCount ?? 0) > 0;
  }
  const [owner] = await tx.select({ userId: withdrawals.userId }).from(withdrawals).where(eq(withdrawals.outBillNo, outBillNo));
  if (!owner) return false;
  // The wallet mutex first, as every withdrawal step of the customer takes it.
  await lockWallet(tx, owner.userId);
  const failed = result.state === "failed";
  const reason = failed ? result.reason.replace(/\s+/g, " ").trim().slice(0, 300) || "refused" : null;
  const [w] = await tx
    .update(withdrawals)
    .set({ status: failed ? "failed" : "paid", failureReason: reason, providerRef, lastError: null })
    .where(pending)
    .returning({ id: withdrawals.id, userId: withdrawals.userId, amountFen: withdrawals.amountFen, feeFen: withdrawals.feeFen, provider: withdrawals.provider });
  if (!w) return false;
  // Never null here: withdrawals_transfer holds it for every approved or sending withdrawal.
  if (w.provider === null) throw new Error(`withdrawal ${w.id} is in flight with no provider`);
  const { userId, amountFen, feeFen } = w;
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
  await tx.update(withdrawals).set({ settleTransactionId: transactionId, settledAt: sql`now()` }).where(eq(withdrawals.id, w.id));
  await withdrawalSettled(tx, { withdrawalId: w.id, userId, amountFen, outBillNo, provider: w.provider, outcome: failed ? "failed" : "paid", reason });
  return true;
}
