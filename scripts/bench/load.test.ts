import { describe, expect, it } from "vitest";
import { OUT_OF_WORK, runLoad } from "./load";

describe("runLoad", () => {
  it("ends the window when the work runs out, with no errors and no idle time counted", async () => {
    let left = 20;
    const r = await runLoad({ concurrency: 4, seconds: 5 }, async () => {
      if (left === 0) return OUT_OF_WORK;
      left -= 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    expect(r.ok).toBe(20);
    expect(r.errors).toBe(0);
    // Far less than the 5 s asked for: the rate is the work's, not diluted by waiting.
    expect(r.seconds).toBeLessThan(2);
    expect(r.perSecond).toBeGreaterThan(20 / 2);
  });

  it("counts a failed operation as an error and keeps going", async () => {
    let n = 0;
    const r = await runLoad({ concurrency: 1, seconds: 0.3 }, async () => {
      n += 1;
      if (n % 2 === 0) throw new Error("refused");
      await new Promise((resolve) => setTimeout(resolve, 2));
    });
    expect(r.errors).toBeGreaterThan(0);
    expect(r.ok).toBeGreaterThan(0);
    expect(r.firstErrors[0]).toBe("refused");
  });
});
