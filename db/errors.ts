import "server-only";

/** Reads a Postgres error field through drizzle's wrapping (`cause`). */
function field(e: unknown, name: "code" | "constraint"): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === "object"; i++) {
    const v = (cur as Record<string, unknown>)[name];
    if (typeof v === "string") return v;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export const pgCode = (e: unknown) => field(e, "code");
export const pgConstraint = (e: unknown) => field(e, "constraint");

/**
 * Why a database error means "try again shortly" rather than a bug or a bad request, or null.
 * These roll the transaction back or never start it; only a connection lost during COMMIT leaves
 * the outcome unknown, which is what idempotency keys are for. The route and action wrappers
 * answer 503 with Retry-After / a "try again" message; nothing here is retried automatically.
 */
export type UnavailableReason = "lock_timeout" | "statement_timeout" | "connection" | "overloaded";

// SQLSTATE -> reason. Class 08 (connection exception) is matched by prefix below.
const UNAVAILABLE_CODES: Record<string, UnavailableReason> = {
  "55P03": "lock_timeout", // lock_not_available: waited longer than lock_timeout
  "57014": "statement_timeout", // query_canceled: statement_timeout (or a cancel request)
  "25P03": "connection", // idle_in_transaction_session_timeout ended the session
  "57P01": "connection", // admin_shutdown: pg_terminate_backend, or the server is stopping
  "57P02": "connection", // crash_shutdown
  "57P03": "connection", // cannot_connect_now: starting up or shutting down
  "53300": "overloaded", // too_many_connections
};

// Node socket errors on connect or mid-query.
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

// node-postgres and pg-pool report these as plain Errors with no code.
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Connection ended/i;

export function unavailableReason(e: unknown): UnavailableReason | null {
  let cur: unknown = e;
  for (let i = 0; i < 6 && cur && typeof cur === "object"; i++) {
    const err = cur as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof err.code === "string") {
      const known = UNAVAILABLE_CODES[err.code];
      if (known) return known;
      if (/^08[0-9A-Z]{3}$/.test(err.code) || SOCKET_CODES.has(err.code)) return "connection";
    }
    if (typeof err.message === "string" && CONNECTION_MESSAGES.test(err.message)) return "connection";
    // Connecting to "localhost" tries ::1 and 127.0.0.1: Node reports an AggregateError of both.
    if (Array.isArray(err.errors) && err.errors.some((x) => unavailableReason(x) !== null)) return "connection";
    cur = err.cause;
  }
  return null;
}

/** What a person sees while the database is unreachable or too busy (actions and routes). */
export const UNAVAILABLE_MESSAGE = "服务暂时不可用，请稍后重试 / service temporarily unavailable, please retry";
/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** host:port/database and user of a connection string, never its password. */
function target(url: string): { where: string; user: string; database: string; host: string } {
  try {
    const u = new URL(url);
    const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || "(default)";
    const host = u.hostname || "localhost";
    return { where: `${host}:${u.port || "5432"}/${database}`, user: decodeURIComponent(u.username) || "(default)", database, host };
  } catch {
    return { where: "(unparseable DATABASE_URL)", user: "?", database: "?", host: "?" };
  }
}

/**
 * One clear sentence for a failed start-up connection: what is wrong (wrong password, unknown
 * database, unreachable host, ...) and what to fix. The password is never printed.
 */
export function describeConnectionError(e: unknown, url: string): string {
  const t = target(url);
  const code = pgCode(e) ?? (e as { code?: string } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  const aggregate = (e as { errors?: { code?: string }[] } | null)?.errors?.find((x) => typeof x?.code === "string")?.code;
  const errno = code ?? aggregate;
  switch (errno) {
    case "28P01":
      return `wrong password for user "${t.user}" at ${t.where}: fix the password in DATABASE_URL.`;
    case "28000":
      return `user "${t.user}" may not connect to ${t.where} (${message}): check the user in DATABASE_URL and pg_hba.conf.`;
    case "3D000":
      return `database "${t.database}" does not exist at ${t.where}: create it (createdb ${t.database}) or fix DATABASE_URL.`;
    case "57P03":
      return `Postgres at ${t.where} is starting up or shutting down: try again in a moment.`;
    case "53300":
      return `Postgres at ${t.where} has no free connections (too many clients): lower DATABASE_POOL_MAX or raise max_connections.`;
    case "ECONNREFUSED":
      return `nothing is listening at ${t.where} (connection refused): is Postgres running, and are the host and port in DATABASE_URL right?`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `the host "${t.host}" in DATABASE_URL cannot be resolved: fix the host name.`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "ETIMEDOUT":
      return `the database host ${t.where} is unreachable (${errno}): check the host in DATABASE_URL and the network.`;
  }
  if (/SASL|SCRAM|password must be a string/i.test(message)) {
    return `the server at ${t.where} requires a password and DATABASE_URL has none (or an invalid one) for user "${t.user}": add the password.`;
  }
  if (/timeout/i.test(message)) {
    return `no answer from ${t.where} within the connection timeout: check the host and port in DATABASE_URL, and any firewall.`;
  }
  return `cannot connect to ${t.where} as "${t.user}": ${message}`;
}
