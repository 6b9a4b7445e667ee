import "server-only";
import { trace } from "@opentelemetry/api";
import { currentLogContext, log } from "./log";
import { metrics } from "./metrics";
import { markSpanFailed } from "./tracing";

/**
 * The one line per route call or server action: its outcome (the HTTP status of a route; ok,
 * refused, invalid, unavailable or error for an action) and its latency, with the context's
 * request id, user, and route or action. Counted in freeline_requests_total too (by kind and the
 * status class, so the label stays small). The same outcome, and the user, go on the current
 * span (lib/observability/tracing.ts), which a 5xx or an action's error marks failed.
 */
export function logRequest(kind: "route" | "action", outcome: number | string, startedAt: number): void {
  const ms = Math.round((performance.now() - startedAt) * 10) / 10;
  const failed = typeof outcome === "number" ? outcome >= 500 : outcome === "error";
  metrics().requests.inc({ kind, outcome: typeof outcome === "number" ? `${Math.floor(outcome / 100)}xx` : outcome });
  log[failed ? "warn" : "info"]({ status: outcome, ms }, kind === "route" ? "route answered" : "action answered");
  const span = trace.getActiveSpan();
  if (span) {
    const { userId } = currentLogContext();
    span.setAttributes({
      ...(typeof outcome === "number" ? { "http.response.status_code": outcome } : { "freeline.action.outcome": outcome }),
      ...(userId !== undefined ? { "enduser.id": String(userId) } : {}),
    });
    if (failed) markSpanFailed(span, typeof outcome === "number" ? `status ${outcome}` : outcome);
  }
}
