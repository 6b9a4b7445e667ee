import "server-only";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { ProviderRecordNotFoundError, type BillRow, type PaymentProvider } from "@/lib/payments/provider";
import type { Posting } from "./compare";

/**
 * The transfers side of a day's reconciliation (withdrawals paid out to bound accounts).
 *
 * Neither provider's trade bill lists transfers (WeChat's 商家转账 and Alipay's single transfer are
 * in other statements), so the provider's side is asked transfer by transfer: every out-id the
 * platform issued to this provider whose withdrawal was settled in the day, or approved in the day
 * and not settled yet, is queried (queryTransfer). A transfer the provider made is a "transfer" row
 * of the provider's side, of the withdrawal's net amount (what the platform asked it to send; a
 * query answers no amount); one it refused or never saw is none. The ledger's side is the
 * withdrawal's `withdrawal_paid` posting, by its cash leg on the world account. compareDay then
 * reports a transfer made but never posted as paid (the money was also returned to the wallet, or
 * is still held), a withdrawal posted paid that the provider did not make, and an amount that differs.
 */

type Issued = { out_bill_no: string; net_fen: number; settled_at: Date | null; decided_at: Date; posting_id: number | null; posted_fen: number | null; posted_at: Date | null };

export async function transferRecords(
  db: Db | Tx,
  provider: PaymentProvider,
  window: { from: Date; to: Date },
): Promise<{ bill: BillRow[]; postings: Posting[] }> {
  if (provider.simulated) return { bill: [], postings: [] };
  const from = window.from.toISOString();
  const to = window.to.toISOString();
  const res = await db.execute<Issued>(sql`
    select w.out_bill_no, w.amount_fen - w.fee_fen as net_fen, w.settled_at, w.decided_at,
           t.id as posting_id, world.amount as posted_fen, t.created_at as posted_at
    from withdrawals w
    left join ledger_transactions t on t.id = w.settle_transaction_id and t.kind = 'withdrawal_paid'
    left join lateral (
      select sum(e.amount) as amount from ledger_entries e join accounts a on a.id = e.account_id and a.kind = 'world'
      where e.transaction_id = t.id
    ) world on true
    where w.provider = ${provider.id} and w.out_bill_no is not null
      and ((w.settled_at >= ${from}::timestamptz and w.settled_at < ${to}::timestamptz)
           or (w.settled_at is null and w.decided_at >= ${from}::timestamptz and w.decided_at < ${to}::timestamptz))
    order by w.id`);

  const bill: BillRow[] = [];
  const postings: Posting[] = [];
  for (const w of res.rows) {
    const at = new Date(w.settled_at ?? w.decided_at);
    if (w.posting_id !== null && w.posted_fen !== null) {
      // Posted in the day by construction (settled_at and the posting share one now()).
      postings.push({ transactionId: Number(w.posting_id), kind: "transfer", outId: w.out_bill_no, providerRef: null, amountFen: Number(w.posted_fen), at: new Date(w.posted_at ?? at) });
    }
    try {
      const made = await provider.queryTransfer({ outBillNo: w.out_bill_no });
      if (made.state === "succeeded") bill.push({ kind: "transfer", outId: w.out_bill_no, providerRef: made.providerRef, amountFen: Number(w.net_fen), at });
    } catch (e) {
      // Never seen by the provider: not made. Any other failure fails the run, which is retried.
      if (!(e instanceof ProviderRecordNotFoundError)) throw e;
    }
  }
  return { bill, postings };
}
