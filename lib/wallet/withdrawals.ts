import "server-only";
import { randomInt } from "node:crypto";
import { and, count, eq, gte, isNull, sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { accounts, payoutAccounts, withdrawals, type Withdrawal } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { addJob } from "@/lib/jobs";
import { customerAccounts, post, withdrawalsSendingAccount } from "@/lib/ledger";
import { formatFen } from "@/lib/money/format";
import { requireOperator } from "@/lib/roles";
import { payoutProviderId } from "@/lib/payments";
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
  const [row] = await tx
    .select({ balance: accounts.balance })
    .from(accounts)
    .where(and(eq(accounts.userId, userId), eq(accounts.kind, "wallet")))
    .for("no key update");
  if (!row) throw new DomainError("not_found", "wallet.noAccount");
  return row.balance;
}

/** Requests made today (Asia/Shanghai calendar day), under the wallet lock. */
async function requestsToday(tx: Tx, userId: number): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(withdrawals)
    .where(
      and(
        eq(withdrawals.userId, userId),
        gte(withdrawals.createdAt, sql`(date_trunc('day', now() at time zone ${WITHDRAWAL_RULES.timeZone}) at time zone ${WITHDRAWAL_RULES.timeZone})`),
      ),
    );
  return row?.n ?? 0;
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
 * The customer's bound account a request names, refused unless it is theirs, still bound, and of
 * a kind the platform can pay out to. Its row stays share-locked until the request commits, so a
 * bind that would unbind it waits and then sees the request (lib/wallet/payout-accounts.ts).
 */
async function requestedAccount(tx: Tx, userId: number, payoutAccountId: number): Promise<number> {
  if (!Number.isSafeInteger(payoutAccountId) || payoutAccountId <= 0) throw new DomainError("invalid_input", "payout.chooseAccount", "payoutAccountId");
  const [row] = await tx
    .select({ id: payoutAccounts.id, kind: payoutAccounts.kind })
    .from(payoutAccounts)
    .where(and(eq(payoutAccounts.id, payoutAccountId), eq(payoutAccounts.userId, userId), isNull(payoutAccounts.unboundAt)))
    .for("share");
  if (!row) throw new DomainError("invalid_input", "payout.chooseAccount", "payoutAccountId");
  if (payoutProviderId(row.kind) === null) throw new DomainError("not_allowed", "payout.kindUnavailable", "payoutAccountId");
  return row.id;
}

/**
 * Moves `amountFen` from the customer's wallet to withdrawals_pending and records the request, to
 * the customer's bound payout account `payoutAccountId`. Under the wallet mutex it checks the
 * minimum, the balance and the daily count, so concurrent requests can neither overdraw the wallet
 * nor pass the daily limit.
 */
export async function requestWithdrawal(tx: Tx, args: { userId: number; amountFen: number; payoutAccountId: number }): Promise<Withdrawal> {
  checkAmount(args.amountFen);
  const balance = await lockWallet(tx, args.userId);
  const payoutAccountId = await requestedAccount(tx, args.userId, args.payoutAccountId);
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
    .values({ userId: args.userId, amountFen: args.amountFen, feeFen, requestTransactionId: transactionId, payoutAccountId })
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
  await requireOperator(tx, args.operatorId, "operator.withdrawalOperatorsOnly");
  const [found] = await tx.select({ userId: withdrawals.userId }).from(withdrawals).where(eq(withdrawals.id, args.withdrawalId));
  const userId = found?.userId;
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
  status: "approved" | "rejected",
  transactionId: number,
  transfer?: { provider: string; outBillNo: string },
): Promise<Withdrawal> {
  const [row] = await tx
    .update(withdrawals)
    .set({
      status,
      ...transfer,
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
    action: status === "approved" ? "withdrawal.approve" : "withdrawal.reject",
    subjectType: "withdrawal",
    subjectId: row.id,
    reason: d.reason,
    details: { userId: row.userId, amountFen: row.amountFen, feeFen: row.feeFen, transactionId, ...transfer },
  });
  return row;
}

/** Characters of the out-id's random tail: no 0/O or 1/I to misread when an operator reads one out. */
const OUT_ID_CHARS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/**
 * The transfer's out-id (out_bill_no / out_biz_no): `WD`, the withdrawal id and a random tail, 20
 * characters of [A-Z0-9]. Drawn once, at approval, and kept on the row: every call for this
 * withdrawal uses it. The random tail keeps it unique at the provider even if ids start over (a
 * database restored or rebuilt), which a bare id would not: the provider would answer the old
 * transfer's result for a new one.
 */
export function newOutBillNo(withdrawalId: number): string {
  let tail = "";
  for (let i = 0; i < 8; i++) tail += OUT_ID_CHARS[randomInt(OUT_ID_CHARS.length)];
  return `WD${String(withdrawalId).padStart(10, "0")}${tail}`;
}

/**
 * Approves a requested withdrawal: its money moves from withdrawals_pending to withdrawals_sending,
 * the request gets its provider and its out-id, and the `withdrawal.send` job is added in this
 * same transaction; the job asks the provider for the transfer once this commits (never from in
 * here, and never if this rolls back). Decides once; audited with the operator.
 */
export async function approveWithdrawal(
  tx: Tx,
  args: { withdrawalId: number; operatorId: number },
  // Tests choose a provider that reaches a fake; the app always takes the configured one.
  chooseProvider: (kind: "wechat" | "alipay") => string | null = payoutProviderId,
): Promise<Withdrawal> {
  const d = await openDecision(tx, args);
  const w = d.withdrawal;
  const kind = await payoutKind(tx, w);
  const provider = chooseProvider(kind);
  if (provider === null) throw new DomainError("not_allowed", "operator.withdrawalKindUnavailable", "withdrawalId");
  const acc = await customerAccounts(tx, w.userId);
  const sending = await withdrawalsSendingAccount(tx, w.userId);
  const transactionId = await post(tx, {
    kind: "withdrawal_approved",
    actorUserId: args.operatorId,
    legs: [
      { accountId: acc.withdrawals_pending, asset: "CNY", amount: -w.amountFen },
      { accountId: sending, asset: "CNY", amount: w.amountFen },
    ],
  });
  const outBillNo = newOutBillNo(w.id);
  const row = await closeDecision(tx, d, "approved", transactionId, { provider, outBillNo });
  await addJob(tx, "withdrawal.send", { withdrawalId: row.id, outBillNo });
  return row;
}

/** The kind of account a request goes to; a request from before accounts could be bound has none and is refused. */
async function payoutKind(tx: Tx, w: Withdrawal): Promise<"wechat" | "alipay"> {
  if (w.payoutAccountId === null) throw new DomainError("not_allowed", "operator.withdrawalNoAccount", "withdrawalId");
  const [account] = await tx.select({ kind: payoutAccounts.kind }).from(payoutAccounts).where(eq(payoutAccounts.id, w.payoutAccountId));
  return account!.kind;
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
