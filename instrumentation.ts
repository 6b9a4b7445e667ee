/**
 * Runs once as the server starts (`next start`, before it takes requests). Everything here is
 * Node-only (process.exit, pg, OpenTelemetry's Node SDK), so it sits behind the NEXT_RUNTIME check:
 * Next compiles this file for the Edge runtime too, and the check lets that build drop the imports
 * (nothing of the app runs on Edge: proxy.ts runs on Node).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // The environment check, traces and the SIGTERM bound (lib/observability/instrumentation-node.ts).
    await (await import("./lib/observability/instrumentation-node")).registerNode();
    // Rule changes made on any instance clear this one's caches at once (lib/cache/bus.ts): the
    // store lookups register themselves; the proxy's page copies are registered here.
    (await import("./lib/http/store-pages")).clearPagesOnStoreChanges();
    (await import("./lib/cache/bus")).startCacheBus();
  }
}
