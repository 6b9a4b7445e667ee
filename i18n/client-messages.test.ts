import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLIENT_NAMESPACES, clientMessages, pickMessages } from "./client-messages";
import { messages } from "./messages";

const root = path.resolve(__dirname, "..");

function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(root, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null; // a package
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) ? [p] : [];
  });
}

/** Every module a client component runs: the "use client" files and all they import from the project. */
function clientModules(): Set<string> {
  const seen = new Set<string>();
  const stack = sourceFiles(path.join(root, "app")).filter((f) => /^\s*["']use client["']/.test(fs.readFileSync(f, "utf8")));
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

describe("client messages", () => {
  const modules = clientModules();
  const used = new Map<string, string[]>();
  const unreadable: string[] = [];
  for (const file of modules) {
    // Comments may mention useTranslations("…") as an example: only code counts.
    const text = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    for (const m of text.matchAll(/useTranslations\(([^)]*)\)/g)) {
      const arg = m[1]!.trim();
      const literal = /^["']([\w.]+)["']$/.exec(arg);
      if (!literal) unreadable.push(`${path.relative(root, file)}: useTranslations(${arg})`);
      else used.set(literal[1]!, [...(used.get(literal[1]!) ?? []), path.relative(root, file)]);
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

  it("picks exactly those subtrees, in both languages, and far less than everything", () => {
    for (const locale of ["zh-CN", "en"] as const) {
      const picked = clientMessages(locale) as Record<string, Record<string, unknown>>;
      expect(picked.customer!.live).toEqual(messages[locale].customer.live);
      expect(picked.operator).not.toHaveProperty("ledger.accounts");
      expect(JSON.stringify(picked).length).toBeLessThan(JSON.stringify(messages[locale]).length / 2);
    }
    expect(() => pickMessages({ a: { b: "x" } }, ["a.c"])).toThrow(/no messages at a.c/);
    expect(pickMessages({ a: { b: "x", c: "y" }, d: "z" }, ["a.b"])).toEqual({ a: { b: "x" } });
  });
});
