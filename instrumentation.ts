/**
 * Runs once as the server starts (`next start`, before it takes requests): the environment is
 * validated here (lib/env.ts), so a missing PUBLIC_URL, or a test-only switch under
 * NODE_ENV=production, stops the server with its one clear message. Next only logs an error thrown
 * here and goes on serving (every page would then fail), hence the exit.
 */
export async function register(): Promise<void> {
  try {
    await import("./lib/env");
  } catch (e) {
    console.error(`\nFreeline cannot start. ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  // SIGTERM: not ready at once, then exit within a bound (lib/observability/shutdown.ts).
  if (process.env.NEXT_RUNTIME === "nodejs") (await import("./lib/observability/shutdown")).installShutdownBound();
}
