import "server-only";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace-node";
import { env } from "@/lib/env";
import { getProcessRole, log } from "./log";
import { parseOtlpHeaders, tracesUrl, tracingGlobal as g } from "./tracing";

// The OpenTelemetry SDK's part of tracing (./tracing.ts): apart, so a process with no endpoint
// configured never loads it (instrumentation-node.ts imports this only when tracesUrl() is set).

/**
 * Registers the tracer provider and the pg instrumentation when an endpoint is configured; returns
 * whether tracing is on. Safe to call twice (Next may evaluate instrumentation once per runtime).
 */
export function startTracing(): boolean {
  if (g.__freelineTracing !== undefined) return g.__freelineTracing !== null;
  const url = tracesUrl();
  if (!url) {
    g.__freelineTracing = null;
    return false;
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      "service.name": env.OTEL_SERVICE_NAME ?? `freeline-${getProcessRole()}`,
      "service.instance.id": `${process.pid}`,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(env.OTEL_TRACES_SAMPLER_ARG) }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url, headers: parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS), timeoutMillis: 5_000 }), {
        scheduledDelayMillis: 1_000,
      }),
    ],
  });
  // AsyncLocalStorage context and the W3C traceparent propagator.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    // Only queries inside a request, action or job: the pool's health probes and the runner's
    // polling would otherwise be a trace each.
    instrumentations: [new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false })],
  });
  g.__freelineTracing = { provider, url };
  log.info({ url: url.replace(/\/\/[^@/]*@/, "//[redacted]@") }, "tracing on: spans sent as OTLP/HTTP");
  return true;
}

