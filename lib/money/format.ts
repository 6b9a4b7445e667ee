/**
 * Formats an integer amount of fen as CNY for display, e.g. 1234 -> "¥12.34", -5 -> "-¥0.05",
 * 123456789 -> "¥1,234,567.89". Integer arithmetic only: no float ever touches the amount.
 */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`formatFen expects a safe integer, got ${fen}`);
  const negative = fen < 0;
  const abs = negative ? -fen : fen;
  // `%` on integers is exact, and so is dividing the remainder-free amount by 100.
  const cents = abs % 100;
  const yuan = Math.trunc((abs - cents) / 100);
  const grouped = String(yuan).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}¥${grouped}.${String(cents).padStart(2, "0")}`;
}
