import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, sourceFiles, withoutComments } from "@/lib/testing/source-files";
import { areaOf, CLIENT_NAMESPACES, clientMessages, pickMessages, type MessageArea } from "./client-messages";
import { messages } from "./messages";


function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null; // a package
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The app's source files, as absolute paths (the import walk resolves to those). */
function appFiles(): string[] {
  return sourceFiles("app").map((f) => path.join(ROOT, f));
}

/** The "use client" files: where the browser's part of a page starts. */
function clientEntries(): string[] {
  return appFiles().filter((f) => /^\s*["']use client["']/.test(fs.readFileSync(f, "utf8")));
}

/** A module and everything it imports from the project, types aside. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/g)) {
      if (/^\s*import\s+type\s/.test(m[0])) continue; // types only: nothing runs
      const target = resolveImport(file, m[1]!);
      if (target && !seen.has(target)) stack.push(target);
    }
  }
  return seen;
}

/** The console whose layout an entry renders under (its folder), or null for any other page. */
function areaOfFile(file: string): MessageArea | null {
  const rel = path.relative(path.join(ROOT, "app"), file);
  return rel.startsWith("merchant/") ? "merchant" : rel.startsWith("operator/") ? "operator" : null;
}

/** The namespaces one module translates with, read from its code (not its comments). */
function namespacesIn(file: string, unreadable: string[]): string[] {
  const text = withoutComments(fs.readFileSync(file, "utf8"));
  const out: string[] = [];
  for (const m of text.matchAll(/useTranslations\(([^)]*)\)/g)) {
    const arg = m[1]!.trim();
    const literal = /^["']([\w.]+)["']$/.exec(arg);
    if (!literal) unreadable.push(`${path.relative(ROOT, file)}: useTranslations(${arg})`);
    else out.push(literal[1]!);
  }
  return out;
}

describe("client messages", () => {
  const entries = clientEntries();
  const modules = new Set<string>();
  const used = new Map<string, string[]>();
  const unreadable: string[] = [];
  // Each namespace with the entries that reach it, and the area each entry's page is in.
  const reached: { ns: string; entry: string; area: MessageArea | null }[] = [];
  for (const entry of entries) {
    for (const file of closure(entry)) {
      const fresh = !modules.has(file);
      modules.add(file);
      for (const ns of namespacesIn(file, fresh ? unreadable : [])) {
        if (fresh) used.set(ns, [...(used.get(ns) ?? []), path.relative(ROOT, file)]);
        reached.push({ ns, entry: path.relative(ROOT, entry), area: areaOfFile(entry) });
      }
    }
  }

  it("finds the client components (the walk works)", () => {
    expect(modules.size).toBeGreaterThan(20);
    expect(used.has("customer.live")).toBe(true);
  });

  it("every namespace a client module translates is sent to the browser", () => {
    expect(unreadable).toEqual([]);
    const covered = (ns: string) => CLIENT_NAMESPACES.some((p) => ns === p || ns.startsWith(`${p}.`));
    const missing = [...used].filter(([ns]) => !covered(ns)).map(([ns, files]) => `${ns} (${files.join(", ")})`);
    expect(missing).toEqual([]);
  });

  it("sends nothing no client module reads", () => {
    const unused = CLIENT_NAMESPACES.filter((p) => ![...used.keys()].some((ns) => ns === p || ns.startsWith(`${p}.`)));
    expect(unused).toEqual([]);
  });

  it("a console's files are imported only from within that console, so they render under its layout", () => {
    const crossing: string[] = [];
    for (const file of appFiles()) {
      for (const m of fs.readFileSync(file, "utf8").matchAll(/(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/g)) {
        const target = resolveImport(file, m[1]!);
        if (target && areaOfFile(target) !== null && areaOfFile(target) !== areaOfFile(file)) crossing.push(`${path.relative(ROOT, file)} -> ${m[1]}`);
      }
    }
    expect(crossing).toEqual([]);
    expect(areaOfFile(path.join(ROOT, "app/merchant/live-console.tsx"))).toBe("merchant");
  });

  it("a console's namespaces are read only under that console's layout, which sends them", () => {
    // The walk sees the consoles' own components (else this test could not fail).
    expect(reached.some((r) => r.area === "merchant" && areaOf(r.ns) === "merchant")).toBe(true);
    expect(reached.some((r) => r.area === "operator" && areaOf(r.ns) === "operator")).toBe(true);
    const outside = reached
      .filter(({ ns, area }) => areaOf(ns) !== null && areaOf(ns) !== area)
      .map(({ ns, entry }) => `${ns} (reached from ${entry})`);
    expect([...new Set(outside)]).toEqual([]);
  });

  it("picks exactly those subtrees, in both languages, and far less than everything", () => {
    for (const locale of ["zh-CN", "en"] as const) {
      const picked = clientMessages(locale) as Record<string, Record<string, unknown>>;
      expect(picked.customer!.live).toEqual(messages[locale].customer.live);
      // A customer's page carries neither console's messages; each console gets its own.
      expect(picked).not.toHaveProperty("merchant");
      expect(picked).not.toHaveProperty("operator");
      const operator = clientMessages(locale, "operator") as Record<string, Record<string, unknown>>;
      expect(operator.operator).toHaveProperty("draw.panel");
      expect(operator.operator).not.toHaveProperty("ledger.accounts");
      expect(operator).not.toHaveProperty("merchant");
      // A console's set is only its own: the shared ones come from the root layout, not twice.
      expect(Object.keys(operator)).toEqual(["operator"]);
      const merchant = clientMessages(locale, "merchant") as Record<string, Record<string, unknown>>;
      expect(merchant.merchant).toHaveProperty("live");
      expect(merchant).not.toHaveProperty("operator");
      expect(JSON.stringify({ ...picked, ...operator }).length).toBeLessThan(JSON.stringify(messages[locale]).length / 2);
    }
    expect(() => pickMessages({ a: { b: "x" } }, ["a.c"])).toThrow(/no messages at a.c/);
    expect(pickMessages({ a: { b: "x", c: "y" }, d: "z" }, ["a.b"])).toEqual({ a: { b: "x" } });
  });
});
