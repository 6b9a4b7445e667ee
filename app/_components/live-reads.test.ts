import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fresher, ReadClock, type Stamped } from "./live-reads";

describe("live reads", () => {
  it("hands out increasing tickets", () => {
    const clock = new ReadClock();
    const tickets = Array.from({ length: 5 }, () => clock.begin());
    expect(tickets).toEqual([1, 2, 3, 4, 5]);
  });

  it("never goes back to an older read, whatever order the answers arrive in", () => {
    // Reads 1..n begin in order; some of them answer, in any order. The first frame (the server
    // render the page started from) has ticket 0.
    const answers = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i + 1),
        { minLength: 0, maxLength: n },
      ),
    );
    fc.assert(
      fc.property(answers, (order) => {
        let shown: Stamped<string> = { data: "first frame", ticket: 0 };
        for (const ticket of order) {
          const before = shown.ticket;
          shown = fresher(shown, { data: `read ${ticket}`, ticket });
          expect(shown.ticket).toBeGreaterThanOrEqual(before);
          // An answer is taken exactly when its read began after the one shown.
          expect(shown.data === `read ${ticket}`).toBe(ticket > before);
        }
        const newest = Math.max(0, ...order);
        expect(shown).toEqual(newest === 0 ? { data: "first frame", ticket: 0 } : { data: `read ${newest}`, ticket: newest });
      }),
    );
  });

  it("keeps the page's own change over a poll that began before it and answers after it", () => {
    const clock = new ReadClock();
    const poll = clock.begin(); // a poll sets off while the entry is still waiting
    const change = clock.begin(); // the customer leaves; the page takes the entry off at once
    let shown: Stamped<string[]> = { data: ["¥20", "¥100"], ticket: 0 };
    shown = fresher(shown, { data: ["¥100"], ticket: change });
    shown = fresher(shown, { data: ["¥20", "¥100"], ticket: poll });
    expect(shown.data).toEqual(["¥100"]);
    // The next poll begins after the change and is taken.
    shown = fresher(shown, { data: ["¥100 (第 1 位)"], ticket: clock.begin() });
    expect(shown.data).toEqual(["¥100 (第 1 位)"]);
  });
});
