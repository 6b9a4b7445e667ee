import "server-only";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { mapRows } from "@/db/rows";
import type { Posting } from "./compare";

/**
 * The ledger's side of the transfers (withdrawals paid out to bound accounts) in a day's
 * reconciliation. The provider's side is its account statement (PaymentProvider
 * .downloadTransferStatement: WeChat Pay's fund-flow bill, Alipay's account bill), line by line.
 *
 * A transfer's posting is its withdrawal's `withdrawal_paid`, by its cash leg on the world account,
 * keyed by the out-id the platform issued (out_bill_no / out_biz_no). Read: the postings of the
 * withdrawals of this provider settled in the day, and those of every out-id the statements name
 * (whatever day they were posted), so compareDay reports a transfer made but never posted paid
 * (the ledger gave the money back to the wallet, or still holds it), one posted paid that the
 * provider did not make, and another amount.
 */

export async function transferPostings(
  db: Db | Tx,
  args: { provider: string; from: Date; to: Date; outIds: string[] },
): Promise<Posting[]> {
  const res = await db.execute(sql`
    select w.out_bill_no, t.id as posting_id, world.amount as posted_fen, t.created_at as posted_at
    from withdrawals w
    join ledger_transactions t on t.id = w.settle_transaction_id and t.kind = 'withdrawal_paid'
    cross join lateral (
      select coalesce(sum(e.amount), 0) as amount from ledger_entries e join accounts a on a.id = e.account_id and a.kind = 'world'
      where e.transaction_id = t.id
    ) world
    where w.provider = ${args.provider} and w.out_bill_no is not null
      and ((w.settled_at >= ${args.from.toISOString()}::timestamptz and w.settled_at < ${args.to.toISOString()}::timestamptz)
           or w.out_bill_no = any(${sql.param(args.outIds)}::text[]))
    order by w.id`);
  return mapRows(res, (w) => ({
    transactionId: w.int("posting_id"),
    kind: "transfer",
    outId: w.str("out_bill_no"),
    providerRef: null,
    // A sum (numeric): int() reads its integer text.
    amountFen: w.int("posted_fen"),
    at: w.date("posted_at"),
  }));
}
