import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";
import { mapFirst } from "@/db/rows";
import { accounts, payoutMode, queueEntries } from "@/db/schema";
import { DomainError } from "@/lib/errors";
import { addJob } from "@/lib/jobs";
import { customerAccounts, platformAccounts, post } from "@/lib/ledger";
import { formatFen } from "@/lib/money/format";
import { lockPoints } from "@/lib/points/lots";
import { exitCompensation } from "@/lib/rules/units";
import { SHOWN_STATUSES } from "./ahead";
import { headTarget, lockQueue } from "./lock";
import { EntryMovedError } from "./move";

export type ExitQuote = {
  entryId: number;
  queueId: number;
  queueName: string;
  targetFen: number;
  /** The rate of the rule version the entry joined under. */
  exitCompBps: number;
  /** floor(T × exit_comp_bps / 10000), before the cap. */
  fullPoints: number;
  poolFen: number;
  /** What leaving now pays: fullPoints capped at what the pool holds. */
  points: number;
  /** True when the pool holds less than fullPoints, so the cap applies. */
  capped: boolean;
};

export type LeaveResult =
  | {
      outcome: "left";
      entryId: number;
      queueId: number;
      /** Points credited to the customer's locked points (0: the pool was empty, nothing posted). */
      compensationPoints: number;
      /** True when the queue pays out automatically and its pool now covers the (new) head. */
      drainDue: boolean;
    }
  | {
      /** A repeated request: the entry had already left. Nothing was posted this time. */
      outcome: "already_left";
      entryId: number;
      queueId: number;
      compensationPoints: null;
      drainDue: false;
    };

type EntryRow = {
  id: number;
  queueId: number;
  orderId: number;
  status: (typeof SHOWN_STATUSES)[number];
  targetFen: number;
  exitCompBps: number;
  queueName: string;
  payoutMode: "auto" | "manual";
};

async function readEntry(conn: Db | Tx, entryId: number, customerId: number): Promise<EntryRow> {
  const res = await conn.execute(sql`
    select e.id, e.queue_id, e.order_id, e.status, e.target_fen, r.exit_comp_bps, q.name as queue_name, q.payout_mode
    from queue_entries e
    join rule_versions r on r.id = e.rule_version_id
    join queues q on q.id = e.queue_id
    where e.id = ${entryId} and e.customer_id = ${customerId} and e.status <> 'moved'`);
  const row = mapFirst(res, (r) => ({
    id: r.int("id"),
    queueId: r.int("queue_id"),
    orderId: r.int("order_id"),
    status: r.oneOf("status", SHOWN_STATUSES),
    targetFen: r.int("target_fen"),
    exitCompBps: r.int("exit_comp_bps"),
    queueName: r.str("queue_name"),
    payoutMode: r.oneOf("payout_mode", payoutMode.enumValues),
  }));
  // Another customer's entry is "not found": its existence is none of this customer's business.
  if (!row) throw new DomainError("not_found", "queue.entryNotFound");
  return row;
}

/** Why an entry that is not waiting cannot leave (message codes: messages/<locale>/errors.json). */
function notWaiting(status: EntryRow["status"]): DomainError {
  switch (status) {
    case "paid":
      return new DomainError("not_allowed", "queue.leave.paid");
    case "cancelled":
      return new DomainError("not_allowed", "queue.leave.cancelled");
    case "left":
      return new DomainError("not_allowed", "queue.leave.left");
    default:
      return new DomainError("not_allowed", "queue.leave.notWaiting");
  }
}

function quoteOf(e: EntryRow, poolFen: number): ExitQuote {
  const fullPoints = exitCompensation(e.targetFen, e.exitCompBps);
  const points = Math.min(fullPoints, Math.max(0, poolFen));
  return {
    entryId: e.id,
    queueId: e.queueId,
    queueName: e.queueName,
    targetFen: e.targetFen,
    exitCompBps: e.exitCompBps,
    fullPoints,
    poolFen,
    points,
    capped: points < fullPoints,
  };
}

/**
 * What leaving a waiting entry would pay right now: floor(T × exit_comp_bps / 10000) points, with
 * the rate of the entry's own rule version, capped at what the pool holds at this moment.
 */
