import { sql, type SQL } from "drizzle-orm";
import { TIME_ZONE } from "@/i18n/config";

const DAY = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });

/** The calendar day ('YYYY-MM-DD') in Asia/Shanghai `back` days before `now`'s. */
function shanghaiDayBefore(now: Date, back: number): string {
  const [y, m, d] = DAY.format(now).split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - back)).toISOString().slice(0, 10);
}

/**
 * The last `days` calendar days in Asia/Shanghai, for a daily chart's query. `ctes` declares
 * `bounds(today)` and `days(day)` (one row a day, so a day without activity still shows as 0);
 * `since` is when the first day began, for a `created_at >= since` filter on an index; `dayOf(col)`
 * is a timestamp's Shanghai day, to group by and join on `days.day`.
 *
 * Both days are query parameters, not derived from now() inside the query: the planner then
 * knows how few rows the window holds (measured: from now() it assumed a third of the ledger and
 * joined every ledger entry by hash, 221,300 of them read to find 636; docs/operator-console.md).
 */
export function lastDays(days: number, now: Date = new Date()): { ctes: SQL; since: SQL; dayOf: (col: SQL) => SQL } {
  const today = shanghaiDayBefore(now, 0);
  const first = shanghaiDayBefore(now, days - 1);
  return {
    ctes: sql`bounds as (
      select ${today}::date as today
    ),
    days as (
      select generate_series(${first}::date, ${today}::date, interval '1 day')::date as day
    )`,
    since: sql`(${first}::date::timestamp at time zone ${TIME_ZONE})`,
    dayOf: (col) => sql`(${col} at time zone ${TIME_ZONE})::date`,
  };
}
