import "server-only";
import { sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/db";

type Conn = Db | Tx;

export type PendingWithdrawals = {
  count: number;
  totalFen: number;
  oldest: { id: number; userName: string; amountFen: number; createdAt: Date } | null;
};

/** Withdrawal requests still waiting for an operator's decision, with the oldest one. */
export async function pendingWithdrawals(conn: Conn = db): Promise<PendingWithdrawals> {
  const [agg, oldest] = await Promise.all([
    conn.execute<{ n: number; total: number }>(
      sql`select count(*)::bigint as n, coalesce(sum(amount_fen), 0)::bigint as total from withdrawals where status = 'requested'`,
    ),
    conn.execute<{ id: number; user_name: string; amount_fen: number; created_at: Date }>(sql`
      select w.id, u.display_name as user_name, w.amount_fen, w.created_at
      from withdrawals w join users u on u.id = w.user_id
      where w.status = 'requested'
      order by w.created_at, w.id
      limit 1`),
  ]);
  const o = oldest.rows[0];
  return {
    count: Number(agg.rows[0]?.n ?? 0),
    totalFen: Number(agg.rows[0]?.total ?? 0),
    oldest: o ? { id: Number(o.id), userName: o.user_name, amountFen: Number(o.amount_fen), createdAt: new Date(o.created_at) } : null,
  };
}

export type MerchantApplications = {
  count: number;
  oldest: { id: number; name: string; slug: string; createdAt: Date } | null;
};

/** Merchant applications waiting for review (status pending), with the oldest one. */
export async function merchantApplications(conn: Conn = db): Promise<MerchantApplications> {
  const res = await conn.execute<{ n: number; id: number | null; name: string | null; slug: string | null; created_at: Date | null }>(sql`
    select (select count(*)::bigint from merchants where status = 'pending') as n, o.id, o.name, o.slug, o.created_at
    from (select 1) one
    left join lateral (
      select id, name, slug, created_at from merchants where status = 'pending' order by created_at, id limit 1
    ) o on true`);
  const r = res.rows[0];
  return {
    count: Number(r?.n ?? 0),
    oldest:
      r && r.id !== null
        ? { id: Number(r.id), name: r.name ?? "", slug: r.slug ?? "", createdAt: new Date(r.created_at!) }
        : null,
  };
}
