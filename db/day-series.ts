import { sql, type SQL } from "drizzle-orm";
import { TIME_ZONE } from "@/i18n/config";

/**
 * The last `days` calendar days in Asia/Shanghai, for a daily chart's query. `ctes` declares
 * `bounds(today)` and `days(day)` (one row a day, so a day without activity still shows as 0);
 * `since` is when the first day began, for a `created_at >= since` filter on an index; `dayOf(col)`
 * is a timestamp's Shanghai day, to group by and join on `days.day`.
 */
export function lastDays(days: number): { ctes: SQL; since: SQL; dayOf: (col: SQL) => SQL } {
  return {
    ctes: sql`bounds as (
      select (now() at time zone ${TIME_ZONE})::date as today
    ),
    days as (
      select generate_series(today - ${days - 1}::int, today, interval '1 day')::date as day from bounds
    )`,
    since: sql`((today - ${days - 1}::int)::timestamp at time zone ${TIME_ZONE})`,
    dayOf: (col) => sql`(${col} at time zone ${TIME_ZONE})::date`,
  };
}
