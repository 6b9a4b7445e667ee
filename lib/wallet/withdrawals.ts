import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { withdrawals, type Withdrawal } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { customerAccounts, platformAccounts, post } from "@/lib/ledger";
import { formatFen } from "@/lib/money/format";
import { WITHDRAWAL_RULES, withdrawalFee } from "./rules";

/** A decision's reason, as an operator types it. */
export const REASON_MIN = 3;
export const REASON_MAX = 200;

/**
 * The customer's wallet mutex: their wallet account row, locked in its own statement (as the
 * queue's pool is) so the next statement sees everything committed before the lock was won.
 * Every withdrawal step of one customer holds it first. Returns the wallet balance.
 */
export async function lockWallet(tx: Tx, userId: number): Promise<number> {
  const res = await tx.execute<{ balance: number }>(sql`
    select balance from accounts where user_id = ${userId} and kind = 'wallet'
    for no key update`);
  const row = res.rows[0];
  if (!row) throw new DomainError("not_found", "wallet.noAccount");
  return Number(row.balance);
}

/** Refuses unless the user exists and is an operator (the action checks too; this is the domain's own guard). */
async function requireOperator(tx: Tx, operatorId: number): Promise<void> {
  const res = await tx.execute<{ role: string }>(sql`select role from users where id = ${operatorId}`);
  if (res.rows[0]?.role !== "operator") throw new DomainError("forbidden", "operator.withdrawalOperatorsOnly");
}

/** Requests made today (Asia/Shanghai calendar day), under the wallet lock. */
async function requestsToday(tx: Tx, userId: number): Promise<number> {
  const res = await tx.execute<{ n: number }>(sql`
    select count(*)::int as n from withdrawals
    where user_id = ${userId}
      and created_at >= (date_trunc('day', now() at time zone ${WITHDRAWAL_RULES.timeZone}) at time zone ${WITHDRAWAL_RULES.timeZone})`);
  return Number(res.rows[0]?.n ?? 0);
}

function checkAmount(amountFen: number): void {
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) {
    throw new DomainError("invalid_input", "amount.positive", "amount");
  }
  if (amountFen < WITHDRAWAL_RULES.minFen) {
    throw new DomainError("invalid_input", "wallet.belowMin", "amount", { min: formatFen(WITHDRAWAL_RULES.minFen) });
  }
  if (amountFen > WITHDRAWAL_RULES.maxFen) {
    throw new DomainError("invalid_input", "wallet.aboveMax", "amount", { max: formatFen(WITHDRAWAL_RULES.maxFen) });
  }
}

/**
 * Moves `amountFen` from the customer's wallet to withdrawals_pending and records the request.
 * Under the wallet mutex it checks the minimum, the balance and the daily count, so concurrent
 * requests can neither overdraw the wallet nor pass the daily limit.
 */
export async function requestWithdrawal(tx: Tx, args: { userId: number; amountFen: number }): Promise<Withdrawal> {
  checkAmount(args.amountFen);
  const balance = await lockWallet(tx, args.userId);
  // Counted under the lock: a concurrent request of the same customer waits for ours to commit.
  const today = await requestsToday(tx, args.userId);
  if (today >= WITHDRAWAL_RULES.maxPerDay) {
    throw new DomainError("not_allowed", "wallet.dailyLimit", undefined, { count: today, max: WITHDRAWAL_RULES.maxPerDay });
  }
  if (args.amountFen > balance) {
    throw new DomainError("insufficient_funds", "wallet.insufficient", "amount", { balance: formatFen(balance) });
  }
  const feeFen = withdrawalFee(args.amountFen);
  const acc = await customerAccounts(tx, args.userId);
  const transactionId = await post(tx, {
    kind: "withdrawal_requested",
    actorUserId: args.userId,
    legs: [
      { accountId: acc.wallet, asset: "CNY", amount: -args.amountFen },
      { accountId: acc.withdrawals_pending, asset: "CNY", amount: args.amountFen },
    ],
  });
  const [row] = await tx
    .insert(withdrawals)
    .values({ userId: args.userId, amountFen: args.amountFen, feeFen, requestTransactionId: transactionId })
    .returning();
  return row!;
}

type Decision = { withdrawal: Withdrawal; operatorId: number; reason?: string };

/**
 * The common start of a decision: the operator check, the customer's wallet mutex, then the
 * request row, locked only while it is still `requested`. A second decision (a double click, or
 * approve racing reject) waits on the row and then finds it decided.
 */
