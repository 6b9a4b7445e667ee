import type { MessageParams } from "@/lib/errors";
import { formatFen } from "./format";

/** A refusal carries a message code (messages/<locale>/errors.json), translated where it is shown. */
export type ParseResult = { ok: true; fen: number } | { ok: false; message: string; params?: MessageParams };

// Digits, optionally a point and one or two more digits. No signs, exponents, separators or spaces
// inside: anything else is not an amount a person typed on purpose.
const AMOUNT = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/**
 * Parses an amount in yuan as typed ("12", "12.3", "12.34") into integer fen, with no floats.
 * Accepts only positive amounts with at most 2 decimals and at most `maxFen`. No database import:
 * the order form's preview runs it in the browser (lib/rules/preview.ts).
 */
export function parseYuanWithin(input: unknown, maxFen: number): ParseResult {
  if (typeof input !== "string") return { ok: false, message: "amount.required" };
  const text = input.trim();
  if (text === "") return { ok: false, message: "amount.required" };
  if (/^-/.test(text)) return { ok: false, message: "amount.positive" };
  const m = AMOUNT.exec(text);
  if (!m) {
    if (/^\d+\.\d{3,}$/.test(text)) return { ok: false, message: "amount.tooManyDecimals" };
    return { ok: false, message: "amount.format" };
  }
  const yuan = Number(m[1]);
  const decimals = (m[2] ?? "").padEnd(2, "0");
  const fen = yuan * 100 + Number(decimals);
  if (fen <= 0) return { ok: false, message: "amount.positive" };
  if (fen > maxFen) return { ok: false, message: "amount.tooBig", params: { max: formatFen(maxFen) } };
  return { ok: true, fen };
}
