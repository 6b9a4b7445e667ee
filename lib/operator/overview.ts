import "server-only";
import { count, eq, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";
import { mapFirst } from "@/db/rows";
import { users, withdrawals } from "@/db/schema";

type Conn = Db | Tx;

export type PendingWithdrawals = {
  count: number;
  totalFen: number;
  oldest: { id: number; userName: string; amountFen: number; createdAt: Date } | null;
};

/** Withdrawal requests still waiting for an operator's decision, with the oldest one. */
export async function pendingWithdrawals(conn: Conn = db): Promise<PendingWithdrawals> {
  const requested = eq(withdrawals.status, "requested");
  const [[agg], [oldest]] = await Promise.all([
    // The sum cast back to bigint arrives as a number (db/index.ts's int8 parser).
    conn.select({ n: count(), total: sql<number>`coalesce(sum(${withdrawals.amountFen}), 0)::bigint` }).from(withdrawals).where(requested),
    conn
      .select({ id: withdrawals.id, userName: users.displayName, amountFen: withdrawals.amountFen, createdAt: withdrawals.createdAt })
      .from(withdrawals)
      .innerJoin(users, eq(users.id, withdrawals.userId))
      .where(requested)
      .orderBy(withdrawals.createdAt, withdrawals.id)
      .limit(1),
  ]);
  return { count: agg?.n ?? 0, totalFen: agg?.total ?? 0, oldest: oldest ?? null };
}

export type MerchantApplications = {
  count: number;
  oldest: { id: number; name: string; slug: string; createdAt: Date } | null;
};

/** Merchant applications waiting for review (status pending), with the oldest one. */
export async function merchantApplications(conn: Conn = db): Promise<MerchantApplications> {
  // One statement, so the count and the oldest come from one snapshot.
  const res = await conn.execute(sql`
    select (select count(*)::bigint from merchants where status = 'pending') as n, o.id, o.name, o.slug, o.created_at
    from (select 1) one
    left join lateral (
      select id, name, slug, created_at from merchants where status = 'pending' order by created_at, id limit 1
    ) o on true`);
  // (select 1) left join: always one row, with the oldest's columns null when nothing is pending.
  const r = mapFirst(res, (c) => ({
    count: c.int("n"),
    oldest: c.intOrNull("id") === null ? null : { id: c.int("id"), name: c.str("name"), slug: c.str("slug"), createdAt: c.date("created_at") },
  }));
  return r ?? { count: 0, oldest: null };
}