async function openDecision(tx: Tx, args: { withdrawalId: number; operatorId: number }): Promise<Decision> {
  if (!Number.isSafeInteger(args.withdrawalId) || args.withdrawalId <= 0) {
    throw new DomainError("invalid_input", "operator.invalidWithdrawal", "withdrawalId");
  }
  await requireOperator(tx, args.operatorId);
  const found = await tx.execute<{ user_id: number }>(sql`select user_id from withdrawals where id = ${args.withdrawalId}`);
  const userId = found.rows[0] ? Number(found.rows[0].user_id) : undefined;
  if (userId === undefined) throw new DomainError("not_found", "operator.withdrawalNotFound", "withdrawalId");
  if (userId === args.operatorId) {
    throw new DomainError("forbidden", "operator.ownWithdrawal", "withdrawalId");
  }
  await lockWallet(tx, userId);
  const [withdrawal] = await tx
    .select()
    .from(withdrawals)
    .where(and(eq(withdrawals.id, args.withdrawalId), eq(withdrawals.status, "requested")))
    .for("update");
  if (!withdrawal) {
    throw new DomainError("conflict", "operator.withdrawalDecided", "withdrawalId");
  }
  return { withdrawal, operatorId: args.operatorId };
}

async function closeDecision(
  tx: Tx,
  d: Decision,
  status: "paid" | "rejected",
  transactionId: number,
): Promise<Withdrawal> {
  const [row] = await tx
    .update(withdrawals)
    .set({
      status,
      decisionTransactionId: transactionId,
      decidedByUserId: d.operatorId,
      decidedAt: sql`now()`,
      reason: d.reason ?? null,
    })
    .where(and(eq(withdrawals.id, d.withdrawal.id), eq(withdrawals.status, "requested")))
    .returning();
  if (!row) throw new Error(`withdrawal ${d.withdrawal.id} changed while locked`);
  await recordAudit(tx, {
    actorUserId: d.operatorId,
    action: status === "paid" ? "withdrawal.approve" : "withdrawal.reject",
    subjectType: "withdrawal",
    subjectId: row.id,
    reason: d.reason,
    details: { userId: row.userId, amountFen: row.amountFen, feeFen: row.feeFen, transactionId },
  });
  return row;
}

/**
 * Pays a requested withdrawal out: withdrawals_pending −amount, the payment rails (world) get the
 * amount less the fee, platform fees get the fee. Decides once; audited with the operator.
 */
export async function approveWithdrawal(tx: Tx, args: { withdrawalId: number; operatorId: number }): Promise<Withdrawal> {
  const d = await openDecision(tx, args);
  const w = d.withdrawal;
  const acc = await customerAccounts(tx, w.userId);
  const platform = await platformAccounts(tx);
  const transactionId = await post(tx, {
    kind: "withdrawal_paid",
    actorUserId: args.operatorId,
    legs: [
      { accountId: acc.withdrawals_pending, asset: "CNY", amount: -w.amountFen },
      { accountId: platform.world, asset: "CNY", amount: w.amountFen - w.feeFen },
      // A zero fee leg is dropped by post().
      { accountId: platform.platformFees, asset: "CNY", amount: w.feeFen },
    ],
  });
  return closeDecision(tx, d, "paid", transactionId);
}

/** The reason an operator gives, trimmed; refuses one outside 3..200 characters. */
export function checkReason(raw: string, field = "reason"): string {
  const reason = (raw ?? "").trim();
  const length = [...reason].length;
  if (length < REASON_MIN || length > REASON_MAX) {
    throw new DomainError("invalid_input", "operator.reasonLength", field, { min: REASON_MIN, max: REASON_MAX });
  }
  return reason;
}

/**
 * Refuses a requested withdrawal: the money goes back from withdrawals_pending to the wallet.
 * The reason is required; it is kept on the request, on the ledger transaction (so the customer
 * sees it in their history) and in the audit log.
 */
export async function rejectWithdrawal(
  tx: Tx,
  args: { withdrawalId: number; operatorId: number; reason: string },
): Promise<Withdrawal> {
  const reason = checkReason(args.reason);
  const d = await openDecision(tx, args);
  d.reason = reason;
  const w = d.withdrawal;
  const acc = await customerAccounts(tx, w.userId);
  const transactionId = await post(tx, {
    kind: "withdrawal_rejected",
    actorUserId: args.operatorId,
    reason,
    legs: [
      { accountId: acc.withdrawals_pending, asset: "CNY", amount: -w.amountFen },
      { accountId: acc.wallet, asset: "CNY", amount: w.amountFen },
    ],
  });
  return closeDecision(tx, d, "rejected", transactionId);
}
