import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { unstable_rethrow } from "next/navigation";
import type { NextRequest } from "next/server";
import { RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, unavailableReason } from "@/db/errors";
import { z } from "zod";
import { presentedApiKey, verifyApiKey, type ApiKeyPrincipal, type PresentedApiKey } from "@/lib/api/keys";
import { getViewer, type Viewer } from "@/lib/auth/session";
import { env, publicOrigin } from "@/lib/env";
import { translateError } from "@/i18n/errors";
import { requestLocale } from "@/i18n/locale";
import { ORIGIN_MESSAGES, originProblem } from "@/lib/http/origin";
import { isDomainError, RateLimitError, type DomainErrorCode, type MessageParams } from "@/lib/errors";
import { addLogContext, log, withLogContext } from "@/lib/observability/log";
import { REQUEST_ID_HEADER, requestIdFrom } from "@/lib/observability/request-id";
import { logRequest } from "@/lib/observability/request-log";
import { inSpan, pathTemplate } from "@/lib/observability/tracing";

/**
 * Route handlers, after dub's withWorkspace: one wrapper authenticates and maps typed errors to
 * status codes, so no handler does either by hand.
 */

export type Via = "operator-session" | "customer-session" | "merchant-session" | "cron-secret" | "api-key" | "public";

export type RouteContext<P> = {
  /** The signed-in user, when the request came with a session (also for "public" routes). */
  viewer: Viewer | null;
  /** Which of the allowed ways let this request in. */
  via: Via;
  /** The store a POS API key speaks for (via "api-key"), else null. */
  apiKey: ApiKeyPrincipal | null;
  /**
   * With `apiKeyCheck: "handler"`: the presented key, well-formed but not yet checked against the
   * database (apiKey is then null). The handler must check it before anything else counts.
   */
  presentedKey: PresentedApiKey | null;
  params: P;
};

type Params = Record<string, string | string[] | undefined>;

export type AuthedHandler<P> = (req: NextRequest, ctx: RouteContext<P>) => Promise<Response | unknown> | Response | unknown;

/** Turns bigint into numbers (exact within 2^53) or strings, so Response.json never throws on them. */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonSafe(v);
    return out;
  }
  return value;
}

/** Response.json with bigint made safe. */
export function json(data: unknown, init?: ResponseInit): Response {
  return Response.json(toJsonSafe(data), init);
}

/** Renders an error response. The default shape is `{ error: { code, message, ...extra } }`. */
export type ErrorRenderer = (
  status: number,
  code: DomainErrorCode | "internal",
  message: string,
  extra?: object,
  headers?: HeadersInit,
) => Response;

export const errorResponse: ErrorRenderer = (status, code, message, extra, headers) =>
  json({ error: { code, message, ...extra } }, { status, headers });

