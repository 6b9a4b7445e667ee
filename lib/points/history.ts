import "server-only";
import { sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";

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
  const res = await conn.execute<{
    id: number;
    kind: string;
    reason: string | null;
    order_no: string | null;
    locked: number;
    available: number;
    created_at: Date;
  }>(sql`
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
  return res.rows.map((r) => ({
    transactionId: Number(r.id),
    kind: r.kind,
    reason: r.reason,
    orderNo: r.order_no,
    locked: Number(r.locked),
    available: Number(r.available),
    createdAt: new Date(r.created_at),
  }));
}

export type ReleaseLine = { day: string; points: number; createdAt: Date };

/** A customer's daily releases, latest day first. */
export async function releaseHistory(userId: number, limit = 30, conn: Db | Tx = db): Promise<ReleaseLine[]> {
  const res = await conn.execute<{ day: string; points: number; created_at: Date }>(sql`
    select day::text as day, points, created_at from points_releases
    where user_id = ${userId}
    order by day desc
    limit ${Math.min(Math.max(limit, 1), 366)}`);
  return res.rows.map((r) => ({ day: r.day, points: Number(r.points), createdAt: new Date(r.created_at) }));
}
