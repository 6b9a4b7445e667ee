import { sql } from "drizzle-orm";
import type { Tx } from "@/db";
import type { LedgerTransaction } from "@/db/schema";
import { pgCode, pgConstraint } from "@/db/errors";
import { DomainError } from "@/lib/errors";

export type Asset = "CNY" | "PTS";
export type Leg = { accountId: number; asset: Asset; amount: number };
export type TxKind = LedgerTransaction["kind"];

export type Posting = {
  kind: TxKind;
  legs: Leg[];
  orderId?: number;
  queueId?: number;
  actorUserId?: number;
  reason?: string;
};

/** Checks a posting before it reaches the database: integer legs that balance for each asset. */
export function validateLegs(legs: Leg[]): void {
  if (legs.length === 0) throw new Error("a ledger transaction needs at least one leg");
  const sums: Record<Asset, number> = { CNY: 0, PTS: 0 };
  for (const leg of legs) {
    if (!Number.isSafeInteger(leg.amount)) throw new Error(`leg amount must be a safe integer, got ${leg.amount}`);
    sums[leg.asset] += leg.amount;
  }
  if (sums.CNY !== 0 || sums.PTS !== 0) {
    throw new Error(`unbalanced ledger transaction: CNY ${sums.CNY}, PTS ${sums.PTS}`);
  }
}

/** Merges legs on the same account and drops those that come to zero. */
export function mergeLegs(legs: Leg[]): Leg[] {
  const byAccount = new Map<number, Leg>();
  for (const leg of legs) {
    const seen = byAccount.get(leg.accountId);
    if (seen) {
      if (seen.asset !== leg.asset) throw new Error(`account ${leg.accountId} posted in two assets`);
      seen.amount += leg.amount;
    } else {
      byAccount.set(leg.accountId, { ...leg });
    }
  }
  return [...byAccount.values()].filter((l) => l.amount !== 0);
}

/**
 * The only writer of ledger entries and kept balances. Posts one business event as one ledger
 * transaction: its entries, and the kept balances of the accounts it touches, in the caller's
 * database transaction. Returns the ledger transaction id.
 *
 * Kept-balance rows are locked in id order first, so two postings never wait on each other in
 * opposite orders. (A queue's pool is locked earlier still, as the queue mutex; re-locking it here
 * is a no-op.) A guarded account that would go negative fails the CHECK constraint, which surfaces
 * as `insufficient_funds` and rolls the whole event back.
 */
export async function post(tx: Tx, posting: Posting): Promise<number> {
  validateLegs(posting.legs);
  const legs = mergeLegs(posting.legs);
  if (legs.length === 0) throw new Error("ledger transaction nets to nothing");
  const ids = legs.map((l) => l.accountId);
  const assets = legs.map((l) => l.asset);
  const amounts = legs.map((l) => l.amount);

  await tx.execute(sql`
    select id from accounts
    where id = any(${sql.param(ids)}::bigint[]) and kind not in ('world','platform_fees','points_issued')
    order by id
    for no key update`);

  try {
    const res = await tx.execute<{ id: number }>(sql`
      with t as (
        insert into ledger_transactions (kind, order_id, queue_id, actor_user_id, reason)
        values (${posting.kind}, ${posting.orderId ?? null}, ${posting.queueId ?? null},
                ${posting.actorUserId ?? null}, ${posting.reason ?? null})
        returning id
      ),
      legs as (
        select * from unnest(${sql.param(ids)}::bigint[], ${sql.param(assets)}::asset[], ${sql.param(amounts)}::bigint[]) as l(account_id, asset, amount)
      ),
      e as (
        insert into ledger_entries (transaction_id, account_id, asset, amount)
        select t.id, legs.account_id, legs.asset, legs.amount from t, legs
      ),
      b as (
        update accounts a set balance = a.balance + legs.amount
        from legs
        where a.id = legs.account_id and a.kind not in ('world','platform_fees','points_issued')
      )
      select id from t`);
    const id = res.rows[0]?.id;
    if (id === undefined) throw new Error("ledger transaction was not created");
    return Number(id);
  } catch (e) {
    if (pgCode(e) === "23514" && pgConstraint(e) === "accounts_balance_guard") {
      throw new DomainError("insufficient_funds", "ledger.insufficient");
    }
    throw e;
  }
}
