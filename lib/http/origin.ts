/**
 * The Origin check for cookie-authenticated writes (route handlers in lib/http/route.ts, page
 * POSTs and server actions in proxy.ts). Auth.js cookies are SameSite=Lax, which already keeps
 * cross-site POSTs cookie-less; this is the second lock, and it also refuses a write whose
 * browser did not say where it came from.
 */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type OriginProblem = "missing" | "foreign";

/** Why a request may not change anything on behalf of a cookie session, or null when it may. */
export function originProblem(method: string, headers: Headers): OriginProblem | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const origin = headers.get("origin");
  // Every current browser sends Origin with a POST; its absence means an old browser or a script.
  if (!origin || origin === "null") return "missing";
  // x-forwarded-host comes from the proxy in front (Next fills it from Host when there is none); a
  // page on another site cannot set it on a cross-site request without a CORS preflight we never grant.
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  try {
    return host !== null && new URL(origin).host === host ? null : "foreign";
  } catch {
    return "foreign";
  }
}

/** What the refused caller reads (a machine or a developer: English). */
export const ORIGIN_MESSAGES: Record<OriginProblem, string> = {
  missing: "cross-site request refused: a signed-in write must carry an Origin header",
  foreign: "cross-site request refused: the Origin header is not this site",
};
