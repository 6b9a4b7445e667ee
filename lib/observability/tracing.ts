import "server-only";
import { SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";
import { env } from "@/lib/env";

/**
 * Traces: OpenTelemetry spans for route handlers, server actions, jobs and every database query
 * made under one of them, sent as OTLP/HTTP (JSON) to a collector. Started once per process
 * (instrumentation.ts for the app, scripts/worker.ts for the job runner) by ./tracing-sdk.ts, and
 * only when an endpoint is configured: with none, the SDK is not even loaded, no provider is
 * registered and every span below is the API's no-op, which costs a function call. This module
 * needs only the API, so the routes and actions that make spans do not load the SDK.
 *
 * Next adds its own spans once a provider is registered (the request, the render, the route
 * handler) and ours nest under them; pg's spans come from @opentelemetry/instrumentation-pg, which
 * patches `pg` as it is first required, so the tracer must start before the first database use.
 * Query text is kept (drizzle sends parameters apart), parameter values never are.
 */

/** Set by startTracing (./tracing-sdk.ts): null once it found tracing off. */
export type TracingState = { provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> }; url: string };
export const tracingGlobal = globalThis as unknown as { __freelineTracing?: TracingState | null };
const g = tracingGlobal;

/** Where spans go: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, else <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces; null when off. */
export function tracesUrl(e: Pick<typeof env, "OTEL_EXPORTER_OTLP_ENDPOINT" | "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"> = env): string | null {
  if (e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (e.OTEL_EXPORTER_OTLP_ENDPOINT) return `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`;
  return null;
}

/** `a=1,b=x%20y` to headers. */
export function parseOtlpHeaders(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    const i = pair.indexOf("=");
    if (i > 0) out[pair.slice(0, i).trim()] = decodeURIComponent(pair.slice(i + 1).trim());
  }
  return out;
}

/** Sends the spans still buffered (before exit, and in tests). */
export async function flushTracing(): Promise<void> {
  await g.__freelineTracing?.provider.forceFlush();
}

/** Flushes and stops the provider (SIGTERM). */
export async function stopTracing(): Promise<void> {
  await g.__freelineTracing?.provider.shutdown();
}

/** Next's redirect(), notFound() and friends are thrown, but they are answers, not failures. */
function isControlFlow(e: unknown): boolean {
  const digest = (e as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && /^(NEXT_|DYNAMIC_SERVER_USAGE)/.test(digest);
}

/**
 * Runs `fn` inside a span named `name`, current for everything it awaits (its queries nest under
 * it). A throw marks the span failed (with the exception event) and is rethrown.
 */
export function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer("freeline").startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      if (!isControlFlow(e)) {
        span.recordException(e instanceof Error ? e : String(e));
        span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      }
      throw e;
    } finally {
      span.end();
    }
  });
}

/** Marks the current span failed without an exception (a 5xx answer, an action's error outcome). */
export function markSpanFailed(span: Span, message: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * A path as a span name may carry it: ids, slugs and tokens become placeholders, so names stay
 * few (`/api/queues/:id/drain`, `/s/:slug`) and the concrete path is an attribute.
 */
export function pathTemplate(path: string): string {
  const parts = path.split("?")[0]!.split("/");
  return parts
    .map((seg, i) => {
      if (i > 0 && parts[i - 1] === "s" && i === 2 && seg) return ":slug";
      if (/^\d+$/.test(seg)) return ":id";
      if (seg.length >= 16 && /\d/.test(seg)) return ":token";
      return seg;
    })
    .join("/");
}
