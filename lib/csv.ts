/**
 * CSV for exports (RFC 4180): CRLF line ends, every field that needs it quoted, quotes doubled.
 *
 * Spreadsheet formula injection: a text cell that starts with = + - @ (or a tab or carriage
 * return, which some spreadsheets also treat as a formula start) is prefixed with a single quote,
 * so Excel and friends show it as text instead of running it. A plain decimal number ("-1.50")
 * cannot be a formula and is left alone, so a negative amount stays a number; so are numbers.
 */

export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** The text a cell will hold once the formula guard has run: what a CSV reader gets back. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** One field: numbers (safe integers only) as digits, text guarded and quoted when needed. */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`csv: only safe integers are written, got ${value}`);
    return String(value);
  }
  const text = neutralizeFormula(value);
  return NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRow(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(",")}\r\n`;
}

/** A whole document. */
export function serializeCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map(csvRow).join("");
}

/**
 * Fen as a plain yuan amount for spreadsheets: 1234 -> "12.34", 5 -> "0.05", -150 -> "-1.50".
 * No currency sign and no grouping, so it reads as a number; integer arithmetic only.
 */
export function fenToYuanText(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fenToYuanText expects a safe integer, got ${fen}`);
  const negative = fen < 0;
  const abs = negative ? -fen : fen;
  const cents = abs % 100;
  const yuan = (abs - cents) / 100;
  return `${negative ? "-" : ""}${yuan}.${String(cents).padStart(2, "0")}`;
}
