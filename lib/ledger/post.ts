import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Tx } from "@/db";
import { runComposed, runPrepared, statement } from "@/db/prepared";
import { type Cells, mapRows } from "@/db/rows";
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

/**
 * The only postings that may take a merchant's settlement below zero: a refund, whose pool share
 * the store covers when the pool no longer holds it (SPEC: "Refunding an order"). The store then
 * owes the platform, and its next settlements repay it. The CHECK constraint lets a settlement go
 * negative; this guard, in the one writer of balances, keeps every other posting from doing so.
 */
export const SETTLEMENT_DEBT_KINDS: readonly TxKind[] = ["order_refund", "refund_shortfall"];

function refuseSettlementDebt(kind: TxKind, legs: Leg[], accounts: { id: number; kind: string; balance: number }[]): void {
  if (SETTLEMENT_DEBT_KINDS.includes(kind)) return;
  for (const a of accounts) {
    if (a.kind !== "merchant_settlement") continue;
    const change = legs.find((l) => l.accountId === a.id)?.amount ?? 0;
    if (change < 0 && a.balance + change < 0) throw new DomainError("insufficient_funds", "ledger.insufficient");
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
 * More work for the posting's own statement, so that it costs no round trip of its own: CTEs that
 * follow the posting's (their names must not start with `ledger_`), the statement's final select,
 * and how to read its rows. A data-modifying CTE runs to completion whether or not the select
 * reads it, and every part of the statement sees one snapshot, taken before any of its writes: a
 * tail must not read what the posting writes (balances, ledger rows), and writes rows of its own
 * tables only. The payment appends its queue entries this way (lib/orders/pay.ts), which makes the
 * posting and the append one round trip under the queue lock.
 */
export type PostingTail<T> = {
  ctes?: SQL;
  select: SQL;
  read: (rows: Cells[]) => T;
};

/**
 * The only writer of ledger entries and kept balances. Posts one business event as one ledger
 * transaction: its entries, and the kept balances of the accounts it touches, in the caller's
 * database transaction. Returns the ledger transaction id.
 */
export async function post(tx: Tx, posting: Posting): Promise<number> {
  return postWith(tx, posting, {
    select: sql`select id from ledger_tx`,
    read: (rows) => {
      const row = rows[0];
      if (row === undefined) throw new Error("ledger transaction was not created");
      return row.int("id");
    },
  });
}

// Every posting runs it: a named prepared statement (db/prepared.ts).
const LOCK_KEPT_BALANCES = statement(
  "lock_kept_balances",
  `select id, kind, balance from accounts
   where id = any($1::bigint[]) and kind not in ('world','platform_fees','points_issued')
   order by id
   for no key update`,
);

/**
 * `post`, with `tail` run in the same statement after the posting; returns what `tail.read` makes
 * of the statement's rows.
 *
 * Kept-balance rows are locked in id order first, in a statement of their own, so two postings never
 * wait on each other in opposite orders (the rows one UPDATE touches come in no defined order). A
 * queue's pool is locked earlier still, as the queue mutex; re-locking it here is a no-op. A
 * guarded account that would go negative fails the CHECK constraint, which surfaces as
 * `insufficient_funds` and rolls the whole event back, the tail's writes with it.
 */
export async function postWith<T>(tx: Tx, posting: Posting, tail: PostingTail<T>): Promise<T> {
  validateLegs(posting.legs);
  const legs = mergeLegs(posting.legs);
  if (legs.length === 0) throw new Error("ledger transaction nets to nothing");
  const ids = legs.map((l) => l.accountId);
  const assets = legs.map((l) => l.asset);
  const amounts = legs.map((l) => l.amount);

  const locked = mapRows(await runPrepared(tx, LOCK_KEPT_BALANCES, [ids]), (r) => ({ id: r.int("id"), kind: r.str("kind"), balance: r.int("balance") }));
  refuseSettlementDebt(posting.kind, legs, locked);

  let rows: Cells[];
  try {
    // Named by its text (db/prepared.ts): each caller's tail gives one shape, parsed once per connection.
    const res = await runComposed(tx, "post", sql`
      with ledger_tx as (
        insert into ledger_transactions (kind, order_id, queue_id, actor_user_id, reason)
        values (${posting.kind}, ${posting.orderId ?? null}, ${posting.queueId ?? null},
                ${posting.actorUserId ?? null}, ${posting.reason ?? null})
        returning id
      ),
      ledger_legs as (
        select * from unnest(${sql.param(ids)}::bigint[], ${sql.param(assets)}::asset[], ${sql.param(amounts)}::bigint[]) as l(account_id, asset, amount)
      ),
      ledger_new_entries as (
        insert into ledger_entries (transaction_id, account_id, asset, amount)
        select t.id, l.account_id, l.asset, l.amount from ledger_tx t, ledger_legs l
      ),
      ledger_balances as (
        update accounts a set balance = a.balance + l.amount
        from ledger_legs l
        where a.id = l.account_id and a.kind not in ('world','platform_fees','points_issued')
      )${tail.ctes ? sql`, ${tail.ctes}` : sql``}
      ${tail.select}`);
    rows = mapRows(res, (r) => r);
  } catch (e) {
    if (pgCode(e) === "23514" && pgConstraint(e) === "accounts_balance_guard") {
      throw new DomainError("insufficient_funds", "ledger.insufficient");
    }
    throw e;
  }
  return tail.read(rows);
}
