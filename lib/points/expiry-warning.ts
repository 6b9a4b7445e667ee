import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { mapRows } from "@/db/rows";
import { inTransaction } from "@/db/transaction";
import { TIME_ZONE } from "@/i18n/config";
import { notifyMany } from "@/lib/notifications/notify";

/** How far ahead a customer is warned of points about to expire. */
export const WARN_DAYS_AHEAD = 3;
/** Customers per transaction. */
const BATCH = 500;
const DAY_MS = 86_400_000;

export type ExpiryWarningRun = { now: string; customers: number; warned: number };

/**
 * Warns each customer, once per calendar day of expiry, of the points that will expire within
 * `WARN_DAYS_AHEAD` days unless spent (SPEC "Notifications": told before points expire). Run daily
 * (or more often: a day already told is not told again, by the notification's subject).
 */
export async function warnExpiringPoints(now: Date = new Date(), daysAhead = WARN_DAYS_AHEAD): Promise<ExpiryWarningRun> {
  const until = new Date(now.getTime() + daysAhead * DAY_MS);
  const run: ExpiryWarningRun = { now: now.toISOString(), customers: 0, warned: 0 };
  let cursor = 0;
  for (;;) {
    const users = await db.execute(sql`
      select distinct user_id from points_lots
      where remaining > 0 and expires_at > ${now.toISOString()} and expires_at <= ${until.toISOString()} and user_id > ${cursor}
      order by user_id limit ${BATCH}`);
    const ids = mapRows(users, (r) => r.int("user_id"));
    if (ids.length === 0) return run;
    cursor = ids[ids.length - 1]!;
    run.customers += ids.length;
    run.warned += await inTransaction(async (tx) => {
      const due = await tx.execute(sql`
        select user_id, to_char(expires_at at time zone ${TIME_ZONE}, 'YYYY-MM-DD') as day, sum(remaining)::bigint as points
        from points_lots
        where remaining > 0 and expires_at > ${now.toISOString()} and expires_at <= ${until.toISOString()}
          and user_id = any(${sql.param(ids)}::bigint[])
        group by 1, 2 order by 1, 2`);
      return notifyMany(
        tx,
        "points_expiring",
        mapRows(due, (r) => ({ userId: r.int("user_id"), params: { points: r.int("points"), expiresOn: r.str("day") }, subject: `expiring:${r.str("day")}` })),
      );
    });
  }
}
