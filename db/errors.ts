/** Reads a Postgres error field through drizzle's wrapping (`cause`). */
function field(e: unknown, name: "code" | "constraint"): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === "object"; i++) {
    const v = (cur as Record<string, unknown>)[name];
    if (typeof v === "string") return v;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export const pgCode = (e: unknown) => field(e, "code");
export const pgConstraint = (e: unknown) => field(e, "constraint");
