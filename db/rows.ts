import "server-only";

// Typed rows for the raw SQL that stays raw (locks, CTEs, window functions, bulk unnest). A type
// argument on `execute<T>()` is a cast nothing checks; a mapper reads each column with the type it
// must have, and a renamed column or a changed type fails on the first row instead of flowing on
// as `undefined`. What drizzle's raw path hands back, column by column:
// - int8 (ids, fen, points, count(*)): a number, by db/index.ts's parser;
// - numeric (sum() of a bigint, for one): a string, so `int()` accepts an integer string too;
// - timestamptz and date: the text Postgres sent (drizzle turns off pg's Date parsing), while
//   pool.query() gives a Date: `date()` takes both.

type RawResult = { rows: readonly unknown[] };

/** One raw row, read a column at a time with the type it must have. */
export class Cells {
  constructor(private readonly row: Record<string, unknown>) {}

  /** Whether the query selected this column at all (one mapper for queries that differ by a column). */
  has(name: string): boolean {
    return name in this.row;
  }

  private fail(name: string, want: string): never {
    const v = this.row[name];
    const got = v === undefined ? (name in this.row ? "undefined" : "no such column") : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
    throw new TypeError(`raw row: column ${name} should be ${want}, got ${got}`);
  }

  /** An exact integer: int2/4/8 as numbers, or numeric (a sum) as an integer string. */
  int(name: string): number {
    const v = this.row[name];
    if (typeof v === "number" && Number.isSafeInteger(v)) return v;
    if (typeof v === "string" && /^-?\d+$/.test(v)) {
      const n = Number(v);
      if (Number.isSafeInteger(n)) return n;
    }
    return this.fail(name, "an integer");
  }

  /** A measurement that may have a fraction (seconds from extract(epoch …)): never money. */
  decimal(name: string): number {
    const v = this.row[name];
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    return Number.isFinite(n) ? n : this.fail(name, "a number");
  }

  intOrNull(name: string): number | null {
    return this.row[name] === null ? null : this.int(name);
  }

  str(name: string): string {
    const v = this.row[name];
    return typeof v === "string" ? v : this.fail(name, "text");
  }

  strOrNull(name: string): string | null {
    return this.row[name] === null ? null : this.str(name);
  }

  /** Text that must be one of `values` (a Postgres enum, or a column a CHECK keeps to a list). */
  oneOf<const V extends string>(name: string, values: readonly V[]): V {
    const v = this.row[name];
    return typeof v === "string" && (values as readonly string[]).includes(v) ? (v as V) : this.fail(name, `one of ${values.join(", ")}`);
  }

  /** oneOf for a nullable column (a paid kind that only a paid row has). */
  oneOfOrNull<const V extends string>(name: string, values: readonly V[]): V | null {
    return this.row[name] === null ? null : this.oneOf(name, values);
  }

  /** A text[] column (array_agg of text, say); null, as array_agg gives for no rows, is empty. */
  strList(name: string): string[] {
    const v = this.row[name];
    if (v === null) return [];
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : this.fail(name, "a text array");
  }

  bool(name: string): boolean {
    const v = this.row[name];
    return typeof v === "boolean" ? v : this.fail(name, "a boolean");
  }

  boolOrNull(name: string): boolean | null {
    return this.row[name] === null ? null : this.bool(name);
  }

  date(name: string): Date {
    const v = this.row[name];
    const d = v instanceof Date ? v : typeof v === "string" ? new Date(v) : undefined;
    return d && !Number.isNaN(d.getTime()) ? d : this.fail(name, "a timestamp");
  }

  dateOrNull(name: string): Date | null {
    return this.row[name] === null ? null : this.date(name);
  }

  /** A jsonb value as parsed; its shape is the caller's to check (usually with zod). */
  json(name: string): unknown {
    return name in this.row ? this.row[name] : this.fail(name, "a json value");
  }
}

/** Every row of a raw result, each through `map`. */
export function mapRows<T>(result: RawResult, map: (row: Cells) => T): T[] {
  return result.rows.map((r) => map(new Cells(r as Record<string, unknown>)));
}

/** The first row of a raw result through `map`, or undefined when there is none. */
export function mapFirst<T>(result: RawResult, map: (row: Cells) => T): T | undefined {
  const r = result.rows[0];
  return r === undefined ? undefined : map(new Cells(r as Record<string, unknown>));
}
