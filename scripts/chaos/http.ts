// The chaos run's HTTP client: route handlers, the POS API and server actions (called the way
// React calls them, by the build's action id), each answer sorted into what the client may rely on.
import { OUTAGE_PATH } from "@/db/health";
import { manifestActions, workerUrl } from "@/e2e/matrix";
import { translateError } from "@/i18n/errors";

// validatedAction's answers for "retry later" and "something broke" (its GENERIC_ERROR), in the
// reader's language; the chaos client sends no locale cookie, so Chinese.
const ACTION_UNAVAILABLE = translateError("zh-CN", "action.unavailable");
const ACTION_FAILED = translateError("zh-CN", "action.failed");

/**
 * - ack: the app said it was done (2xx, an action's `ok: true` or its redirect);
 * - refused: the app said no, with a reason (4xx, an action's domain error);
 * - unavailable: the app said "retry later" (503, the action's unavailable message);
 * - lost: no answer at all (connection refused or reset, timeout): the client cannot know;
 * - failed: the app broke (a 5xx other than 503, or an action's generic "something failed").
 * Only `ack` makes a promise that the checks hold the app to afterwards.
 */
export type Outcome = (
  | { kind: "ack"; status: number; body: Record<string, unknown>; redirect?: string; headers: Headers }
  | { kind: "refused" | "unavailable" | "failed"; status: number; message: string }
  | { kind: "lost"; status: 0; message: string }
) & { /** Wall-clock time from sending to the whole answer. */ ms?: number };

/** Runs a call and notes how long it took. */
async function timed<T extends Outcome>(call: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await call();
  out.ms = Math.round(performance.now() - t0);
  return out;
}

/** Longer than the app's own statement timeout (15 s), so a slow answer still arrives. */
const TIMEOUT_MS = 20_000;

function text(body: unknown): string {
  return (typeof body === "string" ? body : JSON.stringify(body)).replace(/\s+/g, " ").slice(0, 300);
}

async function send(url: string, init: RequestInit): Promise<Response | { lost: string }> {
  try {
    return await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    return { lost: err.cause?.code ?? err.cause?.message ?? err.name ?? String(e) };
  }
}

type RouteOptions = { headers?: Record<string, string>; json?: unknown; raw?: string };

/** Calls a route handler (JSON in, JSON or problem+json out). */
export function callRoute(base: string, method: string, path: string, opts: RouteOptions = {}): Promise<Outcome> {
  return timed(() => routeOnce(base, method, path, opts));
}

async function routeOnce(base: string, method: string, path: string, opts: RouteOptions): Promise<Outcome> {
  const body = opts.raw ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json));
  const res = await send(base + path, {
    method,
    headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...opts.headers },
    body,
  });
  if ("lost" in res) return { kind: "lost", status: 0, message: res.lost };
  let raw = "";
  try {
    raw = await res.text();
  } catch (e) {
    return { kind: "lost", status: 0, message: `body: ${(e as Error).message}` };
  }
  let parsed: Record<string, unknown> = {};
  try {
    parsed = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  } catch {
    parsed = { text: raw.slice(0, 300) };
  }
  if (res.status >= 200 && res.status < 300) return { kind: "ack", status: res.status, body: parsed, headers: res.headers };
  if (res.status === 503) return { kind: "unavailable", status: 503, message: text(parsed) };
  if (res.status >= 500) return { kind: "failed", status: res.status, message: text(parsed) };
  return { kind: "refused", status: res.status, message: text(parsed) };
}

/**
 * Opens a page as a signed-in browser would (no redirect followed): a page or a redirect is an
 * answer (ack), as for routes otherwise.
 */
export function visitPage(base: string, path: string, cookie?: string): Promise<Outcome> {
  return timed(async () => {
    const res = await send(base + path, { headers: { accept: "text/html", ...(cookie ? { cookie } : {}) } });
    if ("lost" in res) return { kind: "lost", status: 0, message: res.lost };
    try {
      await res.arrayBuffer();
    } catch (e) {
      return { kind: "lost", status: 0, message: `body: ${(e as Error).message}` };
    }
    const location = res.headers.get("location") ?? undefined;
    // A render that lost the database is sent to the 503 page (db/render-outage.ts): unavailable, as a 503 is.
    if (location !== undefined && new URL(location, base).pathname === OUTAGE_PATH) return { kind: "unavailable", status: res.status, message: `${res.status} to ${OUTAGE_PATH}` };
    if (res.status < 400) return { kind: "ack", status: res.status, body: {}, redirect: location, headers: res.headers };
    if (res.status === 503) return { kind: "unavailable", status: 503, message: "503" };
    if (res.status >= 500) return { kind: "failed", status: res.status, message: `page ${path}` };
    return { kind: "refused", status: res.status, message: `page ${path}` };
  });
}

