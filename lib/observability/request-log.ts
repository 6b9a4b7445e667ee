import "server-only";
import { log } from "./log";
import { metrics } from "./metrics";

/**
 * The one line per route call or server action: its outcome (the HTTP status of a route; ok,
 * refused, invalid, unavailable or error for an action) and its latency, with the context's
 * request id, user, and route or action. Counted in freeline_requests_total too (by kind and the
 * status class, so the label stays small).
 */
export function logRequest(kind: "route" | "action", outcome: number | string, startedAt: number): void {
  const ms = Math.round((performance.now() - startedAt) * 10) / 10;
  const failed = typeof outcome === "number" ? outcome >= 500 : outcome === "error";
  metrics().requests.inc({ kind, outcome: typeof outcome === "number" ? `${Math.floor(outcome / 100)}xx` : outcome });
  log[failed ? "warn" : "info"]({ status: outcome, ms }, kind === "route" ? "route answered" : "action answered");
}
