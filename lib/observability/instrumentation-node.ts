/**
 * The server's start-up on Node (instrumentation.ts): the environment is validated first
 * (lib/env.ts), so a missing PUBLIC_URL, or a test-only switch under NODE_ENV=production, stops the
 * server with its one clear message. Next only logs an error thrown from register() and goes on
 * serving (every page would then fail), hence the exit (and a plain line on stderr: the logger
 * needs the environment). Then traces, before any module loads pg, so its queries are traced; and
 * the SIGTERM bound.
 */
export async function registerNode(): Promise<void> {
  try {
    await import("@/lib/env");
  } catch (e) {
    process.stderr.write(`\nFreeline cannot start. ${e instanceof Error ? e.message : String(e)}\n\n`);
    process.exit(1);
  }
  // The SDK is loaded only when an endpoint is configured (./tracing.ts).
  if ((await import("./tracing")).tracesUrl()) (await import("./tracing-sdk")).startTracing();
  // SIGTERM: not ready at once, then exit within a bound (./shutdown.ts).
  (await import("./shutdown")).installShutdownBound();
}
