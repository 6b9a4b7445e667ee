import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasUnstorableText } from "@/lib/format/unstorable-text";
import { firstDuplicateKey, isPlainJsonContentType, parseStrictJson } from "./strict-json";

const storable = (x: unknown): boolean =>
  typeof x === "string"
    ? !hasUnstorableText(x)
    : Array.isArray(x)
      ? x.every(storable)
      : x !== null && typeof x === "object"
        ? Object.entries(x).every(([k, y]) => !hasUnstorableText(k) && storable(y))
        : true;

describe("parseStrictJson", () => {
  it("refuses a duplicate key, at the top and at any depth", () => {
    // The outside probe's order: the last key won and made a ¥1,000,000 order.
    const r = parseStrictJson('{"amount_fen":1,"amount_fen":100000000}');
    expect(r).toEqual({ ok: false, problem: { path: "amount_fen", message: expect.stringContaining("more than once") } });
    expect(firstDuplicateKey('{"a":{"b":1,"c":[{"d":1},{"d":2,"e":"x","d":3}]}}')).toBe("a.c[1].d");
    expect(firstDuplicateKey('{"a":"\\"b\\"","b":1,"\\u0062":2}')).toBe("b");
    expect(firstDuplicateKey('{"__proto__":1,"__proto__":2}')).toBe("__proto__");
    // The same key in sibling objects, and strings that look like keys, are fine.
    expect(firstDuplicateKey('{"a":{"x":1},"b":{"x":1},"c":["a","a"],"d":"{\\"a\\":1,\\"a\\":2}"}')).toBeNull();
  });

  it("refuses NUL and lone surrogates in values and keys, and accepts paired surrogates", () => {
    expect(parseStrictJson('{"customer":"de\\u0000mo","amount_fen":100}')).toMatchObject({ ok: false, problem: { path: "customer" } });
    expect(parseStrictJson('{"customer":"\\ud800"}')).toMatchObject({ ok: false, problem: { path: "customer" } });
    expect(parseStrictJson('{"customer":"a\\udfffb"}')).toMatchObject({ ok: false, problem: { path: "customer" } });
    expect(parseStrictJson('{"x\\u0000":1}')).toMatchObject({ ok: false });
    expect(parseStrictJson('["ok",["\\ud83d"]]')).toMatchObject({ ok: false, problem: { path: "[1][0]" } });
    expect(parseStrictJson('{"customer":"😀 \\ud83d\\ude00"}')).toEqual({ ok: true, value: { customer: "😀 😀" } });
    expect(parseStrictJson("{")).toMatchObject({ ok: false, problem: { message: "the body is not valid JSON" } });
  });

  it("reads any JSON.stringify output like JSON.parse when its text is storable (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        const r = parseStrictJson(text);
        expect(r.ok).toBe(storable(v));
        if (r.ok) expect(r.value).toEqual(JSON.parse(text));
      }),
    );
  });

  it("finds a key repeated in any object of a generated document (property)", () => {
    // A document whose object at `path` gets one of its keys written a second time.
    const obj = fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 });
    fc.assert(
      fc.property(obj, fc.array(fc.constantFrom("o", "a"), { maxLength: 3 }), fc.nat(), (inner, wrappers, pick) => {
        const keys = Object.keys(inner);
        const dup = keys[pick % keys.length]!;
        let text = `${JSON.stringify(inner).slice(0, -1)},${JSON.stringify(dup)}:0}`;
        for (const w of wrappers) text = w === "o" ? `{"w":${text}}` : `[1,${text}]`;
        expect(firstDuplicateKey(text)).not.toBeNull();
        expect(parseStrictJson(text).ok).toBe(false);
      }),
    );
  });
});

describe("isPlainJsonContentType", () => {
  it("accepts application/json in UTF-8 only", () => {
    for (const ok of ["application/json", "Application/JSON", "application/json; charset=utf-8", 'application/json;charset="UTF-8"', "application/json; charset=utf8"]) {
      expect(isPlainJsonContentType(ok), ok).toBe(true);
    }
    for (const bad of [null, "", "application/evil+json", "application/problem+json", "text/json", "application/jsonx", "application/json; charset=latin1", "application/json; charset=utf-16", "application/json;charset=", "text/plain"]) {
      expect(isPlainJsonContentType(bad), String(bad)).toBe(false);
    }
  });
});