export async function exitQuote(entryId: number, customerId: number): Promise<ExitQuote> {
  const e = await readEntry(db, entryId, customerId);
  if (e.status !== "waiting") throw notWaiting(e.status);
  const [pool] = await db
    .select({ balance: accounts.balance })
    .from(accounts)
    .where(and(eq(accounts.queueId, e.queueId), eq(accounts.kind, "pool")));
  return quoteOf(e, pool?.balance ?? 0);
}

/**
 * Leaves a waiting entry (退出). Under the queue lock, then the customer's points mutex: the entry
 * becomes `left`, and the compensation moves from the pool to the customer's points reserve, with
 * the same number of points issued into their locked points. A repeated request for an entry that
 * has already left returns `already_left` and posts nothing.
 *
 * `expectedPoints` is the figure the customer was shown. When the compensation has changed since
 * (the pool cap moved), nothing is written and a `conflict` carries the new figure, so the
 * customer never confirms one amount and receives another.
 */
export async function leaveQueue(
  tx: Tx,
  args: { entryId: number; customerId: number; expectedPoints?: number },
): Promise<LeaveResult> {
  // Read unlocked only to learn the queue; everything is read again once the lock is held.
  const before = await readEntry(tx, args.entryId, args.customerId);
  const queueId = before.queueId;
  // Every status but waiting is final, so a settled entry needs no lock to answer.
  if (before.status === "left") {
    return { outcome: "already_left", entryId: args.entryId, queueId, compensationPoints: null, drainDue: false };
  }
  if (before.status !== "waiting") throw notWaiting(before.status);
  const pool = await lockQueue(tx, queueId);
  await lockPoints(tx, args.customerId);

  const e = await readEntry(tx, args.entryId, args.customerId);
  // An alliance hand-over moved it while we waited (lib/queue/move.ts): lock its new queue instead.
  if (e.queueId !== queueId) throw new EntryMovedError(`entry ${e.id}`, queueId, e.queueId);
  if (e.status === "left") {
    return { outcome: "already_left", entryId: args.entryId, queueId, compensationPoints: null, drainDue: false };
  }
  if (e.status !== "waiting") throw notWaiting(e.status);

  const quote = quoteOf(e, pool.balanceFen);
  if (args.expectedPoints !== undefined && args.expectedPoints !== quote.points) {
    throw new DomainError("conflict", "queue.leave.changed", undefined, { points: quote.points });
  }

  const marked = await tx
    .update(queueEntries)
    .set({ status: "left", settledAt: sql`now()` })
    .where(and(eq(queueEntries.id, args.entryId), eq(queueEntries.status, "waiting")));
  if (marked.rowCount !== 1) throw new Error(`leave of entry ${args.entryId} lost the queue lock`);

  const c = quote.points;
  if (c > 0) {
    const platform = await platformAccounts(tx);
    const customer = await customerAccounts(tx, args.customerId);
    await post(tx, {
      kind: "exit_compensation",
      orderId: e.orderId,
      queueId,
      actorUserId: args.customerId,
      // Shown in the customer's history beside "退出排队补偿".
      reason: `${e.queueName}，免单金额 ${formatFen(quote.targetFen)}`,
      legs: [
        // The pool pays the points' value into the reserve that backs them…
        { accountId: pool.poolAccountId, asset: "CNY", amount: -c },
        { accountId: customer.points_reserve, asset: "CNY", amount: c },
        // …and the points are issued into locked points, released like order points.
        { accountId: platform.pointsIssued, asset: "PTS", amount: -c },
        { accountId: customer.points_locked, asset: "PTS", amount: c },
      ],
    });
  }

  // Leaving the head can uncover a smaller entry behind it that the pool already covers.
  const head = e.payoutMode === "auto" ? await headTarget(tx, queueId) : null;
  const drainDue = head !== null && pool.balanceFen - c >= head;
  // In this transaction, so the drain cannot be lost after the leave commits (lib/jobs, queue.drain).
  if (drainDue) await addJob(tx, "queue.drain", { queueId });
  return {
    outcome: "left",
    entryId: args.entryId,
    queueId,
    compensationPoints: c,
    drainDue,
  };
}
