import fc from "fast-check";

/** One seed for every property in the fuzz spec; set FUZZ_SEED to replay a failure. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED) || 20261125;

/** Strings an attacker or a broken client would send: markup, SQL, odd Unicode, very long text. */
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
