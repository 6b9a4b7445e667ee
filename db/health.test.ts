import { afterEach, describe, expect, it, vi } from "vitest";
import { databaseAvailable, FRESH_MS, noteDatabaseDoubt, noteDatabaseOk, PROBE_TIMEOUT_MS, registerDatabaseProbe, resetDatabaseHealth, RETRY_MS } from "./health";

// The gate's state machine with a probe the test controls (the real probe is the pool's `select 1`;
// the outage drill in `npm test` runs the whole thing against a crashed Postgres).
function probe(results: ("ok" | "fail" | "hang")[]) {
  const calls: number[] = [];
  registerDatabaseProbe(async () => {
    calls.push(Date.now());
    const r = results.shift() ?? "ok";
    if (r === "fail") throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    if (r === "hang") await new Promise(() => {});
  });
  return calls;
}

afterEach(resetDatabaseHealth);

describe("database health gate", () => {
  it("lets everything through before the pool exists (no probe registered)", async () => {
    expect(await databaseAvailable()).toBe(true);
  });

  it("trusts a recent sign of life with no I/O, and probes once it is stale", async () => {
    const calls = probe(["ok"]);
    const t = Date.now();
    noteDatabaseOk(t);
    expect(await databaseAvailable(t + FRESH_MS - 1)).toBe(true);
    expect(calls).toHaveLength(0);
    expect(await databaseAvailable(t + FRESH_MS)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it("a connection doubt makes the next request probe; a lock timeout is no doubt", async () => {
    const calls = probe(["ok", "ok"]);
    const t = Date.now();
    noteDatabaseOk(t);
    noteDatabaseDoubt(Object.assign(new Error("lock timeout"), { code: "55P03" }), t);
    expect(await databaseAvailable(t + 1)).toBe(true);
    expect(calls).toHaveLength(0);
    noteDatabaseDoubt(Object.assign(new Error("terminating connection"), { code: "57P01" }), t + 1);
    expect(await databaseAvailable(t + 2)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it("shares one probe between concurrent requests", async () => {
    const calls = probe(["ok"]);
    const answers = await Promise.all(Array.from({ length: 20 }, () => databaseAvailable()));
    expect(answers.every(Boolean)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it("closes on a failed probe, refuses without probing for RETRY_MS, then half-opens and recovers", async () => {
    const calls = probe(["fail", "fail", "ok"]);
    const t = Date.now();
    expect(await databaseAvailable(t)).toBe(false);
    expect(await databaseAvailable(t + RETRY_MS - 1)).toBe(false);
    expect(calls).toHaveLength(1);
    expect(await databaseAvailable(t + RETRY_MS)).toBe(false); // the half-open probe fails too
    expect(calls).toHaveLength(2);
    expect(await databaseAvailable(t + 2 * RETRY_MS - 1)).toBe(false); // still inside its window
    expect(calls).toHaveLength(2);
    expect(await databaseAvailable(t + 2 * RETRY_MS)).toBe(true);
    expect(calls).toHaveLength(3);
    // Recovered: a sign of life right after needs no probe.
    expect(await databaseAvailable(Date.now())).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it("a probe that never answers counts as down after PROBE_TIMEOUT_MS, not a hung request", async () => {
    vi.useFakeTimers();
    try {
      probe(["hang"]);
      let answer: boolean | undefined;
      void databaseAvailable().then((ok) => (answer = ok));
      await vi.advanceTimersByTimeAsync(PROBE_TIMEOUT_MS - 1);
      expect(answer).toBeUndefined(); // still waiting for the probe
      await vi.advanceTimersByTimeAsync(1);
      expect(answer).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
