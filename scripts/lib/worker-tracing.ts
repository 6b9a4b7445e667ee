// Imported first by scripts/worker.ts. ES modules are evaluated in import order, so this runs
// before any module loads pg: instrumentation-pg patches pg as it is required (tracing.ts).
import { setProcessRole } from "@/lib/observability/log";
import { startTracing } from "@/lib/observability/tracing-sdk";

setProcessRole("worker");
startTracing();