function sha256(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

/** Constant-time comparison: both sides are hashed first, so lengths are always equal. */
export function secretMatches(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

function bearer(req: Request): string | null {
  const h = req.headers.get("authorization");
  if (!h) return null;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1]!.trim() : "";
}

const SESSION_VIA = {
  customer: "customer-session",
  merchant: "merchant-session",
  operator: "operator-session",
} as const satisfies Record<Viewer["role"], Via>;

const BEARER_CHALLENGE = { "WWW-Authenticate": "Bearer" };
const RETRY_AFTER = { "Retry-After": String(RETRY_AFTER_SECONDS) };

/**
 * Wraps a route handler. `allow` lists who may call it; the first that matches wins:
 * a bearer token (an API key `fl_…`, or the cron secret), then a session of an allowed role, then
 * "public". 401 when nobody is authenticated, 403 when someone is but not allowed.
 * The handler may return a Response or any JSON-able value (bigint included).
 * `renderError` changes the error body (the POS API answers with RFC 9457 problem details).
 * Each call writes one log line (lib/observability/request-log.ts) under the request's id, and an
 * unexpected error is logged with its stack; the answer carries neither.
 */
export function withAuth<P extends Params = Params>(
  opts: {
    allow: readonly Via[];
    renderError?: ErrorRenderer;
    /**
     * "handler": an API key is only checked for its shape here, and handed to the handler as
     * presentedKey, whose first statement checks it (the POS order route, lib/http/v1.ts).
     */
    apiKeyCheck?: "here" | "handler";
  },
  handler: AuthedHandler<P>,
): (req: NextRequest, ctx: { params: Promise<P> }) => Promise<Response> {
  const allow = new Set(opts.allow);
  const fail = opts.renderError ?? errorResponse;
  const handle = async (req: NextRequest, routeCtx: { params: Promise<P> }): Promise<Response> => {
    try {
      let via: Via | null = null;
      let viewer: Viewer | null = null;
      let apiKey: ApiKeyPrincipal | null = null;
      let presentedKey: PresentedApiKey | null = null;

      const token = allow.has("cron-secret") || allow.has("api-key") ? bearer(req) : null;
      if (token !== null) {
        // A presented credential must be right: never fall through to weaker ways.
        if (allow.has("api-key") && token.startsWith("fl_")) {
          if (opts.apiKeyCheck === "handler") presentedKey = presentedApiKey(token);
          else apiKey = await verifyApiKey(token);
          if (!apiKey && !presentedKey) return fail(401, "unauthenticated", "invalid or revoked API key", undefined, BEARER_CHALLENGE);
          via = "api-key";
        } else if (allow.has("cron-secret") && secretMatches(token, env.CRON_SECRET)) {
          via = "cron-secret";
        } else {
          return fail(401, "unauthenticated", "invalid credentials", undefined, BEARER_CHALLENGE);
        }
      }

      if (via === null) {
        viewer = await getViewer();
        const sessionVia = viewer ? SESSION_VIA[viewer.role] : null;
        if (sessionVia && allow.has(sessionVia)) {
          // The browser attaches the session cookie by itself, so a write riding on it must come
          // from our own pages (lib/http/origin.ts). Bearer credentials (API keys, the cron secret)
          // and signed webhooks are exempt: a browser never sends those on its own, so another
          // site cannot make a visitor's browser use them.
          const problem = originProblem(req.method, req.headers, publicOrigin());
          if (problem) return fail(403, "forbidden", ORIGIN_MESSAGES[problem]);
          via = sessionVia;
        } else if (allow.has("public")) {
          via = "public";
        } else if (viewer) {
          return fail(403, "forbidden", "not allowed");
        } else {
          const bearerAllowed = allow.has("cron-secret") || allow.has("api-key");
          const message = allow.has("api-key") ? "API key required (Authorization: Bearer fl_…)" : "sign in required";
          return fail(401, "unauthenticated", message, undefined, bearerAllowed ? BEARER_CHALLENGE : undefined);
        }
      }

      if (viewer) addLogContext({ userId: viewer.userId });
      const params = ((await routeCtx?.params) ?? {}) as P;
      const result = await handler(req, { viewer, via, apiKey, presentedKey, params });
      return result instanceof Response ? result : json(result ?? null);
    } catch (e) {
      unstable_rethrow(e);
      if (isDomainError(e)) {
        const headers =
          e instanceof RateLimitError ? { "Retry-After": String(e.retryAfterSeconds) } : e.status === 503 ? RETRY_AFTER : undefined;
        // A message code from lib/ (i18n/errors.ts), in the caller's language: the cookie, else
        // Accept-Language for API clients, else Chinese.
        const message = translateError(await requestLocale(req.headers.get("accept-language")), e.message, e.params);
        return fail(e.status, e.code, message, e.field ? { field: e.field } : undefined, headers);
      }
      const unavailable = unavailableReason(e);
      if (unavailable) {
        // Database down, restarting, or a lock/statement timeout: rolled back, safe to retry.
        log.warn({ err: e, reason: unavailable }, "database unavailable");
        return fail(503, "unavailable", UNAVAILABLE_MESSAGE, { reason: unavailable }, RETRY_AFTER);
      }
      if (e instanceof z.ZodError) {
        // A schema's own messages may be message codes (a custom issue's params are their arguments).
        const locale = await requestLocale(req.headers.get("accept-language"));
        return fail(400, "invalid_input", "invalid input", {
          issues: e.issues.map((i) => ({
            path: i.path.map(String).join("."),
            message: translateError(locale, i.message, i.code === "custom" ? (i.params as MessageParams | undefined) : undefined),
          })),
        });
      }
      log.error({ err: e }, "route failed");
      return fail(500, "internal", "internal error");
    }
  };
  return (req, routeCtx) => {
    const startedAt = performance.now();
    // Set by proxy.ts; made here for a call that did not pass through it (tests, internal calls).
    const requestId = req.headers.get(REQUEST_ID_HEADER) ?? requestIdFrom(req.headers);
    const path = req.nextUrl?.pathname ?? new URL(req.url).pathname;
    const attributes = { "http.request.method": req.method, "url.path": path, "freeline.request_id": requestId };
    return withLogContext({ requestId, route: `${req.method} ${path}` }, () =>
      inSpan(`route ${req.method} ${pathTemplate(path)}`, attributes, async () => {
        const res = await handle(req, routeCtx);
        logRequest("route", res.status, startedAt);
        return res;
      }),
    );
  };
}
