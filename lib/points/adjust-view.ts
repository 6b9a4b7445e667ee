import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { mapFirst, mapRows } from "@/db/rows";
import { userRole } from "@/db/schema";
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
  const res = await db.execute(sql`
    select u.id, u.username, u.phone, u.display_name, u.role,
           (select balance from accounts where user_id = u.id and kind = 'points_available') as available,
           (select balance from accounts where user_id = u.id and kind = 'points_locked') as locked,
           (select balance from accounts where user_id = u.id and kind = 'points_reserve') as reserve
    from users u where u.username = ${q} or u.phone = ${q}
    limit 1`);
  // A user with no customer accounts (an operator, say) has null balances: shown as 0.
  const found = mapFirst(res, (r) => ({
    userId: r.int("id"),
    username: r.str("username"),
    phone: r.strOrNull("phone"),
    displayName: r.str("display_name"),
    role: r.oneOf("role", userRole.enumValues),
    pointsAvailable: r.intOrNull("available") ?? 0,
    pointsLocked: r.intOrNull("locked") ?? 0,
    reserveFen: r.intOrNull("reserve") ?? 0,
  }));
  return found ?? null;
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
  const res = await db.execute(sql`
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
  return mapRows(res, (r) => ({
    transactionId: r.int("transaction_id"),
    userId: r.int("user_id"),
    customerName: r.str("display_name"),
    username: r.str("username"),
    points: r.int("points"),
    reason: r.strOrNull("reason"),
    operatorName: r.strOrNull("operator_name"),
    createdAt: r.date("created_at"),
  }));
}
