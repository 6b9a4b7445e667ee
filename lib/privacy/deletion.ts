import "server-only";
import { and, asc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";
import { mapFirst } from "@/db/rows";
import { accounts, notificationMutes, notifications, pointsLots, pushSubscriptions, queueEntries, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { customerAccounts, platformAccounts, post, type Leg } from "@/lib/ledger";
import { formatFen } from "@/lib/money/format";
import { lockPoints } from "@/lib/points/lots";
import { exitQuote } from "@/lib/queue/leave";
import { lockWallet } from "@/lib/wallet/withdrawals";

/** What stands between a person and the deletion of their account: money still on its way. */
export type DeletionBlocker =
  | { kind: "waiting"; count: number }
  | { kind: "wallet"; amountFen: number }
  | { kind: "withdrawal"; amountFen: number }
  | { kind: "refund"; amountFen: number }
  | { kind: "pendingOrder"; orderNo: string }
  | { kind: "store" };

type Standing = {
  blockers: DeletionBlocker[];
  /** Points (locked and available) that a deletion gives up. */
  points: number;
  deleted: boolean;
};

/**
 * Reads where the person stands, in one statement. Inside deleteAccount it runs after the locks,
 * so it sees everything committed before them.
 */
async function standing(conn: Db | Tx, userId: number): Promise<Standing> {
  const res = await conn.execute(sql`
    select
      (select deleted_at is not null from users where id = ${userId}) as deleted,
      (select count(*) from queue_entries where customer_id = ${userId} and status = 'waiting')::int as waiting,
      (select balance from accounts where user_id = ${userId} and kind = 'wallet') as wallet,
      -- Requested (withdrawals_pending) and approved or being sent (withdrawals_sending): a transfer
      -- the provider refuses brings the money back to the wallet, which must still have an owner.
      (select coalesce(sum(balance), 0) from accounts where user_id = ${userId} and kind in ('withdrawals_pending', 'withdrawals_sending'))::bigint as withdrawing,
      (select balance from accounts where user_id = ${userId} and kind = 'refunds_pending') as refunding,
      (select order_no from orders where customer_id = ${userId} and status = 'pending' order by id limit 1) as pending_order,
      (select status::text from merchants where owner_user_id = ${userId}) as store_status,
      (select coalesce(sum(balance), 0) from accounts where user_id = ${userId} and kind in ('points_locked', 'points_available'))::bigint as points`);
  const r = mapFirst(res, (c) => ({
    // null: no such user.
    deleted: c.boolOrNull("deleted"),
    waiting: c.int("waiting"),
    wallet: c.intOrNull("wallet") ?? 0,
    withdrawing: c.int("withdrawing"),
    refunding: c.intOrNull("refunding") ?? 0,
    pendingOrder: c.strOrNull("pending_order"),
    storeStatus: c.strOrNull("store_status"),
    points: c.int("points"),
  }));
  if (!r || r.deleted === null) throw new DomainError("not_found", "privacy.accountDeleted");
  const blockers: DeletionBlocker[] = [];
  if (r.storeStatus === "pending" || r.storeStatus === "approved") blockers.push({ kind: "store" });
  if (r.waiting > 0) blockers.push({ kind: "waiting", count: r.waiting });
  if (r.pendingOrder !== null) blockers.push({ kind: "pendingOrder", orderNo: r.pendingOrder });
  if (r.wallet > 0) blockers.push({ kind: "wallet", amountFen: r.wallet });
  if (r.withdrawing > 0) blockers.push({ kind: "withdrawal", amountFen: r.withdrawing });
  if (r.refunding > 0) blockers.push({ kind: "refund", amountFen: r.refunding });
  return { blockers, points: r.points, deleted: r.deleted };
}

/** The refusal for a blocker: the reason and what to do, as a message code with its arguments. */
export function blockerError(b: DeletionBlocker): DomainError {
  switch (b.kind) {
    case "waiting":
      return new DomainError("not_allowed", "privacy.deleteWaiting", undefined, { count: b.count });
    case "wallet":
      return new DomainError("not_allowed", "privacy.deleteWallet", undefined, { amount: formatFen(b.amountFen) });
    case "withdrawal":
      return new DomainError("not_allowed", "privacy.deleteWithdrawal", undefined, { amount: formatFen(b.amountFen) });
    case "refund":
      return new DomainError("not_allowed", "privacy.deleteRefund", undefined, { amount: formatFen(b.amountFen) });
    case "pendingOrder":
      return new DomainError("not_allowed", "privacy.deletePendingOrder", undefined, { orderNo: b.orderNo });
    case "store":
      return new DomainError("not_allowed", "privacy.deleteStore");
  }
}

export type WaitingEntryQuote = { entryId: number; queueName: string; targetFen: number; points: number };

export type DeletionPreview = {
  blockers: DeletionBlocker[];
  points: number;
  /** The waiting entries, each with what leaving it pays right now (the leave flow on /me). */
  waiting: WaitingEntryQuote[];
};

/** What the delete page shows: whether deletion would go through now, and the points it gives up. */
export async function deletionPreview(userId: number): Promise<DeletionPreview> {
  const s = await standing(db, userId);
  const entries = await db
    .select({ id: queueEntries.id })
    .from(queueEntries)
    .where(and(eq(queueEntries.customerId, userId), eq(queueEntries.status, "waiting")))
    .orderBy(asc(queueEntries.id))
    .limit(20);
  const waiting: WaitingEntryQuote[] = [];
  for (const r of entries) {
    try {
      const q = await exitQuote(r.id, userId);
      waiting.push({ entryId: q.entryId, queueName: q.queueName, targetFen: q.targetFen, points: q.points });
    } catch (e) {
      // Settled between the two reads: nothing to leave any more.
      if (!(e instanceof DomainError)) throw e;
    }
  }
  return { blockers: s.blockers, points: s.points, waiting };
}

/**
 * Gives up all the person's points, locked and available, as an expiry does: the points go back to
 * the platform and the reserve that backed them to the platform's fees. The caller holds lockPoints.
 */
async function forfeitPoints(tx: Tx, userId: number): Promise<{ points: number; transactionId: number | null }> {
  const held = await tx
    .select({ kind: accounts.kind, balance: accounts.balance })
    .from(accounts)
    .where(and(eq(accounts.userId, userId), inArray(accounts.kind, ["points_reserve", "points_locked", "points_available"])));
  const bal = new Map<string, number>(held.map((r) => [r.kind, r.balance]));
  const locked = bal.get("points_locked") ?? 0;
  const available = bal.get("points_available") ?? 0;
  const reserve = bal.get("points_reserve") ?? 0;
  // The lots hold the available points; an emptied lot is kept as history, like an expired one.
  await tx
    .update(pointsLots)
    .set({ remaining: 0 })
    .where(and(eq(pointsLots.userId, userId), gt(pointsLots.remaining, 0)));
  if (locked + available + reserve === 0) return { points: 0, transactionId: null };

  const acc = await customerAccounts(tx, userId);
  const platform = await platformAccounts(tx);
  const legs: Leg[] = [];
  if (locked > 0) legs.push({ accountId: acc.points_locked, asset: "PTS", amount: -locked });
  if (available > 0) legs.push({ accountId: acc.points_available, asset: "PTS", amount: -available });
  if (locked + available > 0) legs.push({ accountId: platform.pointsIssued, asset: "PTS", amount: locked + available });
  if (reserve > 0) {
    legs.push({ accountId: acc.points_reserve, asset: "CNY", amount: -reserve });
    legs.push({ accountId: platform.platformFees, asset: "CNY", amount: reserve });
  }
  const transactionId = await post(tx, { kind: "points_forfeit", actorUserId: userId, legs });
  return { points: locked + available, transactionId };
}

/**
 * Every table that holds a person's own data, one step each: the step removes the data or replaces
 * it with nothing personal. The ledger, orders, entries and withdrawals keep their rows, owned by
 * the user id, which after these steps names nobody. A new table with personal data adds its step.
 */
export const PERSONAL_DATA_STEPS: readonly { table: string; erase: (tx: Tx, userId: number) => Promise<void> }[] = [
  {
    // Failed-login counters are keyed by the name or phone number as typed.
    table: "auth_throttles",
    erase: async (tx, userId) => {
      await tx.execute(sql`
        delete from auth_throttles
        where key in (select 'account:' || username from users where id = ${userId}
                      union all select 'account:' || phone from users where id = ${userId} and phone is not null
                      union all select 'withdraw:' || ${userId}::text)`);
    },
  },
  {
    // Where the person's browsers receive pushes.
    table: "push_subscriptions",
    erase: async (tx, userId) => {
      await tx.delete(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
    },
  },
  {
    // Which kinds of message the person turned off.
    table: "notification_mutes",
    erase: async (tx, userId) => {
      await tx.delete(notificationMutes).where(eq(notificationMutes.userId, userId));
    },
  },
  {
    // What the person was told, with the deliveries not yet made (nothing is pushed or texted to a
    // deleted account; a delivery already running finds no row and ends).
    table: "notifications",
    erase: async (tx, userId) => {
      await tx.execute(sql`
        select graphile_worker.remove_job('notification:' || id) from notifications
        where user_id = ${userId} and (push_done_at is null or sms_done_at is null)`);
      await tx.delete(notifications).where(eq(notifications.userId, userId));
    },
  },
  {
    // SMS codes are kept by phone number (sign-up and password reset), before the number is erased below.
    table: "sms_codes",
    erase: async (tx, userId) => {
      await tx.execute(sql`delete from sms_codes where phone = (select phone from users where id = ${userId})`);
    },
  },
  {
    // Withdrawals keep pointing at the account they were paid to (financial records), so the row
    // stays, unbound, with its name and account replaced by placeholders the table's checks accept.
    table: "payout_accounts",
    erase: async (tx, userId) => {
      await tx.execute(sql`
        update payout_accounts
        set openid = case when kind = 'wechat' then 'erased' end,
            alipay_account = case when kind = 'alipay' then 'erased' end,
            real_name = case when kind = 'alipay' then '-' end,
            unbound_at = coalesce(unbound_at, now())
        where user_id = ${userId}`);
    },
  },
  {
    // Last, since the step above reads the name and phone. The row stays as the anonymous owner of
    // the kept records; nobody can sign in as it (no password verifies against '!'), every session
    // token ends with the session version, and the role falls back to the least one.
    table: "users",
    erase: async (tx, userId) => {
      await tx
        .update(users)
        .set({
          username: sql`'deleted-' || ${users.id}`,
          phone: null,
          displayName: "-",
          passwordHash: "!",
          role: "customer",
          sessionVersion: sql`${users.sessionVersion} + 1`,
          deletedAt: sql`now()`,
        })
        .where(eq(users.id, userId));
    },
  },
];

export type Deletion = { userId: number; pointsForfeited: number; forfeitTransactionId: number | null };

/**
 * Deletes the person's account, in the caller's transaction. Refused (nothing written) while money
 * is on its way to or from them. Locks, in this order: the user row (FOR UPDATE, which also waits
 * for and then holds off any transaction inserting a row that references the user, such as a new
 * order), then the wallet and the points rows as the wallet and points code lock them. Under the
 * locks the checks are read again, the points are forfeited, and every personal field is erased.
 */
export async function deleteAccount(tx: Tx, userId: number): Promise<Deletion> {
  // A refusal that needs no lock: the common case (say, a waiting entry) never queues behind a drain.
  const before = await standing(tx, userId);
  if (before.deleted) throw new DomainError("not_found", "privacy.accountDeleted");
  if (before.blockers[0]) throw blockerError(before.blockers[0]);

  const locked = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .for("update");
  if (locked.length === 0) throw new DomainError("not_found", "privacy.accountDeleted");
  await lockWallet(tx, userId);
  await lockPoints(tx, userId);
  const now = await standing(tx, userId);
  if (now.blockers[0]) throw blockerError(now.blockers[0]);

  const forfeit = await forfeitPoints(tx, userId);
  for (const step of PERSONAL_DATA_STEPS) await step.erase(tx, userId);
  await recordAudit(tx, {
    actorUserId: userId,
    action: "privacy.delete",
    subjectType: "user",
    subjectId: userId,
    details: { pointsForfeited: forfeit.points },
  });
  return { userId, pointsForfeited: forfeit.points, forfeitTransactionId: forfeit.transactionId };
}
