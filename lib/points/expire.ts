import "server-only";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";
import { mapFirst, mapRows } from "@/db/rows";
import { pointsLots } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { platformAccounts, post } from "@/lib/ledger";
import { lockPoints } from "./lots";
import { log } from "@/lib/observability/log";

export type Expiry = { userId: number; lots: number; points: number; transactionId: number };

/**
 * Expires every lot of one customer whose expiry time is at or before `now`, oldest first, in one
 * ledger transaction: the points go back to the platform (available → points issued), and their
 * value goes from the customer's reserve to the platform's fees. Returns null when nothing was due.
 */
export async function expireForCustomer(tx: Tx, userId: number, now: Date = new Date()): Promise<Expiry | null> {
  await lockPoints(tx, userId);
  // Under the points mutex no one else changes this customer's lots, and this statement sees every
  // change committed before the lock was won; an expired lot has remaining 0 and is not seen again.
  const res = await tx.execute(sql`
    with due as (
      select id, remaining from points_lots
      where user_id = ${userId} and remaining > 0 and expires_at is not null and expires_at <= ${now.toISOString()}
      order by expires_at, id
    ),
    upd as (
      update points_lots l set remaining = 0 from due where l.id = due.id
      returning due.remaining
    )
    select count(*)::bigint as lots, coalesce(sum(remaining), 0)::bigint as points,
           (select id from accounts where user_id = ${userId} and kind = 'points_reserve') as reserve_id,
           (select id from accounts where user_id = ${userId} and kind = 'points_available') as available_id
    from upd`);
  const row = mapFirst(res, (r) => ({ lots: r.int("lots"), points: r.int("points"), reserveId: r.intOrNull("reserve_id"), availableId: r.intOrNull("available_id") }));
  const points = row?.points ?? 0;
  if (!row || points === 0) return null;
  if (row.reserveId === null || row.availableId === null) throw new Error(`user ${userId} has no points accounts`);

  const platform = await platformAccounts(tx);
  const transactionId = await post(tx, {
    kind: "points_expiry",
    legs: [
      { accountId: row.availableId, asset: "PTS", amount: -points },
      { accountId: platform.pointsIssued, asset: "PTS", amount: points },
      // Expired points return their value from the reserve to the platform.
      { accountId: row.reserveId, asset: "CNY", amount: -points },
      { accountId: platform.platformFees, asset: "CNY", amount: points },
    ],
  });
  return { userId, lots: row.lots, points, transactionId };
}

/** Customers per database transaction in the expiry job (as the release job; docs/points.md). */
export const EXPIRE_BATCH = 50;
/** The job stops starting new batches after this long and reports `done: false`; call it again. */
export const EXPIRE_BUDGET_MS = 50_000;

export type ExpireRun = {
  now: string;
  customers: number;
  lots: number;
  points: number;
  failed: number;
  done: boolean;
};

/**
 * The expiry job: every lot whose expiry time is at or before `now` (default: the current time)
 * and that still holds points expires, oldest lots first, one ledger transaction per customer, in
 * bounded batches. Idempotent: an expired lot holds nothing, so a re-run expires nothing more.
 */
export async function expireLots(
  now: Date = new Date(),
  opts: { batchSize?: number; budgetMs?: number } = {},
): Promise<ExpireRun> {
  const batchSize = opts.batchSize ?? EXPIRE_BATCH;
  const deadline = Date.now() + (opts.budgetMs ?? EXPIRE_BUDGET_MS);
  const run: ExpireRun = { now: now.toISOString(), customers: 0, lots: 0, points: 0, failed: 0, done: false };
  // Keyset over (expires_at, id), kept as Postgres' own text so microseconds survive the round trip.
  let cursor: { at: string; id: number } | null = null;

  for (;;) {
    if (Date.now() >= deadline) return run;
    // Annotated: the query reads `cursor`, which this loop sets from it.
    const due: { id: number; userId: number; at: string }[] = mapRows(
      await db.execute(sql`
        select id, user_id, expires_at::text as at from points_lots
        where remaining > 0 and expires_at is not null and expires_at <= ${now.toISOString()}
          ${cursor ? sql`and (expires_at, id) > (${cursor.at}::timestamptz, ${cursor.id})` : sql``}
        order by expires_at, id
        limit ${batchSize}`),
      (r) => ({ id: r.int("id"), userId: r.int("user_id"), at: r.str("at") }),
    );
    const last = due[due.length - 1];
    if (!last) {
      run.done = true;
      return run;
    }
    cursor = { at: last.at, id: last.id };
    // Customers in the order of their oldest due lot; each one's due lots all expire together.
    const ids = [...new Set(due.map((r) => r.userId))];
    try {
      const expired = await inTransaction(async (tx) => {
        const out: Expiry[] = [];
        for (const id of ids) {
          const x = await expireForCustomer(tx, id, now);
          if (x) out.push(x);
        }
        return out;
      });
      tally(run, expired);
    } catch (e) {
      log.warn({ customers: ids.length, err: e }, "points expiry batch failed; retrying its customers one by one");
      for (const id of ids) {
        try {
          const x = await inTransaction((tx) => expireForCustomer(tx, id, now));
          tally(run, x ? [x] : []);
        } catch (err) {
          run.failed += 1;
          log.error({ customerId: id, err }, "points expiry failed");
        }
      }
    }
  }
}

function tally(run: ExpireRun, expired: Expiry[]): void {
  run.customers += expired.length;
  for (const x of expired) {
    run.lots += x.lots;
    run.points += x.points;
  }
}

export type UpcomingExpiry = {
  lotId: number;
  source: "release" | "adjustment" | "refund";
  points: number;
  remaining: number;
  releasedAt: Date;
  /** Null: never expires. */
  expiresAt: Date | null;
};

/** A customer's available points by lot, soonest expiry first (lots that never expire last). */
export async function upcomingExpiries(userId: number, limit = 50, conn: Db | Tx = db): Promise<UpcomingExpiry[]> {
  const l = pointsLots;
  return conn
    .select({ lotId: l.id, source: l.source, points: l.points, remaining: l.remaining, releasedAt: l.releasedAt, expiresAt: l.expiresAt })
    .from(l)
    .where(and(eq(l.userId, userId), gt(l.remaining, 0)))
    .orderBy(sql`${l.expiresAt} nulls last`, asc(l.releasedAt), asc(l.id))
    .limit(Math.min(Math.max(limit, 1), 500));
}
