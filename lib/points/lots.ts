import "server-only";
import { sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { DomainError } from "@/lib/errors";

/**
 * The customer's points mutex: their points rows (reserve, locked, available), locked in id order —
 * the order post() uses — so it never deadlocks with a posting that touches the same rows. Every change
 * to available points (and so to their lots) happens while holding it, taken before any posting.
 * Returns the current balances.
 */
export async function lockPoints(tx: Tx, userId: number): Promise<{ available: number; locked: number }> {
  const res = await tx.execute<{ kind: string; balance: number }>(sql`
    select kind, balance from accounts
    where user_id = ${userId} and kind in ('points_reserve', 'points_locked', 'points_available')
    order by id
    for no key update`);
  const by = new Map(res.rows.map((r) => [r.kind, Number(r.balance)]));
  if (!by.has("points_available")) throw new Error(`user ${userId} has no points accounts`);
  return { available: by.get("points_available") ?? 0, locked: by.get("points_locked") ?? 0 };
}

/** Adds a lot of available points. The caller posts the matching ledger legs. */
export async function addLot(
  tx: Tx,
  args: { userId: number; points: number; source: "release" | "adjustment" | "refund"; expiryDays: number; now?: Date },
): Promise<void> {
  if (!Number.isSafeInteger(args.points) || args.points <= 0) throw new Error("a lot needs a positive whole number of points");
  const now = args.now ?? new Date();
  const expiresAt = args.expiryDays > 0 ? new Date(now.getTime() + args.expiryDays * 86_400_000) : null;
  await tx.execute(sql`
    insert into points_lots (user_id, source, points, remaining, released_at, expires_at)
    values (${args.userId}, ${args.source}, ${args.points}, ${args.points}, ${now.toISOString()}, ${expiresAt?.toISOString() ?? null})`);
}

/**
 * Takes points from the customer's available lots, oldest first. The caller holds lockPoints and
 * posts the matching ledger legs. Refuses, changing nothing, when the lots do not hold enough.
 */
export async function takeFromLots(tx: Tx, userId: number, points: number): Promise<void> {
  if (!Number.isSafeInteger(points) || points <= 0) throw new Error("take a positive whole number of points");
  const res = await tx.execute<{ taken: number }>(sql`
    with open as (
      select id, remaining,
             sum(remaining) over (order by released_at, id rows unbounded preceding) - remaining as before
      from points_lots where user_id = ${userId} and remaining > 0
    ),
    upd as (
      update points_lots l set remaining = l.remaining - least(o.remaining, ${points} - o.before)
      from open o
      where l.id = o.id and o.before < ${points}
      returning least(o.remaining, ${points} - o.before) as taken
    )
    select coalesce(sum(taken), 0)::bigint as taken from upd`);
  const taken = Number(res.rows[0]?.taken ?? 0);
  if (taken !== points) {
    throw new DomainError("insufficient_funds", "points.notEnough", "points");
  }
}
