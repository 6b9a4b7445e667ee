import "server-only";
import { sql } from "drizzle-orm";
import { db, type Tx } from "@/db";
import { mapFirst, mapRows } from "@/db/rows";
import { inTransaction } from "@/db/transaction";
import { post } from "@/lib/ledger";
import { shareOfCeil } from "@/lib/money/bps";
import { isCalendarDay, shanghaiDay } from "./day";
import { addLot, lockPoints } from "./lots";
import { pointsPolicy } from "./policy";
import { log } from "@/lib/observability/log";

export type PointsPolicy = ReturnType<typeof pointsPolicy>;

export type Release = { userId: number; day: string; points: number; transactionId: number };

/** Points one daily release moves: ceil(locked × bps / 10000), or all that remain when fewer. */
export function dailyReleaseOf(locked: number, releaseBpsPerDay: number): number {
  if (locked <= 0 || releaseBpsPerDay <= 0) return 0;
  return Math.min(locked, shareOfCeil(locked, releaseBpsPerDay));
}

/**
 * Releases one day's share of a customer's locked points to their available points, at most once
 * per (customer, day). Returns null when there was nothing to do: already released that day, or
 * nothing locked.
 */
export async function releaseForCustomer(
  tx: Tx,
  userId: number,
  day: string,
  policy: PointsPolicy,
  now: Date = new Date(),
): Promise<Release | null> {
  if (!isCalendarDay(day)) throw new RangeError(`release day must be YYYY-MM-DD, got ${day}`);
  const { locked } = await lockPoints(tx, userId);
  // A statement of its own after the lock: under READ COMMITTED it sees a release of the same day
  // that a concurrent run committed while we waited for the lock, so the day is released once.
  const res = await tx.execute(sql`
    select (select id from accounts where user_id = ${userId} and kind = 'points_locked') as locked_id,
           (select id from accounts where user_id = ${userId} and kind = 'points_available') as available_id,
           exists (select 1 from points_releases where user_id = ${userId} and day = ${day}) as done`);
  const row = mapFirst(res, (r) => ({ lockedId: r.intOrNull("locked_id"), availableId: r.intOrNull("available_id"), done: r.bool("done") }));
  if (!row || row.done) return null;
  const points = dailyReleaseOf(locked, policy.releaseBpsPerDay);
  if (points === 0) return null;
  if (row.lockedId === null || row.availableId === null) throw new Error(`user ${userId} has no points accounts`);

  // PTS only: the reserve backs locked and available points alike, so it does not move.
  const transactionId = await post(tx, {
    kind: "points_release",
    legs: [
      { accountId: row.lockedId, asset: "PTS", amount: -points },
      { accountId: row.availableId, asset: "PTS", amount: points },
    ],
  });
  await addLot(tx, { userId, points, source: "release", expiryDays: policy.expiryDays, now });
  // The primary key (user_id, day) is the last line of defence: a second release of the same day
  // fails here and rolls the whole posting back.
  await tx.execute(sql`
    insert into points_releases (user_id, day, points, transaction_id)
    values (${userId}, ${day}, ${points}, ${transactionId})`);
  return { userId, day, points, transactionId };
}

/** Customers per database transaction in the daily job (see docs/points.md for the measurements). */
export const RELEASE_BATCH = 50;
/** The job stops starting new batches after this long and reports `done: false`; call it again. */
export const RELEASE_BUDGET_MS = 50_000;

export type ReleaseRun = {
  day: string;
  /** Customers released in this run. */
  customers: number;
  /** Points moved from locked to available in this run. */
  points: number;
  /** Customers whose release failed (logged); the next run retries them. */
  failed: number;
  /** False when the time budget ran out before every customer was visited. */
  done: boolean;
};

type RunOpts = { policy?: PointsPolicy; batchSize?: number; budgetMs?: number; now?: Date };

/**
 * The daily release job: every customer with locked points and no release for `day` (default:
 * today in Asia/Shanghai) gets one, in bounded batches of customers per transaction. Idempotent:
 * re-running the same day releases nothing more, and concurrent runs release each customer once.
 */
export async function runDailyRelease(day: string = shanghaiDay(), opts: RunOpts = {}): Promise<ReleaseRun> {
  if (!isCalendarDay(day)) throw new RangeError(`release day must be YYYY-MM-DD, got ${day}`);
  const policy = opts.policy ?? pointsPolicy();
  const batchSize = opts.batchSize ?? RELEASE_BATCH;
  const deadline = Date.now() + (opts.budgetMs ?? RELEASE_BUDGET_MS);
  const run: ReleaseRun = { day, customers: 0, points: 0, failed: 0, done: false };
  let after = 0;

  for (;;) {
    if (Date.now() >= deadline) return run;
    // Keyset over user ids: one pass over the customers, each batch starting where the last ended.
    const res = await db.execute(sql`
      select a.user_id from accounts a
      where a.kind = 'points_locked' and a.balance > 0 and a.user_id > ${after}
        and not exists (select 1 from points_releases r where r.user_id = a.user_id and r.day = ${day})
      order by a.user_id
      limit ${batchSize}`);
    const ids = mapRows(res, (r) => r.int("user_id"));
    if (ids.length === 0) {
      run.done = true;
      return run;
    }
    after = ids[ids.length - 1]!;
    const now = opts.now ?? new Date();
    try {
      const released = await inTransaction(async (tx) => {
        const out: Release[] = [];
        for (const id of ids) {
          const r = await releaseForCustomer(tx, id, day, policy, now);
          if (r) out.push(r);
        }
        return out;
      });
      tally(run, released);
    } catch (e) {
      // One bad customer must not hold back the rest: redo this batch one customer at a time.
      log.warn({ day, customers: ids.length, err: e }, "points release batch failed; retrying its customers one by one");
      for (const id of ids) {
        try {
          const r = await inTransaction((tx) => releaseForCustomer(tx, id, day, policy, now));
          tally(run, r ? [r] : []);
        } catch (err) {
          run.failed += 1;
          log.error({ day, customerId: id, err }, "points release failed");
        }
      }
    }
  }
}

function tally(run: ReleaseRun, released: Release[]): void {
  run.customers += released.length;
  for (const r of released) run.points += r.points;
}
