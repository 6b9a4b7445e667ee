import type { Role } from "./users";

/** The request header proxy.ts sets to the requested path, so a page can build `/login?next=…`. */
export const PATH_HEADER = "x-freeline-path";

const BASE = "http://freeline.invalid";

/**
 * Whether a string, sent as a redirect target as it stands, stays on this site: a path that starts
 * with one slash. Refuses "//evil.com" and "/\\evil.com" (browsers read the backslash as a slash),
 * absolute URLs, and control characters (browsers strip tabs and newlines, so "/\t/evil.com" is
 * "//evil.com" to them).
 */
function isLocalPath(s: string): boolean {
  if (s.length === 0 || s.length > 2048) return false;
  if (!s.startsWith("/") || s.startsWith("//") || s.startsWith("/\\")) return false;
  return !/[\u0000-\u001f\u007f\\]/.test(s);
}

/**
 * The `next` redirect target, if it is a same-site relative path; otherwise null.
 * The raw value is normalised (dot segments resolved, as a browser would) and the normalised value
 * is what gets returned, so that is the one checked: "/.//evil.com", "/%2e//evil.com" and
 * "/x/..//evil.com" are all fine as typed but normalise to "//evil.com", another site.
 */
export function safeNextPath(raw: unknown): string | null {
  if (typeof raw !== "string" || !isLocalPath(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const out = `${url.pathname}${url.search}${url.hash}`;
  if (!isLocalPath(out)) return null;
  // Followed again, the result must lead to the same place (nothing left for a browser to resolve).
  return new URL(out, BASE).href === url.href ? out : null;
}

/** The login page for a target path, e.g. `/login?next=%2Fme`. */
export function loginPath(next?: string | null): string {
  const safe = safeNextPath(next);
  return safe && safe !== "/" ? `/login?next=${encodeURIComponent(safe)}` : "/login";
}

/** Where each role lands after signing in when no `next` was given. */
export function homePathFor(role: Role): string {
  switch (role) {
    case "merchant":
      return "/merchant/queue";
    case "operator":
      return "/operator/payouts";
    default:
      return "/me";
  }
}
