import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { locales } from "./config";
import { messages, namespaces } from "./messages";

// Every language has every string: a key added in one language and forgotten in the other fails here
// (and English files are also type-checked against the Chinese ones in messages.ts).

const dir = path.resolve(import.meta.dirname, "..", "messages");

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(name, value);
    else for (const [k, v] of leaves(value, name)) out.set(k, v);
  }
  return out;
}

function readNamespace(locale: string, file: string): Tree {
  return JSON.parse(fs.readFileSync(path.join(dir, locale, file), "utf8")) as Tree;
}

/**
 * The ICU arguments a message uses: "{amount}", "{count, plural, …}" -> amount, count. A name is
 * followed by "}" or ",": a plural branch's text ("=0 {Nobody waiting}") is not an argument.
 */
function argumentsOf(message: string): string[] {
  return [...new Set([...message.matchAll(/\{\s*([A-Za-z_]\w*)\s*[},]/g)].map((m) => m[1]!))].sort();
}

describe("message files", () => {
  const files = fs.readdirSync(path.join(dir, locales[0])).filter((f) => f.endsWith(".json")).sort();

  // JSON.parse keeps the last of two equal keys, so a merge that leaves a second "rules": {…} block
  // silently drops the first block's strings (their codes then show raw). Files are kept in
  // JSON.stringify's own layout, which a duplicate key cannot survive.
  it("has no duplicate keys (each file is in canonical layout)", () => {
    for (const locale of locales) {
      for (const file of files) {
        const raw = fs.readFileSync(path.join(dir, locale, file), "utf8");
        expect(raw, `${locale}/${file}`).toBe(`${JSON.stringify(JSON.parse(raw), null, 2)}\n`);
      }
    }
  });

  it("has the same namespace files in every language, all loaded by i18n/messages.ts", () => {
    for (const locale of locales) {
      expect(fs.readdirSync(path.join(dir, locale)).filter((f) => f.endsWith(".json")).sort(), locale).toEqual(files);
    }
    expect([...namespaces].sort()).toEqual(files.map((f) => f.replace(/\.json$/, "")));
  });

  for (const file of files) {
    const namespace = file.replace(/\.json$/, "");
    it(`${namespace}: the same keys, with the same arguments, in every language`, () => {
      const reference = leaves(readNamespace(locales[0], file));
      for (const locale of locales.slice(1)) {
        const other = leaves(readNamespace(locale, file));
        const missing = [...reference.keys()].filter((k) => !other.has(k));
        const extra = [...other.keys()].filter((k) => !reference.has(k));
        expect({ locale, missing, extra }).toEqual({ locale, missing: [], extra: [] });
        for (const [key, text] of reference) {
          expect(argumentsOf(other.get(key)!), `${locale} ${namespace}.${key}`).toEqual(argumentsOf(text));
        }
        for (const [key, text] of other) expect(text.trim(), `${locale} ${namespace}.${key} is empty`).not.toBe("");
      }
    });
  }

  it("is what the app loads", () => {
    for (const locale of locales) {
      for (const file of files) {
        const namespace = file.replace(/\.json$/, "") as (typeof namespaces)[number];
        expect(messages[locale][namespace], `${locale}/${file}`).toEqual(readNamespace(locale, file));
      }
    }
  });
});
