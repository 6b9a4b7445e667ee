import { createHash } from "node:crypto";

/**
 * Auth.js's answer for a session cookie, remembered for a minute.
 *
 * Why: `auth()` called without arguments (pages and server actions) runs Auth.js's whole session
 * endpoint for every request: it builds a Request, derives the key (HKDF), decrypts the token,
 * encrypts it again for a cookie that is then thrown away, and parses a JSON response. That was
 * about 6 % of a browser checkout's server CPU (docs/performance.md, "Ninth round"), the same again
 * on every signed-in page, for a token that maps to the same user every time.
 *
 * What is remembered is only who the token names (user id and session version), keyed by the exact
 * session cookies and the scheme Auth.js reads them for. Everything that can end a session is still
 * checked on every request by getViewer (lib/auth/session.ts): the user row, deleted_at and the
 * session version that logout bumps. The one thing a remembered answer can outlive is the token's
 * own expiry (14 days), by at most TTL_MS.
 */

/** Auth.js v5's session cookie: `authjs.session-token`, `__Secure-` prefixed over HTTPS, split into `.0`, `.1`, … when large. */
export const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

export const TTL_MS = 60_000;
export const MAX_ENTRIES = 5_000;

/** Who a session token names, as Auth.js decoded it. */
export type SessionClaims = { userId: number; sessionVersion: number };

/**
 * The memo key for a request's session cookies, or null when it carries none (no session: nothing to
 * decode). Other cookies (language, theme) are left out; the cookies' order does not count.
 *
 * A SHA-256 of them, not the cookies themselves: a signed-in client could otherwise send a valid
 * token beside a large cookie of the other session name (which Auth.js ignores) or a long scheme
 * header, and fill the memo with kilobyte keys. Hashed, a full memo is a few hundred kilobytes.
 */
export function sessionKey(cookies: readonly { name: string; value: string }[], proto: string | null): string | null {
  const parts = cookies
    .filter((c) => SESSION_COOKIE.test(c.name) && c.value !== "")
    .map((c) => `${c.name}=${c.value}`)
    .sort();
  if (parts.length === 0) return null;
  // JSON: no separator in a value can make two different lists read the same.
  return createHash("sha256").update(JSON.stringify([proto ?? "", parts])).digest("base64url");
}

type Entry = { claims: SessionClaims; at: number };

/** A bounded map of recent answers; the oldest goes first when it is full. */
export class SessionMemo {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = TTL_MS,
    private readonly max = MAX_ENTRIES,
  ) {}

  get(key: string): SessionClaims | null {
    const e = this.entries.get(key);
    if (!e) return null;
    if (this.now() - e.at >= this.ttlMs) {
      this.entries.delete(key);
      return null;
    }
    return e.claims;
  }

  set(key: string, claims: SessionClaims): void {
    this.entries.delete(key);
    this.entries.set(key, { claims, at: this.now() });
    // Oldest first: a Map iterates in insertion order.
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
