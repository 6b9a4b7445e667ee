import type { Role } from "./users";

/** The request header proxy.ts sets to the requested path, so a page can build `/login?next=…`. */
export const PATH_HEADER = "x-freeline-path";

/**
 * The `next` redirect target, if it is a same-site relative path; otherwise null.
 * Refuses "//evil.com", "/\\evil.com" (browsers read the backslash as a slash), absolute URLs and
 * control characters, so a crafted login link cannot send the user to another site.
 */
export function safeNextPath(raw: unknown): string | null {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return null;
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return null;
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return null;
  try {
    const base = "http://freeline.invalid";
    const url = new URL(raw, base);
    if (url.origin !== base) return null;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return null;
  }
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
