/**
 * The Origin check for cookie-authenticated writes (route handlers in lib/http/route.ts, page
 * POSTs and server actions in proxy.ts). Auth.js cookies are SameSite=Lax, which already keeps
 * cross-site POSTs cookie-less; this is the second lock, and it also refuses a write whose
 * browser did not say where it came from.
 */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type OriginProblem = "missing" | "foreign";

/**
 * Why a request may not change anything on behalf of a cookie session, or null when it may.
 * `publicOrigin` is the configured PUBLIC_URL (always set in production): the Origin must be
 * exactly it. Without one (development, tests), the Origin's host must be the Host header's.
 * X-Forwarded-Host is never consulted: a script sends whatever it likes there, together with a
 * matching Origin, and only PUBLIC_URL says which site this is.
 */
export function originProblem(method: string, headers: Headers, publicOrigin: string | null): OriginProblem | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const origin = headers.get("origin");
  // Every current browser sends Origin with a POST; its absence means an old browser or a script.
  if (!origin || origin === "null") return "missing";
  try {
    const from = new URL(origin);
    if (publicOrigin !== null) return from.origin === publicOrigin ? null : "foreign";
    return from.host === headers.get("host") ? null : "foreign";
  } catch {
    return "foreign";
  }
}

/** What the refused caller reads (a machine or a developer: English). */
export const ORIGIN_MESSAGES: Record<OriginProblem, string> = {
  missing: "cross-site request refused: a signed-in write must carry an Origin header",
  foreign: "cross-site request refused: the Origin header is not this site",
};
