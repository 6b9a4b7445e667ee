import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, sourceFiles, withoutComments } from "@/lib/testing/source-files";

// Behind pgbouncer's transaction pool a named statement lives on one server connection, so
// DATABASE_PREPARED_STATEMENTS=off must reach every named statement. Two drizzle `.prepare("…")`
// calls once named theirs by hand and answered 500 behind pgbouncer (the topology's chaos run):
// every `.prepare(` in app code takes its name from preparedName() (db/prepared.ts).

/** `.prepare(` calls whose argument is not a preparedName(…) call, as file:line. */
function unnamedPrepares(file: string, text: string): string[] {
  const code = withoutComments(text);
  const out: string[] = [];
  for (const m of code.matchAll(/\.prepare\(\s*([^)\s]*)/g)) {
    if (!m[1]!.startsWith("preparedName(")) out.push(`${file}:${code.slice(0, m.index).split("\n").length}`);
  }
  return out;
}

describe("named statements", () => {
  it("every drizzle .prepare() in app code is named through preparedName()", () => {
    const found = ["app", "lib", "db"].flatMap((d) => sourceFiles(d, ["testing"])).flatMap((f) => unnamedPrepares(f, fs.readFileSync(path.join(ROOT, f), "utf8")));
    expect(found).toEqual([]);
  });

  it("finds a statement named by hand, and not one in a comment", () => {
    const text = `// .prepare("in_a_comment")\nconst a = q.prepare(preparedName("ok_v1"));\nconst b = q\n  .prepare("by_hand_v1");`;
    expect(unnamedPrepares("x.ts", text)).toEqual(["x.ts:4"]);
  });
});