/** The build's server actions by exported name, each with a page URL that serves it. */
export function actionIds(): Map<string, { id: string; url: string }> {
  const out = new Map<string, { id: string; url: string }>();
  for (const a of manifestActions()) {
    const urls = a.workers.map(workerUrl).filter((u): u is string => u !== null);
    out.set(a.name, { id: a.id, url: urls[0] ?? "/" });
  }
  return out;
}

/**
 * The rows of an RSC reply by id. Most rows end at a line feed; a text row (`id:T<hex length>,`)
 * carries that many bytes and no line feed, so the next row follows it directly (a long string in
 * an action's result, such as a signed pay address, is sent that way).
 */
function rscRows(reply: Buffer): Map<string, string> {
  const rows = new Map<string, string>();
  let i = 0;
  while (i < reply.length) {
    const colon = reply.indexOf(0x3a, i);
    if (colon < 0) break;
    const id = reply.toString("utf8", i, colon);
    if (reply[colon + 1] === 0x54 /* T */) {
      const comma = reply.indexOf(0x2c, colon + 2);
      const length = Number.parseInt(reply.toString("utf8", colon + 2, comma), 16);
      if (comma < 0 || !Number.isSafeInteger(length)) break;
      rows.set(id, reply.toString("utf8", comma + 1, comma + 1 + length));
      i = comma + 1 + length;
      continue;
    }
    const lf = reply.indexOf(0x0a, colon);
    const end = lf < 0 ? reply.length : lf;
    rows.set(id, reply.toString("utf8", colon + 1, end));
    i = end + 1;
  }
  return rows;
}

/** The object a server action returned, from its RSC reply, with references to text rows filled in. */
function actionResult(reply: Buffer): Record<string, unknown> | undefined {
  const rows = rscRows(reply);
  for (const row of rows.values()) {
    if (!row.startsWith("{")) continue;
    try {
      const v = JSON.parse(row) as Record<string, unknown>;
      if (typeof v.ok !== "boolean") continue;
      for (const [k, x] of Object.entries(v)) {
        const ref = typeof x === "string" ? /^\$([0-9a-f]+)$/.exec(x) : null;
        if (ref && rows.has(ref[1]!)) v[k] = rows.get(ref[1]!);
      }
      return v;
    } catch {
      /* another kind of row */
    }
  }
  return undefined;
}

export type ActionCall = { base: string; id: string; url: string; cookie?: string; form: Record<string, string>; headers?: Record<string, string> };

/**
 * Posts a server action as React does: the Next-Action header, and the reply's arguments
 * [prevState, FormData] as multipart, with the form's fields under "_1_".
 */
export function callAction(call: ActionCall): Promise<Outcome & { cookies?: string[] }> {
  return timed(() => actionOnce(call));
}

async function actionOnce(call: ActionCall): Promise<Outcome & { cookies?: string[] }> {
  const multipart = new FormData();
  for (const [k, v] of Object.entries(call.form)) multipart.append(`_1_${k}`, v);
  multipart.append("0", JSON.stringify([null, "$K1"]));
  const res = await send(call.base + call.url, {
    method: "POST",
    headers: {
      "next-action": call.id,
      accept: "text/x-component",
      origin: call.base,
      ...(call.cookie ? { cookie: call.cookie } : {}),
      ...call.headers,
    },
    body: multipart,
  });
  if ("lost" in res) return { kind: "lost", status: 0, message: res.lost };
  let raw: Buffer;
  try {
    raw = Buffer.from(await res.arrayBuffer());
  } catch (e) {
    return { kind: "lost", status: 0, message: `body: ${(e as Error).message}` };
  }
  const reply = raw.toString("utf8");
  const cookies = res.headers.getSetCookie();
  const redirect = res.headers.get("x-action-redirect")?.split(";")[0];
  if (redirect) return { kind: "ack", status: res.status, body: {}, redirect, headers: res.headers, cookies };
  if (res.status === 503) return { kind: "unavailable", status: 503, message: text(reply) };
  if (res.status >= 500) return { kind: "failed", status: res.status, message: text(reply) };
  const result = actionResult(raw);
  if (!result) return { kind: res.status >= 400 ? "refused" : "failed", status: res.status, message: `no action result: ${text(reply)}` };
  if (result.ok === true) return { kind: "ack", status: res.status, body: result, headers: res.headers, cookies };
  const message = String(result.error ?? "");
  if (message === ACTION_UNAVAILABLE) return { kind: "unavailable", status: res.status, message };
  if (message === ACTION_FAILED) return { kind: "failed", status: res.status, message };
  return { kind: "refused", status: res.status, message };
}

/** The `name=value` pairs of Set-Cookie headers, as one Cookie header. */
export function cookieHeader(setCookies: string[]): string {
  return setCookies
    .map((c) => c.split(";")[0]!.trim())
    .filter((c) => !c.endsWith("="))
    .join("; ");
}
