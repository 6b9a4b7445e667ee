import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvField, csvRow, fenToYuanText, neutralizeFormula, serializeCsv, type CsvCell } from "./csv";

/**
 * A deliberately tiny RFC 4180 reader, written independently of the writer: a state machine over
 * characters. Records end with CRLF (a bare LF or CR inside quotes is data).
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i += 1;
    } else if (c === '"') {
      if (field !== "") throw new Error(`stray quote at ${i}`);
      quoted = true;
      i += 1;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i += 1;
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 2;
    } else if (c === "\r" || c === "\n") {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      field += c;
      i += 1;
    }
  }
  if (quoted) throw new Error("unterminated quote");
  if (field !== "" || row.length > 0) throw new Error("last record lacks its CRLF");
  return rows;
}

/** What a reader should get back for a cell. */
function expected(cell: CsvCell): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "number") return String(cell);
  return neutralizeFormula(cell);
}

// Strings heavy in the characters that matter: quotes, separators, line breaks, formula starts.
const nasty = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', ",", "\r", "\n", "\r\n", "=", "+", "-", "@", "\t", " ", "'", "1", "."),
    fc.string({ minLength: 1, maxLength: 1 }),
    fc.constantFrom("面", "馆", "😀"),
  ),
  maxLength: 20,
});
const cell: fc.Arbitrary<CsvCell> = fc.oneof(nasty, fc.maxSafeInteger(), fc.maxSafeNat(), fc.constant(null));

describe("serializeCsv", () => {
  it("round-trips through an independent parser: every row, every cell (formula-guarded)", () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 8 }), (rows) => {
        // A one-cell row holding "" serialises to an empty line, which is the same record.
        expect(parseCsv(serializeCsv(rows))).toEqual(rows.map((r) => r.map(expected)));
      }),
      { numRuns: 500 },
    );
  });

  it("never lets a text cell reach a spreadsheet starting with a formula character", () => {
    fc.assert(
      fc.property(nasty, (s) => {
        const [back] = parseCsv(csvRow([s]));
        const text = back![0]!;
        if (/^[=+\-@\t\r]/.test(text)) expect(text).toMatch(/^-?\d+(\.\d+)?$/);
      }),
      { numRuns: 1000 },
    );
  });

  it("leaves ordinary text alone and quotes only what needs it", () => {
    expect(csvRow(["老街面馆", "plain", 1234, "12.34", null])).toBe("老街面馆,plain,1234,12.34,\r\n");
    expect(csvField('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField(" padded ")).toBe('" padded "');
  });

  it("defuses formula starts but keeps plain numbers as numbers", () => {
    expect(csvField("=HYPERLINK(\"http://x\")")).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField("+1+1")).toBe("'+1+1");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\tx")).toBe("'\tx");
    expect(csvField("-1.50")).toBe("-1.50");
    expect(csvField(-150)).toBe("-150");
  });

  it("refuses non-integer numbers: money is never a float", () => {
    expect(() => csvField(12.34)).toThrow(RangeError);
    expect(() => csvField(Number.NaN)).toThrow(RangeError);
  });
});

describe("fenToYuanText", () => {
  it("formats known amounts", () => {
    expect(fenToYuanText(0)).toBe("0.00");
    expect(fenToYuanText(5)).toBe("0.05");
    expect(fenToYuanText(1234)).toBe("12.34");
    expect(fenToYuanText(100_000_000)).toBe("1000000.00");
    expect(fenToYuanText(-150)).toBe("-1.50");
  });

  it("reads back to the same fen with integer parsing, for every safe integer", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (fen) => {
        const m = /^(-?)(\d+)\.(\d{2})$/.exec(fenToYuanText(fen));
        expect(m).not.toBeNull();
        const back = BigInt(m![2]!) * 100n + BigInt(m![3]!);
        expect(m![1] === "-" ? -back : back).toBe(BigInt(fen));
      }),
    );
  });
});
