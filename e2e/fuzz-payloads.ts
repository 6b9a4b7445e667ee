import fc from "fast-check";

/** One seed for every property in the fuzz spec; set FUZZ_SEED to replay a failure. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED) || 20261125;

/**
 * Strings an attacker or a broken client would send: markup, SQL, odd Unicode, very long text,
 * NUL and lone surrogates (Postgres refuses the one, UTF-8 cannot carry the other), and the names
 * an object inherits from Object.prototype (a lookup by one of them finds a function, not nothing).
 */
export const NASTY_STRINGS = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "'; DROP TABLE orders; --",
  "1 OR 1=1",
  "' OR '1'='1",
  "1; SELECT pg_sleep(5)",
  "$1",
  "\\x00",
  "\u0000",
  "de\u0000mo",
  "noodle-bar\u0000",
  "\ud800",
  "\udfff",
  "a\ud83db",
  "\udc00\ud800",
  "\u202eevil",
  "\u200b",
  "𝕗𝕣𝕖𝕖𝕝𝕚𝕟𝕖",
  "👨‍👩‍👧‍👦",
  "ﷺ",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-Infinity",
  "-1",
  "0",
  "1e309",
  "0x10",
  "12.345",
  "../../etc/passwd",
  "%00",
  "{{7*7}}",
  "${7*7}",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  " ",
  "",
  "a".repeat(300),
  "长".repeat(5000),
];

export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 200, maxLength: 1000 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 10 })).map(([a, b]) => a + b) },
);

/** Numbers no amount may be: negative, zero, fractional, too many decimals, beyond safe range. */
export const nastyNumber = fc.oneof(
  fc.constantFrom(-1, 0, -0, 0.5, 1.5, 12.345, 0.001, 99.999, 100_000_001, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 1e21, 1e308, -1e308, Number.MIN_VALUE),
  fc.integer({ min: -2_147_483_648, max: 0 }),
  fc.integer({ min: 100_000_001, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
);

/** Any JSON value of the wrong type for a field (JSON turns NaN and Infinity into null). */
export const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  fc.constantFrom(NaN, Infinity, -Infinity), // null once serialised
);

/** Raw request bodies JSON.stringify would never produce. */
export const RAW_BODIES = [
  "",
  "{",
  "null",
  "[]",
  "[1,2,3]",
  '"a string"',
  "42",
  "true",
  '{"customer":"x","amount_fen":NaN}',
  '{"customer":"x","amount_fen":Infinity}',
  '{"customer":"x","amount_fen":-Infinity}',
  '{"customer":"x","amount_fen":1e400}',
  '{"customer":"x","amount_fen":-1e400}',
  '{"customer":"x","amount_fen":"100"}',
  '{"customer":"x","amount_fen":12.345}',
  '{"customer":"x","amount_fen":0x10}',
  '{"customer":"x","amount_fen":100,}',
  "{'customer':'x','amount_fen':100}",
  '{"__proto__":{"admin":true},"amount_fen":100}',
  '{"constructor":{"prototype":{"x":1}}}',
  "\u0000\u0001\u0002",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "\uFEFF{}",
  // Duplicate keys: JSON.parse keeps the last; the API refuses them (lib/http/strict-json.ts).
  '{"customer":"demo","amount_fen":1,"amount_fen":100}',
  '{"customer":"x","customer":"demo","amount_fen":100}',
  '{"customer":"demo","amount_fen":100,"pos_ref":{"a":1,"a":2}}',
  '{"customer":"de\\u0000mo","amount_fen":100}',
  '{"customer":"\\ud800","amount_fen":100}',
  '{"a":'.repeat(2000) + "1" + "}".repeat(2000),
];

/** Raw numeric literals (spliced into JSON text) that must never be accepted as an amount. */
export const RAW_BAD_AMOUNTS = [
  "NaN",
  "Infinity",
  "-Infinity",
  "1e400",
  "-1e400",
  "-1",
  "0",
  "-0",
  "12.345",
  "0.001",
  "100000001",
  "9007199254740993",
  "1e21",
  '"100"',
  "null",
  "true",
  "[100]",
  '{"fen":100}',
];

/**
 * Ids that Number() reads as a positive integer but lib/http/params.ts (plain digits only) refuses:
 * hex, exponent, padding, signs, decimals.
 */
export const LENIENT_IDS = ["0x1", "0X1", "1e0", "1E0", "01", "001", " 1", "1 ", "+1", "1.0", "1.", "0b1", "0o1", "1_0", "\t1", "１"];

/** A path id the app accepts: plain decimal digits, positive, safe. */
export const isPositiveIntText = (s: string): boolean => /^[1-9]\d{0,15}$/.test(s) && Number.isSafeInteger(Number(s));

/** The names an object inherits from Object.prototype: a lookup by one must find nothing. */
export const PROTOTYPE_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf"];

/**
 * A path segment, percent-encoded as its UTF-16 code units would be in WTF-8: a lone surrogate
 * becomes its three bytes (%ED%A0%80), which are not UTF-8, as a client that does not check would
 * send it. (encodeURIComponent throws on a lone surrogate instead.)
 */
export function encodeSegment(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    } else out += encodeURIComponent(ch);
  }
  return out;
}

/** Percent-encodings that are not UTF-8: cut short, overlong, a surrogate, not hex. */
export const MALFORMED_ENCODINGS = ["%E0%A4%A", "%C0%AF", "%ED%A0%80", "%FF", "%E0%A4", "%", "%ZZ", "a%2", "%F0%9F%98"];

/** A hostile path segment: any nasty string (encoded as above), a prototype name, or a broken encoding. */
export const nastySegment = fc.oneof(
  { weight: 3, arbitrary: nastyString.filter((s) => s.length > 0 && s.length < 1500 && !/^[./]+$/.test(s)).map(encodeSegment) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_ENCODINGS) },
);
