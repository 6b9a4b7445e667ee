import "server-only";
import { env } from "@/lib/env";
import { log } from "./log";

/**
 * SIGTERM for `next start`: Next itself stops accepting connections and lets the requests in flight
 * finish, then exits. Here, on top: the instance reports not ready at once (/api/health/ready
 * answers 503 to a load balancer still holding a kept-alive connection), and it exits within
 * SHUTDOWN_TIMEOUT_MS whatever is still running (a request stuck behind a lock, a client that
 * never reads its answer). Installed by instrumentation.ts; the flag lives on globalThis because
 * the route that reads it is bundled apart.
 */
const g = globalThis as unknown as { __freelineShutdown?: { installed: boolean; since: number | null } };
const state = (g.__freelineShutdown ??= { installed: false, since: null });

export function shuttingDown(): boolean {
  return state.since !== null;
}

export function installShutdownBound(boundMs: number = env.SHUTDOWN_TIMEOUT_MS): void {
  if (state.installed) return;
  state.installed = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    // Before Next's own handler (registered earlier), so the flag is set before it closes the server.
    process.prependListener(signal, () => {
      if (state.since !== null) return;
      state.since = Date.now();
      log.info({ signal, boundMs }, "shutting down: not ready, finishing the requests in flight");
      setTimeout(() => {
        log.warn({ boundMs }, "requests still in flight at the shutdown bound: exiting");
        process.exit(1);
      }, boundMs).unref();
    });
  }
}
