/**
 * Calendar days for the points jobs. The platform's day is the calendar date in its time zone
 * (TIME_ZONE, Asia/Shanghai): the daily release for "2026-03-01" is the one that runs just after
 * midnight in China on that date. China has no daylight saving time, so a day is always 24 hours.
 */
import { TIME_ZONE } from "@/i18n/config";

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

const shanghaiDate = new Intl.DateTimeFormat("en-CA", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The Asia/Shanghai calendar date of an instant, as 'YYYY-MM-DD'. */
export function shanghaiDay(at: Date = new Date()): string {
  // en-CA formats as YYYY-MM-DD.
  return shanghaiDate.format(at);
}

/** Whether `s` is a real calendar date written 'YYYY-MM-DD' (no 2026-02-30). */
export function isCalendarDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** The day `n` days after (or before, when negative) a 'YYYY-MM-DD' day. */
export function addDays(day: string, n: number): string {
  if (!isCalendarDay(day)) throw new RangeError(`not a calendar day: ${day}`);
  const [y, mo, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d + n)).toISOString().slice(0, 10);
}
