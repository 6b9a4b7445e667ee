import { NextResponse, type NextRequest } from "next/server";
import { PATH_HEADER } from "@/lib/auth/next-path";

/**
 * Only a quick redirect: an anonymous visitor to a signed-in area goes to the login page with
 * `next` set. "Anonymous" means no Auth.js session cookie at all; the cookie is not verified here
 * (that would pull the auth config and database into every request). The real checks are in
 * lib/auth/session.ts, which every page, action and handler calls.
 *
 * The requested path is also passed on as a request header, so requireViewer() can build the
 * same `/login?next=…` link when a cookie turns out to be stale.
 */

// Auth.js v5 names its session cookie `authjs.session-token`, `__Secure-` prefixed over HTTPS,
// and splits a large one into `.0`, `.1`, … chunks.
const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const target = `${pathname}${search}`;
  const hasSession = request.cookies.getAll().some((c) => SESSION_COOKIE.test(c.name) && c.value !== "");

  if (!hasSession) {
    const login = new URL("/login", request.url);
    login.searchParams.set("next", target);
    return NextResponse.redirect(login);
  }

  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, target);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/me", "/me/:path*", "/merchant/:path*", "/operator/:path*"],
};
