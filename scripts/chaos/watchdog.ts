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
