import { NextResponse, type NextRequest } from "next/server";
import { RETRY_AFTER_SECONDS } from "@/db/errors";
import { databaseAvailable, OUTAGE_PATH } from "@/db/health";
import { LOCALE_COOKIE, resolveLocale } from "@/i18n/config";
import { isTheme, THEME_COOKIE } from "@/app/_components/theme";
import { PATH_HEADER, safeNextPath } from "@/lib/auth/next-path";
import { SESSION_COOKIE } from "@/lib/auth/session-memo";
import { env, internalUrl, publicOrigin } from "@/lib/env";
import { ORIGIN_MESSAGES, originProblem } from "@/lib/http/origin";
import { bodyProblem, pathDecodes, PROBLEM_STATUS, problemText, type RequestProblem } from "@/lib/http/request-guards";
import { cacheablePageRequest, cachedPage, FILL_HEADER, fillToken, withNonce, type PageFill } from "@/lib/http/page-cache";
import { baseSecurityHeaders, contentSecurityPolicy, newNonce, NONCE_HEADER } from "@/lib/http/security-headers";
import { unavailablePage } from "@/lib/http/unavailable-page";
import { REQUEST_ID_HEADER, requestIdFrom } from "@/lib/observability/request-id";

/**
 * Runs before every request but Next's static files (config.matcher), in this order:
 * - the request id (lib/observability/request-id.ts), kept from a load balancer or made here;
 * - a path with a broken %-encoding, which Next would answer with a 500: a 400.
 * API paths stop there (lib/http/route.ts does the rest). Pages go on:
 * - the Origin check for page writes: a clear 403 instead of Next's 500 (lib/http/origin.ts);
 * - an action body Next cannot decode, or one over 1 MB: a 4xx (lib/http/request-guards.ts);
 * - the login redirect for a visitor with no session cookie in a signed-in area (the cookie is not
 *   verified here; lib/auth/session.ts is the real check);
 * - a 503 page with Retry-After while the database is down, or after a render lost it (db/health.ts,
 *   db/render-outage.ts; actions pass through);
 * - anonymous store pages from a few-seconds cache, production only (lib/http/page-cache.ts);
 * - security headers with a per-request CSP nonce on every page answer (lib/http/security-headers.ts).
 * X-Forwarded-Host and -Proto are set to PUBLIC_URL's, whatever the client sent.
 */

// /orders too: its pages stream behind a loading state, where a redirect from the page itself would
// come after a 200 (the browser then follows it from a script), so the visitor is sent to sign in here.
const SIGNED_IN_AREAS = /^\/(me|orders|merchant|operator)(\/|$)/;
const production = env.NODE_ENV === "production";

function withSecurityHeaders(response: NextResponse, csp: string): NextResponse {
  response.headers.set("Content-Security-Policy", csp);
  for (const [k, v] of Object.entries(baseSecurityHeaders({ production }))) response.headers.set(k, v);
  return response;
}

function refusal(problem: RequestProblem, request: NextRequest, api: boolean): NextResponse {
  const { text, locale } = problemText(problem, request.cookies.get(LOCALE_COOKIE)?.value);
  const status = PROBLEM_STATUS[problem];
  // The API's own error shape (lib/http/route.ts); a page's visitor reads a sentence.
  return api
    ? NextResponse.json({ error: { code: "invalid_input", message: text } }, { status, headers: { "cache-control": "no-store" } })
    : new NextResponse(text, { status, headers: { "content-type": "text/plain; charset=utf-8", "content-language": locale, "cache-control": "no-store" } });
}

