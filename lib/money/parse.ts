import { MAX_ORDER_FEN } from "@/db/schema/orders";

export type ParseResult = { ok: true; fen: number } | { ok: false; message: string };

// Digits, optionally a point and one or two more digits. No signs, exponents, separators or spaces
// inside: anything else is not an amount a person typed on purpose.
const AMOUNT = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/**
 * Parses an amount in yuan as typed ("12", "12.3", "12.34") into integer fen, with no floats.
 * Accepts only positive amounts with at most 2 decimals and at most ¥1,000,000.
 */
export function parseYuan(input: unknown, maxFen: number = MAX_ORDER_FEN): ParseResult {
  if (typeof input !== "string") return { ok: false, message: "请输入金额" };
  const text = input.trim();
  if (text === "") return { ok: false, message: "请输入金额" };
  if (/^-/.test(text)) return { ok: false, message: "金额必须大于 0" };
  const m = AMOUNT.exec(text);
  if (!m) {
    if (/^\d+\.\d{3,}$/.test(text)) return { ok: false, message: "金额最多两位小数" };
    return { ok: false, message: "金额格式不正确，例如 12.50" };
  }
  const yuan = Number(m[1]);
  const decimals = (m[2] ?? "").padEnd(2, "0");
  const fen = yuan * 100 + Number(decimals);
  if (fen <= 0) return { ok: false, message: "金额必须大于 0" };
  if (fen > maxFen) return { ok: false, message: `金额不能超过 ¥${(maxFen / 100).toLocaleString("en-US")}` };
  return { ok: true, fen };
}
