// A chaos run stops by itself: past its hard limit it cleans up and fails, and Ctrl-C or SIGTERM
// clean up before exiting, so no server, database or folder outlives it.

/** Arms the watchdog (20 s before `limitMs`, leaving time to clean up) and the signal handlers. */
export function guardRun(cleanup: () => Promise<void>, say: (s: string) => void, limitMs: number): void {
  const watchdog = setTimeout(() => {
    say(`FAILED: still running after ${limitMs / 60_000} minutes; stopping`);
    void cleanup().finally(() => process.exit(1));
  }, limitMs - 20_000);
  watchdog.unref();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      say(`${signal}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }
}

/**
 * Waits for the workload to end. Once it should stop (`stopped()`: enough requests, or past the
 * deadline), operations still in flight get `graceMs` to finish (every request has its own timeout
 * and a few retries); past that it stops waiting and answers what is still running (`inFlight()`),
 * so one hung operation cannot cost the run its settle and checks, and is named. [] when the
 * workload ended by itself.
 */
export function awaitWorkload(ran: Promise<unknown>, opts: { stopped: () => boolean; graceMs: number; inFlight: () => string[]; pollMs?: number }): Promise<string[]> {
  return new Promise<string[]>((resolve) => {
    let stoppedAt: number | null = null;
    const watch = setInterval(() => {
      if (stoppedAt === null && opts.stopped()) stoppedAt = Date.now();
      if (stoppedAt !== null && Date.now() - stoppedAt > opts.graceMs) {
        clearInterval(watch);
        resolve(opts.inFlight());
      }
    }, opts.pollMs ?? 1_000);
    void ran.then(
      () => {
        clearInterval(watch);
        resolve([]);
      },
      () => {
        clearInterval(watch);
        resolve([]);
      },
    );
  });
}
