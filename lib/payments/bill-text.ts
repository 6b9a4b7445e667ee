import { TIME_ZONE_OFFSET_MS } from "@/i18n/config";

/**
 * Reading the providers' bill files: amounts in yuan as text, and China-time timestamps. Both
 * providers write amounts with a decimal point (never floats to us: parsed digit by digit) and
 * times as "YYYY-MM-DD HH:mm:ss" in China time.
 */

/** The file did not read as the provider's documented bill format. */
export class BillFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BillFormatError";
  }
}

const YUAN = /^(-)?(\d{1,12})(?:\.(\d{1,2}))?$/;

/** "12.34" → 1234, "-0.5" → -50, "3" → 300. Anything else (three decimals, "1e3", "") throws. */
export function yuanTextToFen(text: string, what: string): number {
  const m = YUAN.exec(text.trim());
  if (!m) throw new BillFormatError(`${what}: "${text.slice(0, 40)}" is not an amount in yuan`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -fen : fen;
}

const CHINA_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** "2026-12-06 13:45:00" (China time) → the instant. */
export function chinaTimeToDate(text: string, what: string): Date {
  const m = CHINA_TIME.exec(text.trim());
  if (!m) throw new BillFormatError(`${what}: "${text.slice(0, 40)}" is not a time`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const at = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - TIME_ZONE_OFFSET_MS);
  if (Number.isNaN(at.getTime())) throw new BillFormatError(`${what}: "${text}" is not a time`);
  return at;
}

/** The instant as China time, "YYYY-MM-DD HH:mm:ss" (what the fakes write). */
export function dateToChinaTime(at: Date): string {
  return new Date(at.getTime() + TIME_ZONE_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

/** The China-time day an instant falls on, YYYY-MM-DD. */
export function chinaDayOf(at: Date): string {
  return new Date(at.getTime() + TIME_ZONE_OFFSET_MS).toISOString().slice(0, 10);
}

/** Where a China-time day starts and ends (end exclusive). Throws RangeError for a day that does not exist. */
export function chinaDayBounds(day: string): { from: Date; to: Date } {
  const from = new Date(new Date(`${day}T00:00:00Z`).getTime() - TIME_ZONE_OFFSET_MS);
  if (Number.isNaN(from.getTime()) || chinaDayOf(from) !== day) throw new RangeError(`not a day: ${day}`);
  return { from, to: new Date(from.getTime() + 86_400_000) };
}

/** The day before, YYYY-MM-DD. */
export function dayBefore(day: string): string {
  return chinaDayOf(new Date(chinaDayBounds(day).from.getTime() - 1));
}
