import { addDays, isCalendarDay, shanghaiDay } from "@/lib/points/day";

/** Days the settlement report shows when no range is asked for: the last 30, today included. */
export const DEFAULT_SETTLEMENT_DAYS = 30;
const MAX_DAYS = 366;

export type SettlementRange = { from: string; to: string };

/**
 * The report's range from `?from=&to=` ('YYYY-MM-DD', Shanghai days): either may be left out (the
 * last 30 days up to `to`, or up to today). Refused with a message code: a date that does not
 * exist, from after to, or more than 366 days.
 */
export function parseSettlementRange(
  q: { from?: string | null; to?: string | null },
  today: string = shanghaiDay(),
): { ok: true; range: SettlementRange } | { ok: false; error: "date.invalid" | "date.fromAfterTo" | "settlement.rangeTooLong" } {
  const from = q.from?.trim() || null;
  const to = q.to?.trim() || null;
  if ((from && !isCalendarDay(from)) || (to && !isCalendarDay(to))) return { ok: false, error: "date.invalid" };
  const end = to ?? today;
  const start = from ?? addDays(end, -(DEFAULT_SETTLEMENT_DAYS - 1));
  if (start > end) return { ok: false, error: "date.fromAfterTo" };
  if (addDays(start, MAX_DAYS - 1) < end) return { ok: false, error: "settlement.rangeTooLong" };
  return { ok: true, range: { from: start, to: end } };
}
