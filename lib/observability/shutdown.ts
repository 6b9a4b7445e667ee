import "server-only";
import { env } from "@/lib/env";
import { log } from "./log";
import { flushTracing } from "./tracing";

/**
 * SIGTERM for `next start` (and the standalone server.js, the same code):
 *
 * 1. at once, the instance reports not ready: /api/health/ready answers 503 `shutting_down`;
 * 2. for SHUTDOWN_DRAIN_MS it goes on serving, so a load balancer's health check sees the 503 and
 *    stops sending new requests before the port closes (a request sent to a closed port is an
 *    error for the client, or a retry at best);
 * 3. then Next's own handler runs: it stops accepting connections, lets the requests in flight
 *    finish, and exits (code 143);
 * 4. whatever still runs at SHUTDOWN_TIMEOUT_MS after the signal (a request stuck behind a lock, a
 *    client that never reads its answer), the process exits then (code 1).
 *
 * Next registers its handler before it loads instrumentation.ts, which installs this: Next's
 * SIGTERM listeners are taken off and called after the drain. SIGINT (Ctrl-C) skips the drain.
 * The flag lives on globalThis because the route that reads it is bundled apart.
 */
const g = globalThis as unknown as { __freelineShutdown?: { installed: boolean; since: number | null } };
const state = (g.__freelineShutdown ??= { installed: false, since: null });

export function shuttingDown(): boolean {
  return state.since !== null;
}

type Bounds = { boundMs: number; drainMs: number };

export function installShutdownBound({ boundMs, drainMs }: Bounds = { boundMs: env.SHUTDOWN_TIMEOUT_MS, drainMs: env.SHUTDOWN_DRAIN_MS }): void {
  if (state.installed) return;
  state.installed = true;
  const begin = (signal: NodeJS.Signals): boolean => {
    if (state.since !== null) return false;
    state.since = Date.now();
    log.info({ signal, drainMs: signal === "SIGTERM" ? drainMs : 0, boundMs }, "shutting down: not ready, finishing the requests in flight");
    // Spans of the requests in flight still go out; the ones that end later may not.
    void flushTracing().catch(() => {});
    setTimeout(() => {
      log.warn({ boundMs }, "requests still in flight at the shutdown bound: exiting");
      process.exit(1);
    }, boundMs).unref();
    return true;
  };

  // Ctrl-C: not ready, then Next's handler at once.
  process.prependListener("SIGINT", () => void begin("SIGINT"));

  // SIGTERM: Next's handlers wait for the drain.
  const nextHandlers = process.listeners("SIGTERM") as ((signal: NodeJS.Signals) => void)[];
  process.removeAllListeners("SIGTERM");
  process.on("SIGTERM", (signal) => {
    if (!begin(signal)) return;
    const handOver = () => {
      // No handler of Next's (NEXT_MANUAL_SIG_HANDLE): exit as Node would have on SIGTERM.
      if (nextHandlers.length === 0) process.exit(143);
      for (const h of nextHandlers) h(signal);
    };
    if (drainMs > 0) setTimeout(handOver, drainMs);
    else handOver();
  });
}