export async function proxy(request: NextRequest) {
  const requestId = requestIdFrom(request.headers);
  const response = await answer(request, requestId);
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

/** The request headers passed on to the app, with this request's id. */
function withRequestId(request: NextRequest, requestId: string): Headers {
  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  // Only this proxy says which page is being rendered (db/render-outage.ts reads it).
  headers.delete(PATH_HEADER);
  return headers;
}

async function answer(request: NextRequest, requestId: string): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, { dev: !production });
  const api = pathname.startsWith("/api/");
  if (!pathDecodes(pathname)) {
    const refused = refusal("malformedAddress", request, api);
    return api ? refused : withSecurityHeaders(refused, csp);
  }
  // The API does the rest itself (lib/http/route.ts); it only gets its request id here.
  if (api) return NextResponse.next({ request: { headers: withRequestId(request, requestId) } });

  const target = `${pathname}${search}`;
  const hasSession = request.cookies.getAll().some((c) => SESSION_COOKIE.test(c.name) && c.value !== "");

  const problem = originProblem(request.method, request.headers, publicOrigin());
  if (problem === "foreign" || (problem === "missing" && hasSession)) {
    return withSecurityHeaders(
      new NextResponse(ORIGIN_MESSAGES[problem], { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } }),
      csp,
    );
  }

  // Next buffers the body for the proxy, and the page still gets its own copy.
  const unreadable = await bodyProblem(request.method, request.headers, () => request.arrayBuffer());
  if (unreadable) return withSecurityHeaders(refusal(unreadable, request, false), csp);

  if (!hasSession && SIGNED_IN_AREAS.test(pathname)) {
    const login = new URL("/login", request.url);
    login.searchParams.set("next", target);
    return withSecurityHeaders(NextResponse.redirect(login), csp);
  }

  // A page whose render lost the database was sent here (db/render-outage.ts): always the 503 page,
  // which reloads the page it came from.
  const outage = pathname === OUTAGE_PATH;
  if (outage || (!request.headers.has("next-action") && !(await databaseAvailable()))) {
    const back = outage ? (safeNextPath(request.nextUrl.searchParams.get("next")) ?? "/") : undefined;
    const page = unavailablePage(resolveLocale(request.cookies.get(LOCALE_COOKIE)?.value, request.headers.get("accept-language")), nonce, back);
    return withSecurityHeaders(
      new NextResponse(page.html, {
        status: 503,
        headers: {
          "content-type": "text/html; charset=utf-8",
          "content-language": page.locale,
          "retry-after": String(RETRY_AFTER_SECONDS),
          "cache-control": "no-store",
        },
      }),
      csp,
    );
  }

  if (production && request.headers.get(FILL_HEADER) !== fillToken() && cacheablePageRequest({ method: request.method, pathname, search, headers: request.headers, anonymous: !hasSession })) {
    // The page reads only the language and the theme. The language is resolved here as the page
    // would (cookie, else Accept-Language, else Chinese) and the fill asks for it by cookie; a theme
    // the app would ignore is left out of both the key and the fill.
    const l = resolveLocale(request.cookies.get(LOCALE_COOKIE)?.value, request.headers.get("accept-language"));
    const theme = request.cookies.get(THEME_COOKIE)?.value;
    const t = isTheme(theme) ? theme : undefined;
    const found = await cachedPage(
      `${pathname}|${l}|${t ?? ""}`,
      fillFromSelf(pathname, [`${LOCALE_COOKIE}=${l}`, t && `${THEME_COOKIE}=${t}`]),
    );
    if (found) {
      const headers = new Headers(found.page.headers);
      headers.set("x-page-cache", found.state);
      return withSecurityHeaders(new NextResponse(withNonce(found.page, nonce), { status: found.page.status, headers }), csp);
    }
  }

  const headers = withRequestId(request, requestId);
  const origin = publicOrigin();
  if (origin) {
    const url = new URL(origin);
    headers.set("x-forwarded-host", url.host);
    headers.set("x-forwarded-proto", url.protocol.slice(0, -1));
  } else {
    // Development: this very request's Host, never a host the client named.
    headers.delete("x-forwarded-host");
    const host = request.headers.get("host");
    if (host) headers.set("x-forwarded-host", host);
  }
  headers.set(PATH_HEADER, target);
  headers.set("Content-Security-Policy", csp);
  // For the rare element Next does not tag itself (a page's own <style>): read with headers().
  headers.set(NONCE_HEADER, nonce);
  return withSecurityHeaders(NextResponse.next({ request: { headers } }), csp);
}

const FILL_TIMEOUT_MS = 5_000;

/** Response headers of a rendered page that a cached copy keeps; the CSP is the new request's own. */
const KEPT_HEADERS = ["content-type", "content-language", "cache-control", "vary", "link"];

/**
 * Renders a page by asking this same server for it, as an anonymous visitor with only the given
 * language and theme cookies, and marked with the fill token so this proxy lets it through. The
 * address is internalUrl(): APP_INTERNAL_URL must reach this instance itself, not a load balancer
 * (another instance would not know this one's token, and would treat the fill as a visitor).
 */
function fillFromSelf(pathname: string, cookies: (string | undefined)[]): PageFill {
  return async () => {
    const res = await fetch(new URL(pathname, internalUrl()), {
      headers: {
        accept: "text/html",
        // Kept uncompressed: the copies are sent as the visitor's request asks.
        "accept-encoding": "identity",
        cookie: cookies.filter(Boolean).join("; "),
        [FILL_HEADER]: fillToken(),
      },
      redirect: "manual",
      cache: "no-store",
      // A render that hangs must not hold the key's waiters, or a background-refresh slot, for long.
      signal: AbortSignal.timeout(FILL_TIMEOUT_MS),
    });
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
    // The status is the cache's to judge (it keeps 200 and 404 pages).
    if (res.headers.has("set-cookie") || !nonce) {
      await res.body?.cancel();
      return null;
    }
    const headers = KEPT_HEADERS.flatMap((h): [string, string][] => {
      const v = res.headers.get(h);
      return v === null ? [] : [[h, v]];
    });
    return { status: res.status, html: await res.text(), nonce, headers };
  };
}

export const config = {
  // Everything but Next's static files: pages for all of the above, API paths for the request id
  // and the decoding check.
  matcher: ["/((?!_next/static/|_next/image|favicon.ico|icon.svg|robots.txt).*)"],
};
