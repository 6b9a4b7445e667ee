import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { hasUnstorableText } from "@/lib/format/unstorable-text";

export type PointsCustomer = {
  userId: number;
  username: string;
  phone: string | null;
  displayName: string;
  role: "customer" | "merchant" | "operator";
  pointsAvailable: number;
  pointsLocked: number;
  reserveFen: number;
};

/** A user found by exact user name or phone (as operators type it, any case), with their points. */
export async function findPointsCustomer(query: string): Promise<PointsCustomer | null> {
  const q = query.trim().toLowerCase();
  // A NUL makes Postgres refuse the query (a 500 for ?q=%00); no user name or phone holds one.
  if (q.length === 0 || q.length > 64 || hasUnstorableText(q)) return null;
  const res = await db.execute<{
    id: number;
    username: string;
    phone: string | null;
    display_name: string;
    role: PointsCustomer["role"];
    available: number | null;
    locked: number | null;
    reserve: number | null;
  }>(sql`
    select u.id, u.username, u.phone, u.display_name, u.role,
           (select balance from accounts where user_id = u.id and kind = 'points_available') as available,
           (select balance from accounts where user_id = u.id and kind = 'points_locked') as locked,
           (select balance from accounts where user_id = u.id and kind = 'points_reserve') as reserve
    from users u where u.username = ${q} or u.phone = ${q}
    limit 1`);
  const r = res.rows[0];
  if (!r) return null;
  return {
    userId: Number(r.id),
    username: r.username,
    phone: r.phone,
    displayName: r.display_name,
    role: r.role,
    pointsAvailable: Number(r.available ?? 0),
    pointsLocked: Number(r.locked ?? 0),
    reserveFen: Number(r.reserve ?? 0),
  };
}

export type AdjustmentLine = {
  transactionId: number;
  userId: number;
  customerName: string;
  username: string;
  points: number;
  reason: string | null;
  operatorName: string | null;
  createdAt: Date;
};

/** Recent manual points adjustments, newest first; all customers, or one. */
export async function recentAdjustments(opts: { userId?: number; limit?: number } = {}): Promise<AdjustmentLine[]> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const res = await db.execute<{
    transaction_id: number;
    user_id: number;
    display_name: string;
    username: string;
    points: number;
    reason: string | null;
    operator_name: string | null;
    created_at: Date;
  }>(sql`
    -- Driven by the audit log (operator actions only, indexed by time) rather than by scanning the
    -- ledger's transactions for one rare kind.
    select (l.details->>'transactionId')::bigint as transaction_id, l.subject_id::bigint as user_id,
           u.display_name, u.username, (l.details->>'points')::bigint as points, l.reason,
           op.display_name as operator_name, l.created_at
    from audit_log l
    join users u on u.id = l.subject_id::bigint
    left join users op on op.id = l.actor_user_id
    where l.action = 'points.adjust' and l.subject_type = 'user'
      ${opts.userId ? sql`and l.subject_id = ${String(opts.userId)}` : sql``}
    order by l.created_at desc, l.id desc
    limit ${limit}`);
  return res.rows.map((r) => ({
    transactionId: Number(r.transaction_id),
    userId: Number(r.user_id),
    customerName: r.display_name,
    username: r.username,
    points: Number(r.points),
    reason: r.reason,
    operatorName: r.operator_name,
    createdAt: new Date(r.created_at),
  }));
}
