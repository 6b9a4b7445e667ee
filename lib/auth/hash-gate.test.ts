import { describe, expect, it } from "vitest";
import en from "@/messages/en/errors.json";
import zh from "@/messages/zh-CN/errors.json";
import { BusyError, createGate } from "./hash-gate";

/** A task that runs until released, recording how many run at once. */
function probe() {
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  const releases: (() => void)[] = [];
  const task = (id: number, fail = false) => async () => {
    running += 1;
    peak = Math.max(peak, running);
    order.push(id);
    await new Promise<void>((resolve) => releases.push(resolve));
    running -= 1;
    if (fail) throw new Error(`task ${id} failed`);
    return id;
  };
  const releaseAll = async () => {
    // Each release lets a waiter start, which adds a release of its own: repeat until quiet.
    for (let i = 0; i < 1000 && (releases.length > 0 || running > 0); i++) {
      releases.splice(0).forEach((r) => r());
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { task, releaseAll, peak: () => peak, order };
}

describe("createGate", () => {
  it("runs at most `slots` calls at once, the rest in arrival order", async () => {
    const gate = createGate(2, 10);
    const p = probe();
    const calls = Array.from({ length: 7 }, (_, i) => gate.run(p.task(i)));
    await new Promise((r) => setTimeout(r, 0));
    expect(gate.stats()).toMatchObject({ running: 2, waiting: 5 });
    await p.releaseAll();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(p.peak()).toBe(2);
    expect(p.order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(gate.stats()).toEqual({ running: 0, waiting: 0, started: 7 });
  });

  it("refuses at once with BusyError (\"busy, try again\") when the queue is full, and serves the rest", async () => {
    const gate = createGate(1, 3);
    const p = probe();
    const calls = Array.from({ length: 6 }, (_, i) => gate.run(p.task(i)).catch((e: unknown) => e));
    await new Promise((r) => setTimeout(r, 0));
    await p.releaseAll();
    const results = await Promise.all(calls);
    expect(results.slice(0, 4)).toEqual([0, 1, 2, 3]);
    for (const r of results.slice(4)) {
      expect(r).toBeInstanceOf(BusyError);
      expect(r).toMatchObject({ code: "unavailable", message: "auth.busy", status: 503 });
    }
    // The overflow was refused, not queued: the gate is free again.
    await expect(gate.run(async () => "after")).resolves.toBe("after");
  });

  it("frees the slot when a call throws", async () => {
    const gate = createGate(1, 5);
    const p = probe();
    const failing = gate.run(p.task(1, true)).catch((e: Error) => e.message);
    const next = gate.run(p.task(2));
    await p.releaseAll();
    expect(await failing).toBe("task 1 failed");
    expect(await next).toBe(2);
    expect(gate.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it("says \"busy, try again\" in both languages", () => {
    expect(zh.auth.busy).toContain("稍后再试");
    expect(en.auth.busy).toMatch(/busy.*try again/i);
  });
});
