import { MAX_ORDER_FEN } from "@/db/schema/orders";
import { parseYuanWithin, type ParseResult } from "./parse-within";

export type { ParseResult } from "./parse-within";

/**
 * Parses an amount in yuan as typed ("12", "12.3", "12.34") into integer fen, with no floats.
 * Accepts only positive amounts with at most 2 decimals and at most ¥1,000,000.
 */
export function parseYuan(input: unknown, maxFen: number = MAX_ORDER_FEN): ParseResult {
  return parseYuanWithin(input, maxFen);
}
