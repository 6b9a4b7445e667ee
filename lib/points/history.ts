import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";
import { mapRows } from "@/db/rows";
import { pointsReleases } from "@/db/schema";

export type PointsEvent = {
  transactionId: number;
  kind: string;
  reason: string | null;
  orderNo: string | null;
  /** Change to the customer's locked points in this event (0 when untouched). */
  locked: number;
  /** Change to the customer's available points in this event (0 when untouched). */
  available: number;
  createdAt: Date;
};

/**
 * A customer's points history, newest first: one line per ledger event that changed their locked
 * or available points, with both changes (a release shows −n locked and +n available).
 */
export async function pointsHistory(userId: number, limit = 100, conn: Db | Tx = db): Promise<PointsEvent[]> {
  const res = await conn.execute(sql`
    select t.id, t.kind, t.reason, o.order_no, t.created_at,
           coalesce(sum(e.amount) filter (where a.kind = 'points_locked'), 0)::bigint as locked,
           coalesce(sum(e.amount) filter (where a.kind = 'points_available'), 0)::bigint as available
    from accounts a
    join ledger_entries e on e.account_id = a.id
    join ledger_transactions t on t.id = e.transaction_id
    left join orders o on o.id = t.order_id
    where a.user_id = ${userId} and a.kind in ('points_locked', 'points_available')
    group by t.id, o.order_no
    order by t.id desc
    limit ${Math.min(Math.max(limit, 1), 500)}`);
  return mapRows(res, (r) => ({
    transactionId: r.int("id"),
    kind: r.str("kind"),
    reason: r.strOrNull("reason"),
    orderNo: r.strOrNull("order_no"),
    locked: r.int("locked"),
    available: r.int("available"),
    createdAt: r.date("created_at"),
  }));
}

export type ReleaseLine = { day: string; points: number; createdAt: Date };

/** A customer's daily releases, latest day first. */
export async function releaseHistory(userId: number, limit = 30, conn: Db | Tx = db): Promise<ReleaseLine[]> {
  // The day column reads as its 'YYYY-MM-DD' text (mode "string").
  return conn
    .select({ day: pointsReleases.day, points: pointsReleases.points, createdAt: pointsReleases.createdAt })
    .from(pointsReleases)
    .where(eq(pointsReleases.userId, userId))
    .orderBy(desc(pointsReleases.day))
    .limit(Math.min(Math.max(limit, 1), 366));
}
