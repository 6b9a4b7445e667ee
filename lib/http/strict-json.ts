import { hasUnstorableText } from "@/lib/format/unstorable-text";
/**
 * JSON as the POS API reads it: what JSON.parse accepts, minus two things it lets through.
 *
 * - A duplicate key: JSON.parse keeps the last one, so `{"amount_fen":1,"amount_fen":100000000}`
 *   reads as ¥1,000,000 to us and maybe as ¥0.01 to a log, a proxy or the POS's own records.
 *   Any object, at any depth, with a key twice is refused.
 * - Text Postgres cannot store, or that is not Unicode: a NUL character (`\u0000`) or a lone
 *   surrogate (`\ud800` with no partner), in a value or a key.
 */

export type JsonProblem = { path: string; message: string };

export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; problem: JsonProblem };

const at = (path: string, key: string | number) =>
  typeof key === "number" ? `${path}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/**
 * The first duplicate key in well-formed JSON text, as a path (`entries[0].id`), or null.
 * The text must already have passed JSON.parse: this scanner only tracks strings and nesting.
 */
export function firstDuplicateKey(text: string): string | null {
  // One frame per open container: an object's keys so far, or an array's index.
  type Frame = { keys: Set<string> | null; index: number; path: string; expectKey: boolean; lastKey: string };
  const stack: Frame[] = [];
  const top = () => stack[stack.length - 1];
  const childPath = (f: Frame | undefined) => (!f ? "" : f.keys ? at(f.path, f.lastKey) : at(f.path, f.index));
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const f = top();
      if (f?.keys && f.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (f.keys.has(key)) return at(f.path, key);
        f.keys.add(key);
        f.lastKey = key;
        f.expectKey = false;
      }
      i = j;
    } else if (c === "{" || c === "[") {
      stack.push({ keys: c === "{" ? new Set() : null, index: 0, path: childPath(top()), expectKey: true, lastKey: "" });
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      const f = top();
      if (f?.keys) f.expectKey = true;
      else if (f) f.index += 1;
    }
  }
  return null;
}

/** The first string (value or key) with a NUL or a lone surrogate, as a path, or null. */
function firstUnstorable(value: unknown, path: string): string | null {
  if (typeof value === "string") return hasUnstorableText(value) ? path || "body" : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstUnstorable(value[i], at(path, i));
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (hasUnstorableText(k)) return at(path, k);
      const found = firstUnstorable(v, at(path, k));
      if (found) return found;
    }
  }
  return null;
}

/** Parses JSON text, refusing malformed JSON, duplicate keys and unstorable text. */
export function parseStrictJson(text: string): StrictJsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: { path: "body", message: "the body is not valid JSON" } };
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== null) {
    return { ok: false, problem: { path: duplicate, message: `the key ${duplicate} appears more than once; send each key once` } };
  }
  const unstorable = firstUnstorable(value, "");
  if (unstorable !== null) {
    return {
      ok: false,
      problem: { path: unstorable, message: `${unstorable} contains a NUL character or an unpaired surrogate (\\u0000, \\ud800…), which no field accepts` },
    };
  }
  return { ok: true, value };
}

/**
 * Whether a Content-Type header names JSON exactly as the API reads it: `application/json`, with
 * no charset or `charset=utf-8` (RFC 8259 JSON is UTF-8). Suffix types such as
 * `application/evil+json` and other charsets are refused, so a body is never read under a type the
 * sender meant differently.
 */
export function isPlainJsonContentType(header: string | null): boolean {
  if (header === null) return false;
  const [type, ...params] = header.split(";").map((p) => p.trim());
  if (type?.toLowerCase() !== "application/json") return false;
  return params.every((p) => {
    if (p === "") return true;
    const eq = p.indexOf("=");
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? "" : p.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1").toLowerCase();
    return name !== "charset" || value === "utf-8" || value === "utf8";
  });
}
