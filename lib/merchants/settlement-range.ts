import { z } from "zod";
import { addDays, isCalendarDay, shanghaiDay } from "@/lib/points/day";

/** Days the settlement report shows when no range is asked for: the last 30, today included. */
export const DEFAULT_SETTLEMENT_DAYS = 30;
const MAX_DAYS = 366;

export type SettlementRange = { from: string; to: string };
type RangeError = "date.invalid" | "date.fromAfterTo" | "settlement.rangeTooLong";

/** One bound: a 'YYYY-MM-DD' day that exists, or left out (missing or blank). A repeated parameter is invalid. */
const bound = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v),
  z.string().max(10, "date.invalid").refine(isCalendarDay, "date.invalid").optional(),
);

/** The report's query (`?from=&to=`, the page's searchParams or the CSV route's), anything else ignored. */
export const settlementQuerySchema = z.object({ from: bound, to: bound });

/**
 * The report's range from `?from=&to=` ('YYYY-MM-DD', Shanghai days): either may be left out (the
 * last 30 days up to `to`, or up to today). Refused with a message code: a date that does not
 * exist, from after to, or more than 366 days.
 */
export function parseSettlementRange(query: unknown, today: string = shanghaiDay()): { ok: true; range: SettlementRange } | { ok: false; error: RangeError } {
  const parsed = settlementQuerySchema.safeParse(query ?? {});
  if (!parsed.success) return { ok: false, error: "date.invalid" };
  const { from, to } = parsed.data;
  const end = to ?? today;
  const start = from ?? addDays(end, -(DEFAULT_SETTLEMENT_DAYS - 1));
  if (start > end) return { ok: false, error: "date.fromAfterTo" };
  if (addDays(start, MAX_DAYS - 1) < end) return { ok: false, error: "settlement.rangeTooLong" };
  return { ok: true, range: { from: start, to: end } };
}
