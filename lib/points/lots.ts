import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "@/db";
import { mapFirst } from "@/db/rows";
import { accounts, pointsLots } from "@/db/schema";
import { DomainError } from "@/lib/errors";

/**
 * The customer's points mutex: their points rows (reserve, locked, available), locked in id order —
 * the order post() uses — so it never deadlocks with a posting that touches the same rows. Every change
 * to available points (and so to their lots) happens while holding it, taken before any posting.
 * Returns the current balances.
 */
export async function lockPoints(tx: Tx, userId: number): Promise<{ available: number; locked: number }> {
  const held = await tx
    .select({ kind: accounts.kind, balance: accounts.balance })
    .from(accounts)
    .where(and(eq(accounts.userId, userId), inArray(accounts.kind, ["points_reserve", "points_locked", "points_available"])))
    .orderBy(asc(accounts.id))
    .for("no key update");
  const by = new Map<string, number>(held.map((r) => [r.kind, r.balance]));
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
  await tx.insert(pointsLots).values({ userId: args.userId, source: args.source, points: args.points, remaining: args.points, releasedAt: now, expiresAt });
}

/**
 * Takes points from the customer's available lots, oldest first. The caller holds lockPoints and
 * posts the matching ledger legs. Refuses, changing nothing, when the lots do not hold enough.
 */
export async function takeFromLots(tx: Tx, userId: number, points: number): Promise<void> {
  if (!Number.isSafeInteger(points) || points <= 0) throw new Error("take a positive whole number of points");
  const res = await tx.execute(sql`
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
  const taken = mapFirst(res, (r) => r.int("taken")) ?? 0;
  if (taken !== points) {
    throw new DomainError("insufficient_funds", "points.notEnough", "points");
  }
}
