/**
 * What never reaches a log line: secrets and personal data. Pure (no I/O), so the logger applies it
 * to every line and a unit test proves it (redact.test.ts).
 *
 * - A field whose NAME says it holds a secret or personal data loses its value whole, at any depth:
 *   passwords, secrets, tokens, keys, authorization and cookie headers, signatures, phone numbers,
 *   identity documents, bank cards.
 * - In every other string, values that LOOK like one are masked: mainland mobile numbers (kept as
 *   138****8000, enough to tell two apart in an incident), bearer credentials, the POS API's
 *   `fl_…` keys, PEM private keys, and `password=…`-style pairs in a URL or form body.
 */

export const REDACTED = "[redacted]";

const SECRET_KEY =
  /passw(or)?d|passphrase|^pass$|pwd|secret|token|api[-_]?key|private[-_]?key|^key$|credential|authori[sz]ation|^cookie$|set-cookie|signature|^sig$|^otp|phone|mobile|^tel$|id[-_]?card|id[-_]?number|bank[-_]?(card|account)|card[-_]?no/i;

/** Mainland mobile numbers, optionally with +86 / 0086, not inside a longer run of digits. */
const PHONE = /(?<!\d)(?:(?:\+|00)86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const API_KEY = /\bfl_[A-Za-z0-9_-]{8,}/g;
const PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
/** `password=…`, `token: …`, `"secret":"…"`, and prose such as `password hunter2`. */
const SECRET_PAIR = /\b((?:passw(?:or)?d|passphrase|secret|token|api[-_]?key|key|signature)["']?\s*[=:]\s*["']?|passw(?:or)?d\s+)[^&\s"',;]+/gi;

export function redactText(s: string): string {
  return s
    .replace(PEM, REDACTED)
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(API_KEY, `fl_${REDACTED}`)
    .replace(SECRET_PAIR, (_m, name: string) => `${name}${REDACTED}`)
    .replace(PHONE, (_m, head: string, _mid: string, tail: string) => `${head}****${tail}`);
}

const MAX_DEPTH = 8;

/** A copy of `value` with secrets and personal data removed (see above). Cycles and depth are cut. */
export function redact(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  if (value instanceof Date) return value;
  if (value instanceof Error) {
    // Errors are logged with their stack, which quotes messages (and so may quote a phone number).
    return redact({ type: value.name, message: value.message, stack: value.stack, ...ownFields(value) }, depth, seen);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined && v !== "" ? REDACTED : redact(v, depth + 1, seen);
  }
  return out;
}

/** An error's own enumerable fields (pg's `code`, `detail`, a DomainError's `field`), and its cause. */
function ownFields(e: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(e as unknown as Record<string, unknown>) };
  if (e.cause !== undefined) out.cause = e.cause;
  return out;
}
