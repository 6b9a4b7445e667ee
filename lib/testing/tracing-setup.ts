// Imported FIRST by a test that checks traces: it starts a local OTLP receiver, points the
// environment at it, and starts tracing before any module of the test loads pg or lib/env.ts (ES
// modules are evaluated in import order), as instrumentation.ts does for the server.
import { startOtlpReceiver } from "./otlp-receiver";

export const receiver = await startOtlpReceiver();
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
process.env.OTEL_SERVICE_NAME = "freeline-test";
const tracing = await import("@/lib/observability/tracing-sdk");
if (!tracing.startTracing()) throw new Error("tracing did not start: lib/env.ts was loaded before this module");
