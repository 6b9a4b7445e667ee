import { describe, expect, it } from "vitest";
import { awaitWorkload } from "./watchdog";

// The chaos run's bound on stragglers: an operation that never finishes once the workload should
// stop is named after the grace period, and the run goes on to its checks instead of hanging.

const never = new Promise<void>(() => {});
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<"still waiting">((r) => setTimeout(() => r("still waiting"), ms))]);

describe("awaitWorkload", () => {
  it("names the operations still in flight once the grace period after the stop has passed", async () => {
    const started = Date.now();
    const abandoned = await awaitWorkload(never, { stopped: () => true, graceMs: 60, inFlight: () => ["webOrder #7 for 130 s"], pollMs: 5 });
    expect(abandoned).toEqual(["webOrder #7 for 130 s"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
  });

  it("waits for a workload that has not been told to stop, however long it runs", async () => {
    expect(await within(awaitWorkload(never, { stopped: () => false, graceMs: 10, inFlight: () => ["x"], pollMs: 5 }), 150)).toBe("still waiting");
  });

  it("answers nothing abandoned when the workload ends by itself, even after the stop", async () => {
    let end!: () => void;
    const ran = new Promise<void>((r) => (end = r));
    const waiting = awaitWorkload(ran, { stopped: () => true, graceMs: 10_000, inFlight: () => ["never named"], pollMs: 5 });
    setTimeout(end, 30);
    expect(await waiting).toEqual([]);
  });
});
