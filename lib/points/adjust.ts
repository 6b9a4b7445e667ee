import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { mapFirst } from "@/db/rows";
import { accounts, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { customerAccounts, platformAccounts, post } from "@/lib/ledger";
import { addLot, lockPoints, takeFromLots } from "./lots";
import { pointsPolicy } from "./policy";

/** Bounds of one manual adjustment: a signed whole number of points, non-zero, at most this big. */
export const ADJUST_MAX_POINTS = 1_000_000;
export const ADJUST_REASON_MIN = 3;
export const ADJUST_REASON_MAX = 200;

export type AdjustResult = {
  transactionId: number;
  points: number;
  /** The customer's available points after the adjustment. */
  availableAfter: number;
  /** True when this request key was already applied: nothing new was posted. */
  duplicate: boolean;
};

function checkPoints(points: number): void {
  if (!Number.isSafeInteger(points) || points === 0) {
    throw new DomainError("invalid_input", "adjust.nonZero", "points");
  }
  if (Math.abs(points) > ADJUST_MAX_POINTS) {
    throw new DomainError("invalid_input", "adjust.tooMany", "points", { max: ADJUST_MAX_POINTS.toLocaleString("en-US") });
  }
}

function checkReason(raw: string): string {
  const reason = (raw ?? "").trim();
  const length = [...reason].length;
  if (length < ADJUST_REASON_MIN || length > ADJUST_REASON_MAX) {
    throw new DomainError("invalid_input", "adjust.reasonLength", "reason", { min: ADJUST_REASON_MIN, max: ADJUST_REASON_MAX });
  }
  return reason;
}

/** The previous result of an adjustment sent with the same request key (a resubmitted form). */
async function alreadyApplied(tx: Tx, userId: number, requestKey: string): Promise<AdjustResult | null> {
  const res = await tx.execute(sql`
    select details->>'points' as points, details->>'transactionId' as transaction_id from audit_log
    where action = 'points.adjust' and subject_type = 'user' and subject_id = ${String(userId)}
      and details->>'requestKey' = ${requestKey}
      and created_at > now() - interval '1 day'
    limit 1`);
  // The audit details hold the numbers as JSON; ->> gives them back as text, which int() reads.
  const row = mapFirst(res, (r) => ({ points: r.int("points"), transactionId: r.int("transaction_id") }));
  if (!row) return null;
  const [balance] = await tx
    .select({ balance: accounts.balance })
    .from(accounts)
    .where(and(eq(accounts.userId, userId), eq(accounts.kind, "points_available")));
  return { transactionId: row.transactionId, points: row.points, availableAfter: balance?.balance ?? 0, duplicate: true };
}

/**
 * An operator's manual change to a customer's available points, with a required reason.
 * Adding n points: the platform funds their value (platform fees −n fen → the customer's points
 * reserve +n) and issues them (points issued −n → available +n) as a new lot that expires under
 * the platform policy. Taking n points: oldest lots first, every leg reversed; refused when the
 * customer has fewer available points. The reason is on the ledger transaction, so the customer
 * sees it in their history, and in the audit log. A repeated `requestKey` applies once.
 */
export async function adjustPoints(
  tx: Tx,
  args: { userId: number; operatorId: number; points: number; reason: string; requestKey?: string },
): Promise<AdjustResult> {
  checkPoints(args.points);
  const reason = checkReason(args.reason);
  if (!Number.isSafeInteger(args.userId) || args.userId <= 0) {
    throw new DomainError("invalid_input", "adjust.chooseCustomer", "userId");
  }

  const roles = await tx
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(inArray(users.id, [args.operatorId, args.userId]));
  const roleOf = new Map<number, string>(roles.map((r) => [r.id, r.role]));
  if (roleOf.get(args.operatorId) !== "operator") {
    throw new DomainError("forbidden", "adjust.operatorsOnly");
  }
  if (!roleOf.has(args.userId)) throw new DomainError("not_found", "adjust.noCustomer", "userId");
  if (args.userId === args.operatorId) {
    throw new DomainError("forbidden", "adjust.ownPoints", "userId");
  }

  // The reserve and both points rows in id order, the order post() locks them in: lockPoints alone
  // would hold the points rows while post() waits for the reserve (a lower id), and deadlock with
  // an order being paid by the same customer, which locks reserve then points. Then the customer's
  // points mutex proper (already held; it returns the balances).
  await tx.execute(sql`
    select id from accounts
    where user_id = ${args.userId} and kind in ('points_reserve', 'points_locked', 'points_available')
    order by id
    for no key update`);
  const { available } = await lockPoints(tx, args.userId);
  if (args.requestKey) {
    const previous = await alreadyApplied(tx, args.userId, args.requestKey);
    if (previous) return previous;
  }

  const n = args.points;
  if (n < 0) {
    if (available < -n) {
      throw new DomainError("insufficient_funds", "adjust.notEnough", "points", { available, points: -n });
    }
    await takeFromLots(tx, args.userId, -n);
  } else {
    await addLot(tx, { userId: args.userId, points: n, source: "adjustment", expiryDays: pointsPolicy().expiryDays });
  }

  const acc = await customerAccounts(tx, args.userId);
  const platform = await platformAccounts(tx);
  const transactionId = await post(tx, {
    kind: "points_adjustment",
    actorUserId: args.operatorId,
    reason,
    legs: [
      // The points' value in fen: the platform funds an increase and takes back a decrease.
      { accountId: platform.platformFees, asset: "CNY", amount: -n },
      { accountId: acc.points_reserve, asset: "CNY", amount: n },
      { accountId: platform.pointsIssued, asset: "PTS", amount: -n },
      { accountId: acc.points_available, asset: "PTS", amount: n },
    ],
  });

  await recordAudit(tx, {
    actorUserId: args.operatorId,
    action: "points.adjust",
    subjectType: "user",
    subjectId: args.userId,
    reason,
    details: { points: n, transactionId, ...(args.requestKey ? { requestKey: args.requestKey } : {}) },
  });

  return { transactionId, points: n, availableAfter: available + n, duplicate: false };
}
